"""Every kind of notification: who gets it, its label on the preferences page and its text.

Texts are gettext message ids with `%(name)s` placeholders filled from the notification's params when it is shown
or emailed, in the reader's language (see rendering.py). To add a kind: add a `Kind` here, create notifications
with it through `services.notification_send` (usually from a subscriber's task), translate its strings in
locale/fr, and optionally give it its own email templates (`templates/notifications/email/<code>.txt|.html`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class Audience(StrEnum):
    BUYER = "buyer"
    SELLER = "seller"
    BOTH = "both"  # buyers and seller members (messages, disputes)


@dataclass(frozen=True)
class Kind:
    code: str
    audience: Audience
    label: str  # lazy: the preferences page
    title: str  # msgid
    body: str  # msgid


def _kind(code: str, audience: Audience, label, title: str, body: str) -> Kind:
    return Kind(code, audience, label, title, body)


KINDS: tuple[Kind, ...] = (
    _kind(
        "order_confirmed",
        Audience.BUYER,
        _("Order confirmed"),
        gettext_noop("Order %(order_number)s is confirmed"),
        gettext_noop(
            "Thank you! Your payment of %(total)s was accepted. Each seller now prepares their part of the order; "
            "you will hear from us when it ships."
        ),
    ),
    _kind(
        "order_shipped",
        Audience.BUYER,
        _("Order shipped"),
        gettext_noop("Your order %(order_number)s has shipped"),
        gettext_noop("%(seller_name)s handed your parcel to %(carrier)s. Tracking number: %(tracking_number)s."),
    ),
    _kind(
        "order_delivered",
        Audience.BUYER,
        _("Order delivered"),
        gettext_noop("Your order %(order_number)s was delivered"),
        gettext_noop(
            "The parcel from %(seller_name)s was delivered. Something wrong? Ask for a return or open a dispute "
            "from your order page."
        ),
    ),
    _kind(
        "order_refunded",
        Audience.BUYER,
        _("Refund"),
        gettext_noop("You are refunded %(amount)s"),
        gettext_noop(
            "The part of order %(order_number)s sold by %(seller_name)s was refunded: %(amount)s goes back to your "
            "card within a few days."
        ),
    ),
    _kind(
        "order_cancelled",
        Audience.BUYER,
        _("Order cancelled"),
        gettext_noop("Part of your order %(order_number)s was cancelled"),
        gettext_noop(
            "The part of your order sold by %(seller_name)s was cancelled. What you paid for it goes back to your card."
        ),
    ),
    _kind(
        "dispute_opened",
        Audience.BOTH,
        _("Dispute opened"),
        gettext_noop("A dispute was opened on order %(seller_order_number)s"),
        gettext_noop(
            "The buyer opened a dispute on order %(seller_order_number)s. The marketplace team looks into it and "
            "will tell both parties its decision."
        ),
    ),
    _kind(
        "dispute_decided",
        Audience.BOTH,
        _("Dispute decided"),
        gettext_noop("The dispute on order %(seller_order_number)s is decided"),
        gettext_noop("The marketplace team decided %(decision)s. Its reasons: %(note)s"),
    ),
    _kind(
        "message_received",
        Audience.BOTH,
        _("Message received"),
        gettext_noop("New message about order %(seller_order_number)s"),
        gettext_noop("%(sender)s wrote: “%(excerpt)s”"),
    ),
    _kind(
        "new_order",
        Audience.SELLER,
        _("New order"),
        gettext_noop("New order %(seller_order_number)s"),
        gettext_noop("A buyer ordered %(total)s from %(seller_name)s. Accept it and ship it by %(ship_by)s."),
    ),
    _kind(
        "return_requested",
        Audience.SELLER,
        _("Return requested"),
        gettext_noop("Return requested on order %(seller_order_number)s"),
        gettext_noop("The buyer asked to return order %(seller_order_number)s. Reason: %(return_reason)s."),
    ),
    _kind(
        "late_to_ship",
        Audience.SELLER,
        _("Order late to ship"),
        gettext_noop("Order %(seller_order_number)s is late to ship"),
        gettext_noop(
            "It should have been handed to the carrier by %(ship_by)s. Ship it now or cancel it; late shipments "
            "lower your trust score."
        ),
    ),
    _kind(
        "application_approved",
        Audience.SELLER,
        _("Seller application approved"),
        gettext_noop("%(seller_name)s is approved"),
        gettext_noop("Your shop is verified: your offers are now visible to buyers."),
    ),
    _kind(
        "application_rejected",
        Audience.SELLER,
        _("Seller application rejected"),
        gettext_noop("The application of %(seller_name)s was not approved"),
        gettext_noop("The marketplace team did not approve your shop. %(reason)s"),
    ),
    _kind(
        "measure_notice",
        Audience.SELLER,
        _("Notice of a measure"),
        gettext_noop("Notice about %(seller_name)s: %(measure)s"),
        gettext_noop(
            "%(measure)s (%(decided_by)s). Read the statement of reasons in your seller center; you can appeal it "
            "there."
        ),
    ),
    _kind(
        "appeal_decided",
        Audience.SELLER,
        _("Appeal decided"),
        gettext_noop("Your appeal was decided"),
        gettext_noop("%(outcome)s"),
    ),
    _kind(
        "payout_sent",
        Audience.SELLER,
        _("Payout"),
        gettext_noop("Payout of %(amount)s sent"),
        gettext_noop("%(amount)s is on its way to your bank account ending in %(iban_last4)s."),
    ),
    _kind(
        "dac7_notice",
        Audience.SELLER,
        _("Tax reporting (DAC7)"),
        gettext_noop("What we will report to the tax authority for %(year)s (DAC7)"),
        gettext_noop(
            "As EU law requires (DAC7), the marketplace reports the sales you made on it in %(year)s: %(amount)s "
            "received for %(activities)s sales, with your identity. Check the figures and complete your tax identity "
            "on the Taxes page of the seller center before 31 January."
        ),
    ),
)

KINDS_BY_CODE: dict[str, Kind] = {kind.code: kind for kind in KINDS}


def kinds_for(*, is_seller_member: bool) -> list[Kind]:
    """The kinds a user can receive: every buyer kind, and the seller kinds for a member of a seller."""
    return [kind for kind in KINDS if kind.audience != Audience.SELLER or is_seller_member]

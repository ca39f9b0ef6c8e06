"""What each fact of another domain means for whom: the notifications a committed event leads to.

Called by the tasks that subscribers queue after the commit (tasks.py). Each function reads the fact's rows,
decides the recipients and calls `notification_send` with a key naming the fact, so running it twice notifies
nobody twice."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse

from comptoir.accounts.models import User
from comptoir.core import clock
from comptoir.notifications.domain.tracking import tracking_url
from comptoir.notifications.models import Notification
from comptoir.notifications.services import notification_send
from comptoir.orders.domain.state_machine import Status
from comptoir.orders.models import SellerOrder, SellerOrderEvent
from comptoir.sellers.models import Seller, SellerStatus

# Seller orders still to hand to the carrier: late once their ship-by date has passed.
_NOT_YET_SHIPPED = (Status.PLACED, Status.ACCEPTED)


def _seller_members(seller_id: int) -> list[User]:
    return list(User.objects.filter(seller_memberships__seller_id=seller_id, is_active=True).order_by("pk"))


def _send_all(recipients: Iterable[User], kind: str, params: dict[str, Any], dedupe_key: str) -> list[Notification]:
    sent = [notification_send(recipient=user, kind=kind, params=params, dedupe_key=dedupe_key) for user in recipients]
    return [notification for notification in sent if notification is not None]


def _buyer_order_url(seller_order: SellerOrder) -> str:
    return reverse("storefront:order_detail", args=[seller_order.order.number])


def _seller_order_url(seller_order: SellerOrder) -> str:
    return reverse("sellercenter:order_detail", args=[seller_order.number])


def notify_seller_order_events(*, event_ids: list[int]) -> int:
    """Notifications for seller-order history events: payment captured (buyer: order confirmed, once per order;
    seller: new order), shipped (with the tracking link), delivered, cancelled, return requested (seller),
    refunded, dispute opened and decided. Returns how many notifications were created."""
    events = (
        SellerOrderEvent.objects.filter(pk__in=event_ids)
        .select_related("seller_order__order__buyer", "seller_order__seller")
        .order_by("pk")
    )
    created = 0
    for event in events:
        created += len(_notify_seller_order_event(event))
    return created


def _notify_seller_order_event(event: SellerOrderEvent) -> list[Notification]:
    seller_order = event.seller_order
    order, seller, buyer = seller_order.order, seller_order.seller, seller_order.order.buyer
    common = {
        "order_number": order.number,
        "seller_order_number": seller_order.number,
        "seller_name": seller.name,
    }
    buyer_params = {**common, "url": _buyer_order_url(seller_order)}
    seller_params = {**common, "url": _seller_order_url(seller_order)}
    key = f"seller-order-event:{event.pk}"
    action = event.action
    if action == "payment_captured":
        confirmed = _send_all(
            [buyer],
            "order_confirmed",
            {**buyer_params, "total_amount": order.total_amount, "currency": order.currency},
            f"order-confirmed:{order.pk}",
        )
        new_order = _send_all(
            _seller_members(seller.pk),
            "new_order",
            {
                **seller_params,
                "total_amount": seller_order.total_amount,
                "currency": seller_order.currency,
                "ship_by": seller_order.ship_by.isoformat(),
            },
            key,
        )
        return confirmed + new_order
    if action == "ship":
        params = {
            **buyer_params,
            "carrier": seller_order.carrier,
            "tracking_number": seller_order.tracking_number,
            "tracking_url": tracking_url(seller_order.carrier, seller_order.tracking_number),
        }
        return _send_all([buyer], "order_shipped", params, key)
    if action == "deliver":
        return _send_all([buyer], "order_delivered", buyer_params, key)
    if action == "cancel" and event.actor_role != "buyer":
        return _send_all([buyer], "order_cancelled", buyer_params, key)
    if action == "request_return":
        params = {**seller_params, "return_reason": seller_order.return_reason}
        return _send_all(_seller_members(seller.pk), "return_requested", params, key)
    if action == "refund":
        refunded = {**buyer_params, "amount": seller_order.refunded_amount, "currency": seller_order.currency}
        return _send_all([buyer], "order_refunded", refunded, key)
    if action == "dispute_opened":
        return _send_all([buyer], "dispute_opened", buyer_params, key) + _send_all(
            _seller_members(seller.pk), "dispute_opened", seller_params, key
        )
    if action == "dispute_decided":
        decision = {"in_favour_of": (event.data or {}).get("in_favour_of", ""), "note": event.reason}
        return _send_all([buyer], "dispute_decided", {**buyer_params, **decision}, key) + _send_all(
            _seller_members(seller.pk), "dispute_decided", {**seller_params, **decision}, key
        )
    return []


def notify_seller_status_changed(*, seller_id: int, previous_status: str, status: str) -> int:
    """A pending application approved or rejected: its members are told (suspension and reinstatement come with
    their notice of a measure instead)."""
    if previous_status != SellerStatus.PENDING or status not in (SellerStatus.VERIFIED, SellerStatus.REJECTED):
        return 0
    seller = Seller.objects.filter(pk=seller_id).first()
    if seller is None:
        return 0
    kind = "application_approved" if status == SellerStatus.VERIFIED else "application_rejected"
    params = {"seller_name": seller.name, "reason": seller.status_reason, "url": reverse("sellercenter:dashboard")}
    return len(_send_all(_seller_members(seller_id), kind, params, f"seller-status:{seller_id}:{status}"))


def notify_enforcement_notice(*, enforcement_action_id: int, seller_id: int, kind: str, manual: bool) -> int:
    """A measure (or its lifting) notified to a seller: its members get the notice with a link to the statement."""
    from comptoir.trust.models import EnforcementAction

    action = EnforcementAction.objects.filter(pk=enforcement_action_id).select_related("seller").first()
    if action is None:
        return 0
    lifted = not action.is_active
    params = {
        "seller_name": action.seller.name,
        "measure_kind": kind,
        "manual": manual,
        "lifted": lifted,
        "url": reverse("sellercenter:notice", args=[action.pk]),
    }
    key = f"enforcement:{action.pk}:{'lifted' if lifted else 'issued'}"
    return len(_send_all(_seller_members(seller_id), "measure_notice", params, key))


def notify_appeal_decided(*, appeal_id: int, seller_id: int, accepted: bool) -> int:
    from comptoir.trust.models import Appeal

    appeal = Appeal.objects.filter(pk=appeal_id).first()
    if appeal is None:
        return 0
    params = {
        "accepted": accepted,
        "note": appeal.decision_note,
        "url": reverse("sellercenter:notice", args=[appeal.action_id]),
    }
    return len(_send_all(_seller_members(seller_id), "appeal_decided", params, f"appeal:{appeal_id}"))


def notify_message_sent(*, message_id: int) -> int:
    """A message on a seller order: the other party is told (the buyer, or every member of the seller)."""
    from comptoir.trust.models import Message

    message = (
        Message.objects.filter(pk=message_id)
        .select_related("seller_order__order__buyer", "seller_order__seller", "sender")
        .first()
    )
    if message is None:
        return 0
    seller_order = message.seller_order
    excerpt = message.body if len(message.body) <= 200 else message.body[:199] + "…"
    params: dict[str, Any] = {
        "seller_order_number": seller_order.number,
        "order_number": seller_order.order.number,
        "sender_role": message.sender_role,
        "excerpt": excerpt,
    }
    key = f"message:{message.pk}"
    if message.sender_role == "seller":
        params["sender_name"] = seller_order.seller.name
        params["url"] = reverse("storefront:messages", args=[seller_order.number])
        return len(_send_all([seller_order.order.buyer], "message_received", params, key))
    params["url"] = reverse("sellercenter:message_thread", args=[seller_order.number])
    recipients = [user for user in _seller_members(seller_order.seller_id) if user.pk != message.sender_id]
    return len(_send_all(recipients, "message_received", params, key))


def notify_payout_sent(*, payout_id: int) -> int:
    from comptoir.payments.models import Payout

    payout = Payout.objects.filter(pk=payout_id).first()
    if payout is None:
        return 0
    params = {
        "amount": payout.amount,
        "currency": payout.currency,
        "iban_last4": payout.iban_last4,
        "url": reverse("sellercenter:payouts"),
    }
    return len(_send_all(_seller_members(payout.seller_id), "payout_sent", params, f"payout:{payout.pk}"))


def notify_late_to_ship(*, limit: int = 500) -> int:
    """Tell the members of each seller whose order is still not shipped after its ship-by date (once per seller
    order). Returns how many notifications were created."""
    today = clock.now().date()
    already_told = Notification.objects.filter(
        kind="late_to_ship", dedupe_key=Concat(Value("late:"), Cast(OuterRef("pk"), CharField()))
    )
    late = (
        SellerOrder.objects.filter(status__in=_NOT_YET_SHIPPED, ship_by__lt=today)
        .exclude(Exists(already_told))
        .select_related("seller")
        .order_by("ship_by", "pk")[:limit]
    )
    created = 0
    for seller_order in late:
        params = {
            "seller_order_number": seller_order.number,
            "seller_name": seller_order.seller.name,
            "ship_by": seller_order.ship_by.isoformat(),
            "url": _seller_order_url(seller_order),
        }
        created += len(
            _send_all(_seller_members(seller_order.seller_id), "late_to_ship", params, f"late:{seller_order.pk}")
        )
    return created


def notify_dac7_notice(*, notice_id: int) -> int:
    """Tell the members of a reportable seller what the marketplace will report about its year (DAC7 notice)."""
    from comptoir.filings.models import Dac7Notice

    notice = Dac7Notice.objects.filter(pk=notice_id).first()
    if notice is None:
        return 0
    params = {
        "year": notice.year,
        "amount": notice.consideration_eur_cents,
        "currency": "EUR",
        "activities": notice.activities,
        "url": reverse("sellercenter:taxes"),
    }
    return len(_send_all(_seller_members(notice.seller_id), "dac7_notice", params, f"dac7:{notice.pk}"))

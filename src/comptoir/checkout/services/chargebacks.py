"""Chargebacks on a seller order: checkout locks the seller order and hands its facts to payments, which moves
the money and publishes ChargebackRecorded (orders records it in the seller order's history)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from comptoir.checkout import errors
from comptoir.core.exceptions import Conflict, NotFound, ValidationError
from comptoir.core.permissions import require_operator
from comptoir.orders.domain.credit_note import chargeback_credit_lines, is_duty
from comptoir.orders.models import CreditNoteKind, SellerOrder
from comptoir.orders.selectors import seller_order_duty_vat
from comptoir.orders.services import credit_note_write, seller_order_creditable_lines, seller_order_lock
from comptoir.payments.domain.chargeback import tax_reversed_by_chargeback
from comptoir.payments.models import Chargeback, Payment
from comptoir.payments.selectors import seller_order_charged_back_amount
from comptoir.payments.services import ChargebackOutcome, ChargebackTarget, chargeback_input_clean, chargeback_post

MARKETPLACE = "marketplace"  # the collector of the VAT the marketplace owes as deemed supplier (orders.OrderTaxLine)

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.payments.providers import ChargebackNotification


def chargeback_record(
    *,
    seller_order_id: int,
    amount: int,
    reason: str,
    provider_reference: str,
    currency: str | None = None,
    actor: User | None = None,
) -> ChargebackOutcome:
    """Record that the buyer's card issuer took `amount` (minor units) of a seller order back.

    One transaction: a Chargeback row, one balanced journal entry (see payments.services.chargeback_post), its credit
    note (kind "chargeback": `_chargeback_credit_note_write`), a SellerOrderEvent with action "chargeback" in the
    seller order's history (published for trust), and an audit row. The seller order's status does not change.

    Idempotent on the provider's reference: when (provider, provider_reference) is already recorded, nothing
    changes (no second entry, no second note) and the first chargeback is returned (`created=False`), whatever the
    other arguments. `actor` None is
    a provider notification (actor role "system"); otherwise it must be an operator. Raises NotFound (no such
    seller order), Conflict (nothing captured for it), ValidationError (amount not a positive integer or above
    what is left: captured − refunded − charged back; currency other than the order's; missing reason or
    reference), PermissionDenied (an actor who is not an operator)."""
    if actor is not None:
        require_operator(actor, message="Only an operator or the payment provider can record a chargeback.")
    reason, provider_reference = chargeback_input_clean(
        amount=amount, reason=reason, provider_reference=provider_reference
    )
    with transaction.atomic(durable=True):
        # The seller order's lock serialises chargebacks, refunds and the release of this order.
        try:
            seller_order = seller_order_lock(seller_order_id=seller_order_id)
        except NotFound:
            raise NotFound("No such seller order.", code=errors.SELLER_ORDER_NOT_FOUND) from None
        if seller_order.charge_total_amount is not None:
            # The buyer paid in another currency than the seller is settled in: the conversion of a chargeback is
            # not written yet (docs/CURRENCIES.md, limits); refused rather than posted in the wrong currency.
            raise Conflict(
                "Chargebacks on a seller order charged in another currency than its seller's are not supported yet.",
                code=errors.CONVERTED_CHARGEBACK_UNSUPPORTED,
            )
        charged_back_before = seller_order_charged_back_amount(seller_order.pk)
        outcome = chargeback_post(
            target=ChargebackTarget(
                seller_order_id=seller_order.pk,
                number=seller_order.number,
                order_id=seller_order.order_id,
                seller_id=seller_order.seller_id,
                currency=seller_order.currency,
                total_amount=seller_order.total_amount,
                refunded_amount=seller_order.refunded_amount,
                commission_amount=seller_order.commission_amount,
                is_released=seller_order.is_released,
                marketplace_vat_amount=seller_order.marketplace_vat_amount,
                duty_amount=seller_order.duty_amount - seller_order_duty_vat(seller_order),
                tax_country=seller_order.marketplace_vat_country or "",
            ),
            amount=amount,
            reason=reason,
            provider_reference=provider_reference,
            currency=currency,
            actor=actor,
        )
        if outcome.created:
            _chargeback_credit_note_write(
                seller_order,
                outcome,
                left=seller_order.total_amount - seller_order.refunded_amount - charged_back_before,
            )
        return outcome


def _chargeback_credit_note_write(seller_order: SellerOrder, outcome: ChargebackOutcome, *, left: int) -> None:
    """The credit note of a chargeback (kind "chargeback", key `chargeback:<id>`), in the caller's transaction under
    the seller order's lock: the amount charged back spread over what is left of every line (no units), with the VAT
    and the duty the journal entry took from the marketplace's liabilities after the release — to the cent — or,
    before the release, the share the same rule gives (`tax_reversed_by_chargeback`, on what the notes left), which
    the release then does not book (Art. 90 Dir. 2006/112/EC: the taxable amount is reduced by what the buyer did not
    finally pay)."""
    chargeback = outcome.chargeback
    lines = seller_order_creditable_lines(seller_order)
    if seller_order.is_released:
        vat, duty = outcome.vat_reversed, outcome.duty_reversed
    else:
        vat = duty = 0
        if seller_order.marketplace_vat_country:
            vat = tax_reversed_by_chargeback(
                booked=sum(line.remaining_vat for line in lines if line.collector == MARKETPLACE),
                collected=seller_order.marketplace_vat_amount,
                amount=chargeback.amount,
                total=seller_order.total_amount,
                left=left,
            )
            duty = tax_reversed_by_chargeback(
                booked=sum(line.remaining_gross - line.remaining_vat for line in lines if is_duty(line.key)),
                collected=seller_order.duty_amount - seller_order_duty_vat(seller_order),
                amount=chargeback.amount,
                total=seller_order.total_amount,
                left=left,
            )
    credit = chargeback_credit_lines(lines, amount=chargeback.amount, marketplace_vat=vat, duty=duty)
    if not credit:
        return
    credit_note_write(
        seller_order=seller_order,
        key=f"chargeback:{chargeback.pk}",
        reason=chargeback.reason,
        credit=credit,
        marketplace_vat=vat if seller_order.is_released else 0,
        after_release=seller_order.is_released,
        actor=None,
        kind=CreditNoteKind.CHARGEBACK,
    )


def chargeback_notification_apply(*, provider: str, notification: ChargebackNotification) -> ChargebackOutcome:
    """Record a chargeback the provider notified (a parsed `ChargebackNotification`), finding the seller order from
    the payment reference and/or the seller order number. A payment covering several seller orders needs the
    seller order's number (the provider cannot know how the marketplace split the order). A notification already
    recorded returns the first chargeback unchanged. Raises NotFound (unknown payment or seller order),
    ValidationError (several seller orders and none named, or a seller order that is not the payment's), and
    chargeback_record's errors."""
    existing = Chargeback.objects.filter(provider=provider, provider_reference=notification.reference).first()
    if existing is not None:
        return ChargebackOutcome(existing, created=False)
    seller_order: Any = None
    if notification.seller_order_number:
        seller_order = SellerOrder.objects.filter(number=notification.seller_order_number).first()
        if seller_order is None:
            raise NotFound(
                "No such seller order.",
                code=errors.SELLER_ORDER_NOT_FOUND,
                fields={"seller_order": "Unknown seller order."},
            )
    if notification.payment_reference:
        payment = Payment.objects.filter(provider=provider, provider_reference=notification.payment_reference).first()
        if payment is None:
            raise NotFound(
                "No such payment.", code=errors.PAYMENT_NOT_FOUND, fields={"payment_reference": "Unknown payment."}
            )
        if seller_order is None:
            candidates = list(SellerOrder.objects.filter(order_id=payment.order_id).order_by("pk")[:2])
            if len(candidates) != 1:
                raise ValidationError(
                    "This payment covers several seller orders: name one.",
                    code=errors.SELLER_ORDER_REQUIRED,
                    fields={"seller_order": "The seller order number is required for this payment."},
                )
            seller_order = candidates[0]
        elif seller_order.order_id != payment.order_id:
            raise ValidationError(
                "The seller order is not part of this payment's order.",
                code=errors.SELLER_ORDER_MISMATCH,
                fields={"seller_order": "Not paid by this payment."},
            )
    return chargeback_record(
        seller_order_id=seller_order.pk,
        amount=notification.amount,
        reason=notification.reason,
        provider_reference=notification.reference,
        currency=notification.currency,
    )

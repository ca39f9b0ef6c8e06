"""Chargebacks: the buyer's card issuer takes money back through the provider. Payments knows the seller order
only through the facts its caller read under the seller order's lock (`ChargebackTarget`); the seller order's
history learns of it through the ChargebackRecorded event."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Sum

from comptoir.core import clock
from comptoir.core.events import publish
from comptoir.core.exceptions import Conflict, ValidationError
from comptoir.core.services import audit_record
from comptoir.payments import errors
from comptoir.payments.domain.chargeback import chargeback_lines, tax_reversed_by_chargeback
from comptoir.payments.domain.ledger import duty_liability_account, vat_liability_account
from comptoir.payments.events import ChargebackRecorded
from comptoir.payments.models import (
    AccountKind,
    Chargeback,
    ChargebackSource,
    EntryKind,
    LedgerAccount,
    Payment,
    PaymentStatus,
    Posting,
)
from comptoir.payments.selectors import (
    seller_order_charged_back_amount,
    seller_order_duty_liability_booked,
    seller_order_vat_liability_booked,
)
from comptoir.payments.services.ledger import ledger_accounts_get_or_create, ledger_post

if TYPE_CHECKING:
    from comptoir.accounts.models import User


@dataclass(frozen=True)
class ChargebackTarget:
    """The seller order a chargeback is taken from, as its caller read it under the seller order's lock."""

    seller_order_id: int
    number: str
    order_id: int
    seller_id: int
    currency: str
    total_amount: int
    refunded_amount: int
    commission_amount: int
    is_released: bool
    # The tax the marketplace collected on the order and books to its liabilities at release (docs/TAXES.md): the VAT
    # as deemed supplier (with the VAT on the duty) and the customs duty without its VAT, owed to `tax_country`.
    marketplace_vat_amount: int = 0
    duty_amount: int = 0
    tax_country: str = ""


@dataclass(frozen=True)
class ChargebackOutcome:
    chargeback: Chargeback
    created: bool  # False: this provider reference was already recorded, nothing changed
    # What this chargeback's entry took from the marketplace's VAT and duty liabilities (after the release; 0 before
    # it, and when it was already recorded): the caller's credit note gives back exactly these.
    vat_reversed: int = 0
    duty_reversed: int = 0


def _chargeback_source_key(*, seller_order_number: str, provider: str, provider_reference: str) -> str:
    digest = hashlib.sha256(f"{provider}\n{provider_reference}".encode()).hexdigest()[:32]
    return f"chargeback:{seller_order_number}:{digest}"


def chargeback_input_clean(*, amount: Any, reason: Any, provider_reference: Any) -> tuple[str, str]:
    """(reason, provider_reference) stripped; ValidationError (`invalid_chargeback`) when the amount is not a
    positive whole number of minor units or a text is missing or too long."""
    problems = {}
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        problems["amount"] = "A positive whole number of minor units."
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason or len(reason) > 300:
        problems["reason"] = "Required, at most 300 characters."
    provider_reference = provider_reference.strip() if isinstance(provider_reference, str) else ""
    if not provider_reference or len(provider_reference) > 100:
        problems["provider_reference"] = "The provider's case reference: required, at most 100 characters."
    if problems:
        raise ValidationError("The chargeback is invalid.", code=errors.INVALID_CHARGEBACK, fields=problems)
    return reason, provider_reference


def chargeback_post(
    *,
    target: ChargebackTarget,
    amount: int,
    reason: str,
    provider_reference: str,
    currency: str | None,
    actor: User | None,
) -> ChargebackOutcome:
    """Take a chargeback from a seller order, inside the caller's transaction (which holds the seller order's
    lock: it serialises chargebacks, refunds and the release of this order). Arguments are cleaned by
    `chargeback_input_clean`; the caller checked who may record it.

    Writes one balanced journal entry (kind `chargeback`, see docs/LEDGER.md: from the seller's escrow while the
    funds are held, otherwise from the seller's payable balance, the uncovered rest as a receivable on the
    seller, the commission reversed pro rata, and after the release the VAT and duty the marketplace booked to its
    liabilities in proportion to the amount: `payments.domain.chargeback.tax_reversed_by_chargeback`), a Chargeback
    row and an audit row, and publishes ChargebackRecorded (synchronously: its subscribers write in this transaction).

    Idempotent on the provider's reference: when (provider, provider_reference) is already recorded, nothing
    changes and the first chargeback is returned (`created=False`). Raises Conflict (nothing captured for the
    order; the reference recorded on another order at the same moment), ValidationError (amount above what is
    left: captured − refunded − charged back; a currency other than the order's)."""
    payment = Payment.objects.filter(order_id=target.order_id, status=PaymentStatus.CAPTURED).order_by("pk").first()
    if payment is None:
        raise Conflict(
            "Nothing was captured for this order: there is nothing to charge back.", code=errors.NOT_CAPTURED
        )
    existing = Chargeback.objects.filter(provider=payment.provider, provider_reference=provider_reference).first()
    if existing is not None:
        return ChargebackOutcome(existing, created=False)
    if currency is not None and currency != target.currency:
        raise ValidationError(
            f"The order was paid in {target.currency}.",
            code=errors.CURRENCY_MISMATCH,
            fields={"currency": f"Must be {target.currency}."},
        )
    charged_back = seller_order_charged_back_amount(target.seller_order_id)
    available = target.total_amount - target.refunded_amount - charged_back
    if amount > available:
        raise ValidationError(
            "The chargeback exceeds what is left of the payment for this seller order.",
            code=errors.CHARGEBACK_EXCEEDS_CAPTURED,
            fields={"amount": f"At most {available} minor units (captured, minus refunds and earlier chargebacks)."},
        )
    payable_available = vat = duty = 0
    if target.is_released:
        # Read the payable balance under its account's lock, as payout batches do: money is never counted twice.
        payable_available = seller_payable_available_locked(seller_id=target.seller_id, currency=target.currency)
        if target.tax_country and (target.marketplace_vat_amount or target.duty_amount):
            # The tax booked at release follows the money: this chargeback's share leaves the liabilities.
            vat = tax_reversed_by_chargeback(
                booked=seller_order_vat_liability_booked(target.seller_order_id),
                collected=target.marketplace_vat_amount,
                amount=amount,
                total=target.total_amount,
                left=available,
            )
            duty = tax_reversed_by_chargeback(
                booked=seller_order_duty_liability_booked(target.seller_order_id),
                collected=target.duty_amount,
                amount=amount,
                total=target.total_amount,
                left=available,
            )
    lines = chargeback_lines(
        seller_id=target.seller_id,
        currency=target.currency,
        amount=amount,
        total=target.total_amount,
        commission=target.commission_amount,
        charged_back_before=charged_back,
        is_released=target.is_released,
        payable_available=payable_available,
        vat=vat,
        duty=duty,
        tax_country=target.tax_country,
    )
    entry = ledger_post(
        kind=EntryKind.CHARGEBACK,
        source_key=_chargeback_source_key(
            seller_order_number=target.number, provider=payment.provider, provider_reference=provider_reference
        ),
        order_id=target.order_id,
        seller_order_id=target.seller_order_id,
        memo=f"Chargeback {target.number}",
        actor=actor,
        lines=lines,
    )
    now = clock.now()
    try:
        with transaction.atomic():
            chargeback = Chargeback.objects.create(
                payment=payment,
                seller_order_id=target.seller_order_id,
                provider=payment.provider,
                provider_reference=provider_reference,
                amount=amount,
                currency=target.currency,
                reason=reason,
                source=ChargebackSource.OPERATOR if actor is not None else ChargebackSource.PROVIDER,
                was_released=target.is_released,
                entry=entry,
                recorded_by=actor if getattr(actor, "pk", None) else None,
                created_at=now,
            )
    except IntegrityError:  # the same reference recorded at the same moment on another seller order
        raise Conflict(
            "This provider reference is already recorded on another order.", code=errors.CHARGEBACK_REFERENCE_USED
        ) from None
    audit_record(
        actor=actor,
        action="chargeback.recorded",
        target=chargeback,
        seller_id=target.seller_id,
        reason=reason,
        actor_label="" if actor is not None else f"provider:{payment.provider}",
        data={
            "seller_order": target.number,
            "amount": amount,
            "currency": target.currency,
            "provider_reference": provider_reference,
            "entry": entry.pk,
            "was_released": target.is_released,
            "vat_reversed": vat,
            "duty_reversed": duty,
        },
    )
    publish(
        ChargebackRecorded(
            chargeback_id=chargeback.pk,
            payment_id=payment.pk,
            seller_order_id=target.seller_order_id,
            seller_id=target.seller_id,
            amount=amount,
            currency=target.currency,
            reason=reason,
            provider_reference=provider_reference,
            source=chargeback.source,
            recorded_by_id=chargeback.recorded_by_id,
            at=now,
        )
    )
    posted = {line.account_key[0]: line.amount for line in lines}
    return ChargebackOutcome(
        chargeback,
        created=True,
        vat_reversed=posted.get(vat_liability_account(target.tax_country), 0) if target.tax_country else 0,
        duty_reversed=posted.get(duty_liability_account(target.tax_country), 0) if target.tax_country else 0,
    )


def seller_payable_available_locked(*, seller_id: int, currency: str) -> int:
    """The seller's payable credit balance in `currency`, read under the payable account's lock (the lock payout
    batches take), so that money taken back from it is never counted twice. Inside the caller's transaction."""
    key = (AccountKind.SELLER_PAYABLE.value, seller_id, currency)
    account = ledger_accounts_get_or_create({key})[key]
    LedgerAccount.objects.select_for_update().filter(pk=account.pk).first()
    return -(Posting.objects.filter(account=account).aggregate(total=Sum("amount"))["total"] or 0)

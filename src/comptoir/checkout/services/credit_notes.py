"""Refunds after the release of a seller order (full or by line), with their credit note: the money comes back from
the seller's payable balance, the commission no longer earned and the VAT the marketplace booked to its liability,
and goes back to the buyer through the provider; the credit note records what was given back per line and rate."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from comptoir.checkout import errors
from comptoir.checkout.services.fx import settled_part
from comptoir.core.exceptions import Conflict, ValidationError
from comptoir.core.services import audit_record
from comptoir.orders.domain.credit_note import (
    SHIPPING,
    CreditRequestError,
    credit_lines,
    credit_totals,
    everything_left,
)
from comptoir.orders.models import CreditNote, SellerOrder
from comptoir.orders.services import (
    credit_note_find,
    credit_note_write,
    seller_order_creditable_lines,
    seller_order_lock,
    seller_order_refunded_add,
)
from comptoir.payments.domain.chargeback import refund_after_release_lines
from comptoir.payments.domain.fx import SELLER_ESCROW, refund_split
from comptoir.payments.domain.ledger import DUTY_LIABILITY_PREFIX, VAT_LIABILITY_PREFIX, PostingLine
from comptoir.payments.models import EntryKind
from comptoir.payments.selectors import (
    payment_captured_for_order,
    seller_order_charged_back_amount,
    seller_order_duty_liability_booked,
    seller_order_vat_liability_booked,
)
from comptoir.payments.services import ledger_post, refund_create, seller_payable_available_locked

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.sellers.models import Seller

KEY_MAX_LENGTH = 120


@dataclass(frozen=True)
class CreditOutcome:
    credit_note: CreditNote
    created: bool


def seller_order_credit(
    *,
    seller_order_id: int,
    key: str,
    quantities: Mapping[int | str, int] | None,
    reason: str,
    actor: User | None,
    seller: Seller | None = None,
) -> CreditOutcome:
    """Refund part or all of a released (completed) seller order and write its credit note, in one transaction.

    `quantities` maps order line ids (and "shipping") to the units given back; None gives back everything not yet
    credited. Per line and rate, the credit note's gross and VAT are the line's share, computed cumulatively so that
    successive notes add up to the tax lines exactly. The journal entry (kind `refund`, key `credit:<note>`) takes
    the gross from the seller's payable balance (the rest as a receivable when it was paid out), the commission no
    longer earned and, when the marketplace collected the VAT (deemed supplier), that VAT from `vat_liability:CC`
    and the customs duty the goods credited bore (DDP: the note's duty line) from `duty_liability:CC`, and credits
    the provider's clearing account (through the FX legs for a seller order charged in another currency); the
    provider refund runs after commit. Balanced per currency.

    Idempotent on (`seller_order`, `key`): a retry returns the first note (`created=False`) whatever the other
    arguments. `seller` scopes the order (another seller's order does not exist). Raises NotFound, Conflict
    (`not_released`: before the release a refund goes through cancellation, return or dispute; `not_captured`),
    ValidationError (`invalid_credit`: an unknown line, a bad quantity, more than is left, nothing asked; a
    refund above what is left after chargebacks; a missing key)."""
    key = (key or "").strip()
    if not key or len(key) > KEY_MAX_LENGTH:
        raise ValidationError(
            "An idempotency key of 1 to 120 characters is required.",
            code=errors.INVALID_CREDIT,
            fields={"key": "Required, at most 120 characters."},
        )
    reason = (reason or "").strip()
    with transaction.atomic(durable=True):
        # The seller order's lock serialises its refunds, chargebacks and release.
        seller_order = seller_order_lock(seller_order_id=seller_order_id, seller=seller)
        existing = credit_note_find(seller_order=seller_order, key=key)
        if existing is not None:
            return CreditOutcome(existing, created=False)
        if not seller_order.is_released:
            raise Conflict(
                "This order's funds are not released yet: cancel it, accept its return or decide its dispute.",
                code=errors.NOT_RELEASED,
            )
        payment = payment_captured_for_order(seller_order.order_id)
        if payment is None:
            raise Conflict("Nothing was captured for this order.", code=errors.NOT_CAPTURED)
        lines = seller_order_creditable_lines(seller_order)
        requested = everything_left(lines) if quantities is None else dict(quantities)
        if not requested:
            raise ValidationError(
                "Nothing is left to refund." if quantities is None else "Name at least one line to refund.",
                code=errors.INVALID_CREDIT,
                fields={"lines": "Nothing to refund."},
            )
        try:
            credit = credit_lines(lines, requested)
        except CreditRequestError as error:
            raise ValidationError(
                str(error), code=errors.INVALID_CREDIT, fields={f"lines.{error.key}": str(error)}
            ) from None
        totals = credit_totals(credit)
        if totals.gross <= 0:
            # Chargebacks gave back what these units were worth already (their notes credit every line's share).
            raise ValidationError(
                "Nothing is left to refund on these lines after chargebacks.",
                code=errors.INVALID_CREDIT,
                fields={"lines": "Nothing to refund."},
            )
        charged_back = seller_order_charged_back_amount(seller_order.pk)
        returned_before = seller_order.refunded_amount + charged_back
        if totals.gross > seller_order.total_amount - returned_before:
            raise ValidationError(
                "The refund exceeds what is left of the payment for this order after chargebacks.",
                code=errors.INVALID_CREDIT,
                fields={"lines": f"At most {seller_order.total_amount - returned_before} minor units."},
            )
        vat = duty = 0
        if totals.marketplace_vat and seller_order.marketplace_vat_country:
            vat = min(totals.marketplace_vat, seller_order_vat_liability_booked(seller_order.pk))
        if totals.duty and seller_order.marketplace_vat_country:
            duty = min(totals.duty, seller_order_duty_liability_booked(seller_order.pk))
        seller_lines = refund_after_release_lines(
            seller_id=seller_order.seller_id,
            currency=seller_order.currency,
            amount=totals.gross,
            total=seller_order.total_amount,
            commission=seller_order.commission_amount,
            returned_before=returned_before,
            vat=vat,
            vat_country=seller_order.marketplace_vat_country or "XX",
            duty=duty,
            payable_available=seller_payable_available_locked(
                seller_id=seller_order.seller_id, currency=seller_order.currency
            ),
        )
        vat = sum(line.amount for line in seller_lines if line.account_key[0].startswith(VAT_LIABILITY_PREFIX))
        duty = sum(line.amount for line in seller_lines if line.account_key[0].startswith(DUTY_LIABILITY_PREFIX))
        entry_lines, refunded_to_buyer = _money_lines(seller_order, payment.currency, totals.gross, returned_before)
        note = credit_note_write(
            seller_order=seller_order,
            key=key,
            reason=reason,
            credit=credit,
            marketplace_vat=vat,
            after_release=True,
            actor=actor,
        )
        if totals.gross > 0:
            ledger_post(
                kind=EntryKind.REFUND,
                source_key=f"credit:{note.number}",
                order_id=seller_order.order_id,
                seller_order_id=seller_order.pk,
                memo=f"Credit note {note.number}",
                actor=actor,
                lines=[*seller_lines, *entry_lines],
            )
            if refunded_to_buyer > 0:
                refund_create(
                    payment=payment,
                    seller_order_id=seller_order.pk,
                    amount=refunded_to_buyer,
                    reason=reason or f"Credit note {note.number}",
                    source_key=f"credit:{note.number}",
                )
            seller_order_refunded_add(seller_order=seller_order, amount=totals.gross)
        audit_record(
            actor=actor,
            action="seller_order.credit",
            target=seller_order,
            reason=reason,
            data={
                "credit_note": note.number,
                "gross": totals.gross,
                "vat": totals.vat,
                "marketplace_vat": vat,
                "duty": duty,
                "lines": {str(line.key): line.quantity for line in credit},
            },
        )
        return CreditOutcome(note, created=True)


def _money_lines(
    seller_order: SellerOrder, payment_currency: str, amount: int, returned_before: int
) -> tuple[list[PostingLine], int]:
    """The side of the entry the money leaves by, and what the buyer gets back (in the currency they paid): the
    provider's clearing account, or for a seller order charged in another currency the FX legs of
    payments.domain.fx.refund_split without its escrow line (the money comes from the released accounts)."""
    if seller_order.charge_total_amount is None:
        return [PostingLine(("provider_clearing", None, seller_order.currency), -amount)], amount
    split = refund_split(
        currency=payment_currency, part=settled_part(seller_order), returned_before=returned_before, amount=amount
    )
    lines = [line for line in split.lines if line.account_key[0] != SELLER_ESCROW]
    return lines, split.charged.amount


def credit_request_parse(lines: object) -> dict[int | str, int]:
    """A credit request from input: a list of {"line": <order line id or "shipping">, "quantity": n}. Raises
    ValidationError (`invalid_credit`)."""
    if not isinstance(lines, list) or not lines:
        raise ValidationError("Name at least one line to refund.", code=errors.INVALID_CREDIT, fields={"lines": ""})
    request: dict[int | str, int] = {}
    for position, item in enumerate(lines):
        line = item.get("line") if isinstance(item, dict) else None
        quantity = item.get("quantity", 1) if isinstance(item, dict) else None
        key: int | str | None = SHIPPING if line == SHIPPING else line if isinstance(line, int) else None
        if key is None or isinstance(line, bool) or key in request:
            raise ValidationError(
                "Each line is an order line id or 'shipping', named once.",
                code=errors.INVALID_CREDIT,
                fields={f"lines.{position}.line": "An order line id or 'shipping', once."},
            )
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise ValidationError(
                "The quantity must be a positive whole number.",
                code=errors.INVALID_CREDIT,
                fields={f"lines.{position}.quantity": "A positive whole number."},
            )
        request[key] = quantity
    return request

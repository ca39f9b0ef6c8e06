"""Pure arithmetic of chargebacks: how much of a seller order can still be charged back, how the commission
follows the money, and the postings of one chargeback.

Rule: the marketplace keeps its commission only on what the buyer finally paid. A seller order of total T with a
frozen commission C, of which B has been charged back, keeps the commission round_half_even(C × (T − B) / T). The
seller bears the rest of each chargeback. Before release, the release posts what is left; after release, a
chargeback reverses the commission it no longer earns and takes the seller's part from the payable balance, and
what the payable balance cannot cover becomes a receivable on the seller (recovered from later payouts)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from comptoir.payments.domain.ledger import PostingLine, duty_liability_account, vat_liability_account


def commission_kept(*, total: int, commission: int, charged_back: int) -> int:
    """The commission earned on a seller order once `charged_back` of its `total` left through chargebacks."""
    if total <= 0 or charged_back <= 0:
        return commission
    remaining = max(0, total - charged_back)
    return int((Decimal(commission) * remaining / Decimal(total)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


@dataclass(frozen=True)
class ReleaseAmounts:
    escrow: int  # debited from the seller's escrow
    payable: int  # credited to the seller's payable balance
    commission: int  # credited to the marketplace's commission


def release_amounts(*, total: int, commission: int, charged_back: int) -> ReleaseAmounts:
    """What a release moves for a seller order from which `charged_back` already left escrow."""
    escrow = max(0, total - charged_back)
    kept = commission_kept(total=total, commission=commission, charged_back=charged_back)
    return ReleaseAmounts(escrow=escrow, payable=escrow - kept, commission=kept)


def chargeback_lines(
    *,
    seller_id: int,
    currency: str,
    amount: int,
    total: int,
    commission: int,
    charged_back_before: int,
    is_released: bool,
    payable_available: int,
    vat: int = 0,
    duty: int = 0,
    tax_country: str = "",
) -> list[PostingLine]:
    """The balanced postings of one chargeback of `amount` (> 0) on a seller order.

    Money leaves the platform's account at the provider (credit provider_clearing). Before release it comes out of
    the seller's escrow. After release: debit commission by what the marketplace no longer earns, debit
    `vat_liability:<tax_country>` by `vat` and `duty_liability:<tax_country>` by `duty` (the tax the marketplace
    booked at release that this chargeback reverses: `tax_reversed_by_chargeback`), debit the seller's payable by the
    seller's part up to `payable_available` (the payable credit balance, read under lock), and debit the seller's
    receivable by the remainder (the seller owes it to the marketplace)."""
    clearing = PostingLine(("provider_clearing", None, currency), -amount)
    if not is_released:
        return [PostingLine(("seller_escrow", seller_id, currency), amount), clearing]
    commission_back = commission_kept(
        total=total, commission=commission, charged_back=charged_back_before
    ) - commission_kept(total=total, commission=commission, charged_back=charged_back_before + amount)
    lines = _seller_side_lines(
        seller_id=seller_id,
        currency=currency,
        amount=amount,
        commission_back=commission_back,
        vat=vat if tax_country else 0,
        duty=duty if tax_country else 0,
        country=tax_country,
        payable_available=payable_available,
    )
    lines.append(clearing)
    return lines


def tax_reversed_by_chargeback(*, booked: int, collected: int, amount: int, total: int, left: int) -> int:
    """The part of a tax the marketplace booked to its liability at a seller order's release (VAT as deemed supplier,
    or customs duty) that a chargeback of `amount` after the release reverses. `collected` is what the buyer paid of
    that tax on the order's `total`, `booked` what is still booked (after earlier refunds and chargebacks), `left` what
    could still be charged back before this one.

    Rounding, stated once: a chargeback taking everything left reverses everything still booked; otherwise
    collected × amount / total, rounded half up, never more than what is still booked. The reversals of successive
    chargebacks therefore never add up to more than was booked, and reach it exactly when the whole order is charged
    back."""
    if booked <= 0 or amount <= 0 or total <= 0:
        return 0
    if amount >= left:
        return booked
    return min(booked, (2 * collected * amount + total) // (2 * total))


def vat_liability_released(*, vat: int, total: int, escrow: int, payable: int) -> int:
    """The part of `vat` (collected by the marketplace on a seller order of `total`) a release moves to the VAT
    liability when `escrow` of the total is still held: all of it without chargebacks, else its share of what is left
    (rounded half-even), never more than the seller's `payable` share."""
    if vat <= 0 or escrow <= 0:
        return 0
    share = (
        vat
        if escrow >= total
        else int((Decimal(vat) * escrow / Decimal(total)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    )
    return min(share, payable)


def refund_after_release_lines(
    *,
    seller_id: int,
    currency: str,
    amount: int,
    total: int,
    commission: int,
    returned_before: int,
    vat: int,
    vat_country: str,
    payable_available: int,
    duty: int = 0,
) -> list[PostingLine]:
    """The postings that take a refund of `amount` (> 0, the seller's currency) back from a released seller order,
    except the side the money leaves by (the caller adds the credit to `provider_clearing`, or the FX legs of a
    converted order): debit the marketplace's `vat_liability:<vat_country>` by `vat` (the VAT it collected on what is
    refunded, capped by the caller at what is still booked for the order), debit `commission` by what the
    marketplace no longer earns (as for chargebacks: the commission follows the money kept, `returned_before` having
    left already), `duty_liability:<vat_country>` by `duty` (the customs duty given back, without its VAT; capped by the
    caller at what is still booked), and the seller the rest, from its payable balance up to `payable_available`, the
    remainder as a receivable. The lines sum to `amount`."""
    commission_back = commission_kept(
        total=total, commission=commission, charged_back=returned_before
    ) - commission_kept(total=total, commission=commission, charged_back=returned_before + amount)
    return _seller_side_lines(
        seller_id=seller_id,
        currency=currency,
        amount=amount,
        commission_back=commission_back,
        vat=vat,
        duty=duty,
        country=vat_country,
        payable_available=payable_available,
    )


def _seller_side_lines(
    *,
    seller_id: int,
    currency: str,
    amount: int,
    commission_back: int,
    vat: int,
    duty: int,
    country: str,
    payable_available: int,
) -> list[PostingLine]:
    """Debits summing to `amount`: the commission given back, the VAT and the duty (never more than what the amount
    leaves after the commission, VAT first), and the seller's rest from its payable balance, then as a receivable."""
    vat = max(0, min(vat, amount - commission_back))
    duty = max(0, min(duty, amount - commission_back - vat))
    seller_part = amount - commission_back - vat - duty
    from_payable = min(seller_part, max(0, payable_available))
    lines = []
    if from_payable:
        lines.append(PostingLine(("seller_payable", seller_id, currency), from_payable))
    if seller_part - from_payable:
        lines.append(PostingLine(("seller_receivable", seller_id, currency), seller_part - from_payable))
    if commission_back:
        lines.append(PostingLine(("commission", None, currency), commission_back))
    if vat:
        lines.append(PostingLine((vat_liability_account(country), None, currency), vat))
    if duty:
        lines.append(PostingLine((duty_liability_account(country), None, currency), duty))
    return lines

"""Credit notes: which part of a seller order's lines, shipping and VAT a refund gives back. Pure.

Each line of a seller order (an order line, or the shipping) is credited by whole units. What a credit note gives back
of a line's gross, and of its VAT, is computed cumulatively: the credited share after this note (half up) minus what
earlier notes credited. Successive partial refunds therefore add up to exactly the line's gross and VAT once every
unit is credited, and a full refund reverses the tax lines exactly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SHIPPING = "shipping"


@dataclass(frozen=True, slots=True)
class CreditableLine:
    """One line of a seller order as a credit note sees it. `key` is the order line's id, or SHIPPING. `tax_line_id`
    is None for a line priced without VAT (its net is its gross). `credited_*` sum what earlier notes gave back."""

    key: int | str
    quantity: int
    gross: int
    vat: int
    rate_bp: int = 0
    tax_country: str = ""
    collector: str = ""
    tax_line_id: int | None = None
    credited_quantity: int = 0
    credited_gross: int = 0
    credited_vat: int = 0

    @property
    def remaining_quantity(self) -> int:
        return self.quantity - self.credited_quantity


@dataclass(frozen=True, slots=True)
class CreditLine:
    key: int | str
    tax_line_id: int | None
    quantity: int
    rate_bp: int
    tax_country: str
    collector: str
    net: int
    vat: int
    gross: int


class CreditRequestError(ValueError):
    """A request naming an unknown line, a quantity that is not a positive integer, or more than is left."""

    def __init__(self, key: int | str, message: str) -> None:
        super().__init__(message)
        self.key = key


def _share(amount: int, part: int, whole: int) -> int:
    """amount × part / whole, rounded half up (amounts are never negative)."""
    return (2 * amount * part + whole) // (2 * whole)


def credit_lines(lines: list[CreditableLine], requested: Mapping[int | str, int]) -> list[CreditLine]:
    """The credit lines giving back `requested` units (by line key) of `lines`. Raises CreditRequestError."""
    by_key = {line.key: line for line in lines}
    result: list[CreditLine] = []
    for key, quantity in requested.items():
        line = by_key.get(key)
        if line is None:
            raise CreditRequestError(key, "Not a line of this order.")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise CreditRequestError(key, "The quantity must be a positive whole number.")
        if quantity > line.remaining_quantity:
            raise CreditRequestError(key, f"At most {line.remaining_quantity} left to refund.")
        after = line.credited_quantity + quantity
        gross = _share(line.gross, after, line.quantity) - line.credited_gross
        vat = _share(line.vat, after, line.quantity) - line.credited_vat
        result.append(
            CreditLine(
                key=key,
                tax_line_id=line.tax_line_id,
                quantity=quantity,
                rate_bp=line.rate_bp,
                tax_country=line.tax_country,
                collector=line.collector,
                net=gross - vat,
                vat=vat,
                gross=gross,
            )
        )
    return result


def everything_left(lines: list[CreditableLine]) -> dict[int | str, int]:
    """The request that credits every unit not yet credited (a full refund)."""
    return {line.key: line.remaining_quantity for line in lines if line.remaining_quantity > 0}


@dataclass(frozen=True, slots=True)
class CreditTotals:
    gross: int
    vat: int
    marketplace_vat: int  # the VAT the marketplace collected (deemed supplier): booked to its VAT liability


def credit_totals(credit: list[CreditLine], *, marketplace_collector: str = "marketplace") -> CreditTotals:
    return CreditTotals(
        gross=sum(line.gross for line in credit),
        vat=sum(line.vat for line in credit),
        marketplace_vat=sum(line.vat for line in credit if line.collector == marketplace_collector),
    )

"""Credit notes: which part of a seller order's lines, shipping and VAT a refund gives back. Pure.

Each line of a seller order (an order line, or the shipping) is credited by whole units. What a credit note gives back
of a line's gross, and of its VAT, is computed cumulatively: the credited share after this note (half up) minus what
earlier notes credited. Successive partial refunds therefore add up to exactly the line's gross and VAT once every
unit is credited, and a full refund reverses the tax lines exactly.

The customs duty collected at checkout (DDP: the seller order's duty tax line, with the VAT on it) follows the goods:
each order line bears an equal share of it (the flat duty is per item, one per tariff subheading, most often one per
line), spread evenly over the line's units. A note crediting goods gives back the duty they bore, computed
cumulatively in the same way (the share of the duty credited after this note, half up, minus what earlier notes gave
back), so the duty is given back exactly once every unit is credited. The duty is never requested on its own. When the
duty's items are taxed at several rates (one duty line per rate), each duty line follows the goods at its rate."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

SHIPPING = "shipping"
DUTY = "duty"  # a duty line's key is "duty" or "duty:<its tax line>" (several rates)


def is_duty(key: int | str) -> bool:
    return isinstance(key, str) and key.split(":", 1)[0] == DUTY


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


def _share_fraction(amount: int, fraction: Fraction) -> int:
    """amount × fraction (0 ≤ fraction ≤ 1), rounded half up."""
    return (2 * amount * fraction.numerator + fraction.denominator) // (2 * fraction.denominator)


def _goods_credited_fraction(goods: list[CreditableLine], units: Mapping[int | str, int]) -> Fraction:
    """The share of the goods credited once `units` more are (each order line an equal share, over its units)."""
    if not goods:
        return Fraction(0)
    return sum(
        (Fraction(line.credited_quantity + units.get(line.key, 0), line.quantity) for line in goods), Fraction(0)
    ) / len(goods)


def _duty_credit(duty: CreditableLine, goods: list[CreditableLine], requested: Mapping[int | str, int]) -> CreditLine:
    after = _goods_credited_fraction(goods, requested)
    gross = _share_fraction(duty.gross, after) - duty.credited_gross
    vat = _share_fraction(duty.vat, after) - duty.credited_vat
    return CreditLine(
        key=duty.key,
        tax_line_id=duty.tax_line_id,
        quantity=sum(requested.get(line.key, 0) for line in goods),
        rate_bp=duty.rate_bp,
        tax_country=duty.tax_country,
        collector=duty.collector,
        net=gross - vat,
        vat=vat,
        gross=gross,
    )


def credit_lines(lines: list[CreditableLine], requested: Mapping[int | str, int]) -> list[CreditLine]:
    """The credit lines giving back `requested` units (by line key) of `lines`, and the duty the goods credited bore
    (a DUTY line, when `lines` has one and something of it is given back). Raises CreditRequestError."""
    by_key = {line.key: line for line in lines if not is_duty(line.key)}
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
    duties = [line for line in lines if is_duty(line.key)]
    goods = [line for line in lines if line.key != SHIPPING and not is_duty(line.key)]
    for duty in duties:
        # Several duty lines (items at several rates): each follows the goods at its rate.
        followed = [line for line in goods if line.rate_bp == duty.rate_bp] if len(duties) > 1 else goods
        duty_line = _duty_credit(duty, followed or goods, requested)
        if duty_line.gross > 0 and duty_line.quantity > 0:
            result.append(duty_line)
    return result


def everything_left(lines: list[CreditableLine]) -> dict[int | str, int]:
    """The request that credits every unit not yet credited (a full refund)."""
    return {
        line.key: line.remaining_quantity for line in lines if line.remaining_quantity > 0 and not is_duty(line.key)
    }


@dataclass(frozen=True, slots=True)
class CreditTotals:
    gross: int
    vat: int
    marketplace_vat: int  # the VAT the marketplace collected (deemed supplier): booked to its VAT liability
    duty: int = 0  # the customs duty given back, without its VAT (which is in `vat`): booked to the duty liability


def credit_totals(credit: list[CreditLine], *, marketplace_collector: str = "marketplace") -> CreditTotals:
    return CreditTotals(
        gross=sum(line.gross for line in credit),
        vat=sum(line.vat for line in credit),
        marketplace_vat=sum(line.vat for line in credit if line.collector == marketplace_collector),
        duty=sum(line.net for line in credit if is_duty(line.key)),
    )

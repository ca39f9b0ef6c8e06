"""Credit notes: which part of a seller order's lines, shipping and VAT a refund or a chargeback gives back. Pure.

Each line of a seller order (an order line, or the shipping) is credited by whole units. What a credit note gives back
of a line's gross, and of its VAT, is computed cumulatively: the credited share after this note (half up) minus what
earlier notes credited. Successive partial refunds therefore add up to exactly the line's gross and VAT once every
unit is credited, and a full refund reverses the tax lines exactly.

The customs duty collected at checkout (DDP: the seller order's duty tax line, with the VAT on it) follows the goods,
**per tariff subheading**: the EU's flat duty is per item, an item being a distinct tariff subheading of the
consignment (the first six digits of the HS code; a line without HS code is an item of its own), and every item bears
an equal share of the duty line. An item's duty stays due as long as any unit of it is kept: a note gives back an
item's share when it credits the last unit of that subheading (two wool blouses of 6206.20: the first gives back no
duty, the second the item's whole share). Computed cumulatively (the items fully credited after this note, their share
of the duty line half up, minus what earlier notes gave back), so the notes add up to the duty line exactly once every
item is credited. The duty is never requested on its own. When the items are taxed at several rates (one duty line
per rate), each duty line is shared by the items at its rate (an item's rate is that of its first line).

A chargeback gives back no units: its note (`chargeback_credit_lines`) spreads the amount charged back over what is
left of every line, and the VAT and duty the ledger reverses over the lines that bore them, so that the note matches
the journal entry to the cent."""

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
    # The tariff subheading of an order line's product (the first six digits of its HS code; "" when it has none:
    # the line is then an item of its own for the duty).
    subheading: str = ""

    @property
    def remaining_quantity(self) -> int:
        return self.quantity - self.credited_quantity

    @property
    def remaining_gross(self) -> int:
        return self.gross - self.credited_gross

    @property
    def remaining_vat(self) -> int:
        return self.vat - self.credited_vat


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


def _duty_items(goods: list[CreditableLine]) -> dict[str, list[CreditableLine]]:
    """The duty items of the goods, in order: lines grouped by tariff subheading, a line without one on its own."""
    items: dict[str, list[CreditableLine]] = {}
    for line in goods:
        items.setdefault(line.subheading or f"line:{line.key}", []).append(line)
    return items


def _items_credited_fraction(items: list[list[CreditableLine]], units: Mapping[int | str, int]) -> Fraction:
    """The share of the duty credited once `units` more are: the items whose every unit is then credited, each an
    equal share."""
    if not items:
        return Fraction(0)
    done = sum(
        1 for item in items if all(line.credited_quantity + units.get(line.key, 0) >= line.quantity for line in item)
    )
    return Fraction(done, len(items))


def _duty_credit(
    duty: CreditableLine, items: list[list[CreditableLine]], requested: Mapping[int | str, int]
) -> CreditLine:
    after = _items_credited_fraction(items, requested)
    # Never negative: a chargeback may have given back part of the duty before its items were credited.
    gross = max(0, _share_fraction(duty.gross, after) - duty.credited_gross)
    vat = min(gross, max(0, _share_fraction(duty.vat, after) - duty.credited_vat))
    return CreditLine(
        key=duty.key,
        tax_line_id=duty.tax_line_id,
        quantity=sum(requested.get(line.key, 0) for item in items for line in item),
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
        # Never negative: a chargeback may have given back more of the line than its units' share so far.
        gross = max(0, _share(line.gross, after, line.quantity) - line.credited_gross)
        vat = min(gross, max(0, _share(line.vat, after, line.quantity) - line.credited_vat))
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
    items = list(_duty_items(goods).values())
    for duty in duties:
        # Several duty lines (items at several rates): each is shared by the items at its rate.
        followed = [item for item in items if item[0].rate_bp == duty.rate_bp] if len(duties) > 1 else items
        duty_line = _duty_credit(duty, followed or items, requested)
        if duty_line.gross > 0 and duty_line.quantity > 0:
            result.append(duty_line)
    return result


def _apportion(total: int, weights: list[int]) -> list[int]:
    """`total` spread over `weights` (each ≥ 0) by largest remainder, ties to the first: the parts add up to `total`
    (at most the sum of the weights) and none exceeds its weight."""
    whole = sum(weights)
    total = min(total, whole)
    if total <= 0:
        return [0] * len(weights)
    parts = [total * weight // whole for weight in weights]
    order = sorted(range(len(weights)), key=lambda index: (-(total * weights[index] % whole), index))
    for index in order[: total - sum(parts)]:
        parts[index] += 1
    return parts


def chargeback_credit_lines(
    lines: list[CreditableLine],
    *,
    amount: int,
    marketplace_vat: int,
    duty: int,
    marketplace_collector: str = "marketplace",
) -> list[CreditLine]:
    """The credit lines of a chargeback of `amount` (minor units): no units, the amount spread over what is left of
    every line (largest remainder, in proportion to each line's gross left), of which:

    - `marketplace_vat`, the VAT the marketplace's liability gives back for this chargeback (the ledger's figure, or
      the same rule before the release), spread over the lines whose VAT it collected in proportion to their VAT
      left;
    - `duty`, the customs duty given back without its VAT, spread over the duty lines in proportion to their duty
      left;
    - the VAT a seller collected: each line's VAT left in the proportion of its gross credited, half up.

    Each part is at most what is left of its line, and the parts add up exactly to `amount`, `marketplace_vat` and
    `duty` (each capped at what is left), so the note matches the journal entry to the cent; a chargeback taking
    everything left credits every line's remainder exactly. Lines given nothing are left out."""
    live = [line for line in lines if line.remaining_gross > 0]
    duties = [line for line in live if is_duty(line.key)]
    goods = [line for line in live if not is_duty(line.key)]
    collected = [line for line in live if line.collector == marketplace_collector]
    vat_parts = dict(
        zip(
            (line.key for line in collected),
            _apportion(marketplace_vat, [line.remaining_vat for line in collected]),
            strict=True,
        )
    )
    duty_nets = _apportion(duty, [line.remaining_gross - line.remaining_vat for line in duties])

    def vat_of(line: CreditableLine, gross: int) -> int:
        if line.key in vat_parts:
            return min(gross, vat_parts[line.key])
        return _share(line.remaining_vat, gross, line.remaining_gross)

    # The duty lines first (their VAT is the marketplace's), then the goods and the shipping share the rest.
    duty_credit = [
        _chargeback_line(line, net + vat_parts.get(line.key, 0), vat_parts.get(line.key, 0))
        for line, net in zip(duties, duty_nets, strict=True)
    ]
    rest = amount - sum(line.gross for line in duty_credit)
    goods_credit = [
        _chargeback_line(line, gross, vat_of(line, gross))
        for line, gross in zip(goods, _apportion(rest, [line.remaining_gross for line in goods]), strict=True)
    ]
    return [line for line in (*goods_credit, *duty_credit) if line.gross > 0]


def _chargeback_line(line: CreditableLine, gross: int, vat: int) -> CreditLine:
    return CreditLine(
        key=line.key,
        tax_line_id=line.tax_line_id,
        quantity=0,
        rate_bp=line.rate_bp,
        tax_country=line.tax_country,
        collector=line.collector,
        net=gross - vat,
        vat=vat,
        gross=gross,
    )


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

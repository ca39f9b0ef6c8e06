"""VAT amounts per line, rounded once and explicitly. Pure (no Django).

Rates are integers in basis points of the price (2000 = 20 %, 550 = 5.5 %, 2550 = 25.5 %), never floats. A line's VAT
is computed on the line total (unit price × quantity), rounded half up to the currency's minor unit — the rule most
Member States state for invoices (the EU directive leaves the rounding to them; "half up" is what France, Germany,
Spain and Italy require). Consumer prices are shown tax-inclusive, so the common case is splitting a gross amount;
business and export prices are net, so the other case adds VAT to a net amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

BASIS_POINTS = 10_000


@dataclass(frozen=True, slots=True)
class LineTax:
    net: int  # minor units
    vat: int
    gross: int
    rate_bp: int


def _check(amount: int, rate_bp: int) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ValueError("amount must be a non-negative int of minor units")
    if isinstance(rate_bp, bool) or not isinstance(rate_bp, int) or not 0 <= rate_bp <= BASIS_POINTS:
        raise ValueError("rate_bp must be an int between 0 and 10000")


def _divide_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for a non-negative numerator and a positive denominator: exact integer
    arithmetic, the same result as the Decimal quotient quantized with ROUND_HALF_UP for every amount a line can
    hold (the quotient of two integers is a tie only when it is exactly one; tested against the Decimal
    formula), several times cheaper on the checkout's hot path."""
    return (2 * numerator + denominator) // (2 * denominator)


def split_gross(gross: int, rate_bp: int) -> LineTax:
    """A tax-inclusive amount split into net and VAT (VAT = gross × rate / (1 + rate), rounded half up)."""
    _check(gross, rate_bp)
    vat = _divide_half_up(gross * rate_bp, BASIS_POINTS + rate_bp)
    return LineTax(net=gross - vat, vat=vat, gross=gross, rate_bp=rate_bp)


def add_to_net(net: int, rate_bp: int) -> LineTax:
    """VAT added to a net amount (VAT = net × rate, rounded half up)."""
    _check(net, rate_bp)
    vat = _divide_half_up(net * rate_bp, BASIS_POINTS)
    return LineTax(net=net, vat=vat, gross=net + vat, rate_bp=rate_bp)


def rate_bp_from_percent(percent: str | int | Decimal) -> int:
    """ "20" or "5.5" (a published percentage, as text or Decimal: never a float) → basis points (2000, 550)."""
    if isinstance(percent, float):
        raise TypeError("a rate is read from text or Decimal, never from a float")
    value = Decimal(str(percent)) * 100
    if value != value.to_integral_value():
        raise ValueError(f"{percent} % is finer than a basis point")
    return int(value)


@dataclass(frozen=True, slots=True)
class VatBreakdownRow:
    rate_bp: int
    net: int
    vat: int


def breakdown(lines: list[LineTax]) -> list[VatBreakdownRow]:
    """The invoice's VAT breakdown: one row per rate, the sums of its lines (highest rate first)."""
    totals: dict[int, list[int]] = {}
    for line in lines:
        net_vat = totals.setdefault(line.rate_bp, [0, 0])
        net_vat[0] += line.net
        net_vat[1] += line.vat
    return [VatBreakdownRow(rate, net, vat) for rate, (net, vat) in sorted(totals.items(), reverse=True)]

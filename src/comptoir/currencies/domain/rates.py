"""Exchange rates as data: one day's reference rates against a base currency, cross rates through that base, and the
one rounding rule for a converted amount. Pure (no Django).

The European Central Bank publishes, each working day at about 16:00 CET, how many units of ~30 currencies one euro
buys ("euro foreign exchange reference rates"). A `RateTable` is one such day. Converting GBP into CHF goes through the
euro: GBP → EUR → CHF, i.e. amount × (CHF per EUR) / (GBP per EUR), computed on Decimals and rounded once.

Rounding (stated once, here, in `convert_at_rate`): the exact product is rounded half-even to the ISO 4217 minor unit
of the target currency (`core.money.currency_exponent`: 2 for EUR, 0 for JPY, 3 for BHD). Never a float.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from comptoir.core.money import Money, currency_exponent

ECB = "ECB"
EURO = "EUR"
#: The currencies a buyer can choose to see prices in (and the ones sellers price in, at least).
DISPLAY_CURRENCIES = ("EUR", "GBP", "CHF", "PLN", "CZK", "SEK", "DKK", "NOK", "USD")
#: Enough digits for any product of an amount (≤ 19 digits) and a rate quotient, so that only the final rounding loses
#: anything.
_PRECISION = 60


def convert_at_rate(amount: Money, currency: str, rate: Decimal, per: Decimal = Decimal(1)) -> Money:
    """`amount` in `currency` at `rate` / `per` major units of `currency` for one major unit of the amount's currency,
    rounded once, half-even, to the target's ISO 4217 minor unit. The only place a converted amount is rounded."""
    if amount.currency == currency:
        return amount
    shift = currency_exponent(currency) - currency_exponent(amount.currency)
    with localcontext() as context:
        context.prec = _PRECISION
        exact = (Decimal(amount.amount) * rate / per).scaleb(shift)
        value = exact.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    return Money(int(value), currency)


#: Decimal places of a rate frozen on an order (the column's scale): far below what moves a minor unit of any amount
#: an order can hold.
FROZEN_RATE_PLACES = 12


def freeze_rate(rate: Decimal) -> Decimal:
    """`rate` as it is frozen on an order: rounded half-even to FROZEN_RATE_PLACES decimal places. Every conversion
    of that order (the charge, the settlement, a refund) uses this stored value, so none depends on a table that may
    have been corrected since."""
    if not isinstance(rate, Decimal) or not rate.is_finite() or rate <= 0:
        raise ValueError(f"a rate must be a positive finite Decimal, not {rate!r}")
    frozen = rate.quantize(Decimal(1).scaleb(-FROZEN_RATE_PLACES), rounding=ROUND_HALF_EVEN)
    if frozen <= 0:
        raise ValueError(f"rate {rate} is too small to freeze with {FROZEN_RATE_PLACES} decimal places")
    return frozen


def convert_back(amount: Money, currency: str, rate: Decimal) -> Money:
    """`amount`, in the currency an order was charged in, back into `currency` at the order's frozen `rate` (units of
    the charged currency per unit of `currency`), rounded like every conversion (`convert_at_rate`)."""
    return convert_at_rate(amount, currency, Decimal(1), rate)


def proportional_part(total: Money, *, before: int, after: int, whole: int) -> Money:
    """The part of `total` that the slice (`before`, `after`] of `whole` stands for, e.g. the charged amount a partial
    refund of a seller order gives back. Computed as the difference of two cumulative roundings (half-even), so that
    successive slices add up to exactly `total` once `after` reaches `whole`: refunding a seller order in several parts
    gives the buyer back exactly what they paid."""
    if whole <= 0 or not 0 <= before <= after <= whole:
        raise ValueError(f"need 0 <= before <= after <= whole and whole > 0, not {before}, {after}, {whole}")

    def cumulative(part: int) -> int:
        with localcontext() as context:
            context.prec = _PRECISION
            return int((Decimal(total.amount) * part / whole).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))

    return Money(cumulative(after) - cumulative(before), total.currency)


@dataclass(frozen=True, slots=True)
class RateOrigin:
    """Where a conversion's rate comes from: its publisher ("ECB", or "operator" for a configured override) and the
    day it is the reference rate of (None for an operator's fixed rate)."""

    source: str
    day: dt.date | None


@dataclass(frozen=True)
class RateTable:
    """One day's reference rates: `rates[currency]` = units of `currency` that one unit of `base` buys."""

    day: dt.date
    source: str = ECB
    base: str = EURO
    rates: Mapping[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for currency, rate in self.rates.items():
            if not isinstance(rate, Decimal) or not rate.is_finite() or rate <= 0:
                raise ValueError(f"rate {currency} must be a positive finite Decimal, not {rate!r}")

    def units_per_base(self, currency: str) -> Decimal | None:
        if currency == self.base:
            return Decimal(1)
        return self.rates.get(currency)

    def knows(self, currency: str) -> bool:
        return self.units_per_base(currency) is not None

    def rate(self, source: str, target: str) -> Decimal | None:
        """Units of `target` for one unit of `source` (a cross rate through the base), or None without a rate."""
        source_per_base, target_per_base = self.units_per_base(source), self.units_per_base(target)
        if source_per_base is None or target_per_base is None:
            return None
        with localcontext() as context:
            context.prec = _PRECISION
            return target_per_base / source_per_base

    def convert(self, amount: Money, currency: str) -> Money | None:
        """`amount` in `currency` (None when either currency has no rate on this day)."""
        if amount.currency == currency:
            return amount
        source_per_base, target_per_base = self.units_per_base(amount.currency), self.units_per_base(currency)
        if source_per_base is None or target_per_base is None:
            return None
        return convert_at_rate(amount, currency, target_per_base, source_per_base)

    def origin(self, source: str, target: str) -> RateOrigin | None:
        if source == target or self.rate(source, target) is None:
            return None
        return RateOrigin(self.source, self.day)

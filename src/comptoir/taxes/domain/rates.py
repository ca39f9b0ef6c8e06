"""Effective-dated VAT rates: which rate applies to a country and tax class on a day. Pure (no Django).

A rate is data with its source, in force from `valid_from` until the next rate of the same country and class (or
`valid_to`). Rates change often (RO 19 → 21 %, FI 24 → 25.5 %, EE 22 → 24 %), so a sale is always taxed at the rate in
force on its tax point, and an order keeps the rate it was taxed at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class TaxClass(StrEnum):
    STANDARD = "standard"
    REDUCED = "reduced"
    SUPER_REDUCED = "super_reduced"
    ZERO = "zero"


@dataclass(frozen=True, slots=True)
class DatedRate:
    country: str
    tax_class: TaxClass
    rate_bp: int
    valid_from: dt.date
    valid_to: dt.date | None
    source: str


class NoRate(LookupError):
    """No rate of this country and class is in force on that day."""


def rate_on(rates: Iterable[DatedRate], *, country: str, tax_class: TaxClass, day: dt.date) -> DatedRate:
    """The rate in force on `day`: the latest `valid_from` on or before it, unless it ended before `day`."""
    best: DatedRate | None = None
    for rate in rates:
        if rate.country != country or rate.tax_class != tax_class or rate.valid_from > day:
            continue
        if best is None or rate.valid_from > best.valid_from:
            best = rate
    if best is None or (best.valid_to is not None and best.valid_to < day):
        raise NoRate(f"No {tax_class} VAT rate for {country} on {day.isoformat()}.")
    return best


def rates_by_country(
    rates: Iterable[DatedRate], *, tax_class: TaxClass | str, countries: Iterable[str], day: dt.date
) -> dict[str, int]:
    """country -> rate (basis points) of `tax_class` in force on `day`, for each of `countries` that has one. A class
    without a rate entered for a country falls back to its standard rate (the conservative choice: the operator enters
    reduced rates by hand, docs/TAXES.md); the zero class is 0 wherever a standard rate is in force."""
    wanted_class = TaxClass(tax_class)
    candidates = list(rates)
    found: dict[str, int] = {}
    for country in {code.upper() for code in countries if code}:
        for candidate in dict.fromkeys((wanted_class, TaxClass.STANDARD)):
            try:
                rate = rate_on(candidates, country=country, tax_class=candidate, day=day)
            except NoRate:
                continue
            found[country] = 0 if wanted_class is TaxClass.ZERO else rate.rate_bp
            break
    return found

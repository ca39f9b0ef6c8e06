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

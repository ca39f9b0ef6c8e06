"""Effective-dated VAT rates: which rate applies to a country and tax class on a day. Pure (no Django).

A rate is data with its source, in force from `valid_from` until the next rate of the same country and class (or
`valid_to`). Rates change often (RO 19 → 21 %, FI 24 → 25.5 %, EE 22 → 24 %), so a sale is always taxed at the rate in
force on its tax point, and an order keeps the rate it was taxed at.

A rate row either gives a country's rate of a tax class (`category` empty) or says which rate a **tax category** of
products (books, children's clothing, foodstuffs) bears in a country (`category` set, `tax_class` then the rate's kind:
reduced, super-reduced, zero…). A product's rate in a country is its category's there, else its own class's, else the
standard rate (`rates_by_country`).
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
    category: str = ""  # "": the rate of `tax_class`; else the rate products of this tax category bear (its kind)


class NoRate(LookupError):
    """No rate of this country and class is in force on that day."""


def rate_on(rates: Iterable[DatedRate], *, country: str, tax_class: TaxClass, day: dt.date) -> DatedRate:
    """The rate of a class in force on `day`: the latest `valid_from` on or before it, unless it ended before `day`.
    Category rows are not class rates and are never picked here."""
    best: DatedRate | None = None
    for rate in rates:
        if rate.category or rate.country != country or rate.tax_class != tax_class or rate.valid_from > day:
            continue
        if best is None or rate.valid_from > best.valid_from:
            best = rate
    if best is None or (best.valid_to is not None and best.valid_to < day):
        raise NoRate(f"No {tax_class} VAT rate for {country} on {day.isoformat()}.")
    return best


def category_rate_on(rates: Iterable[DatedRate], *, country: str, category: str, day: dt.date) -> DatedRate | None:
    """The row saying which rate products of tax `category` bear in `country` on `day` (the latest `valid_from` on or
    before it, unless it ended before `day`); None when the data says nothing for that country then."""
    best: DatedRate | None = None
    for rate in rates:
        if not category or rate.category != category or rate.country != country or rate.valid_from > day:
            continue
        if best is None or rate.valid_from > best.valid_from:
            best = rate
    if best is None or (best.valid_to is not None and best.valid_to < day):
        return None
    return best


def rates_by_country(
    rates: Iterable[DatedRate],
    *,
    tax_class: TaxClass | str,
    countries: Iterable[str],
    day: dt.date,
    category: str = "",
) -> dict[str, int]:
    """country -> rate (basis points) a product bears on `day`, for each of `countries` that has one: the rate its tax
    `category` bears there (the category rows, docs/TAXES.md "Categories"), else the rate of its `tax_class`. A class
    without a rate entered for a country falls back to its standard rate (the conservative choice: the operator enters
    reduced rates by hand, docs/TAXES.md); the zero class is 0 wherever a standard rate is in force. The same choice
    for every country the sale involves: the destination's rate under OSS, IOSS, the UK and Swiss rules, the seller's
    home rate for a domestic sale, a sale under the distance-sales threshold and the VAT in the entered price."""
    wanted_class = TaxClass(tax_class)
    candidates = list(rates)
    found: dict[str, int] = {}
    for country in {code.upper() for code in countries if code}:
        by_category = category_rate_on(candidates, country=country, category=category, day=day)
        if by_category is not None:
            found[country] = by_category.rate_bp
            continue
        for candidate in dict.fromkeys((wanted_class, TaxClass.STANDARD)):
            try:
                rate = rate_on(candidates, country=country, tax_class=candidate, day=day)
            except NoRate:
                continue
            found[country] = 0 if wanted_class is TaxClass.ZERO else rate.rate_bp
            break
    return found

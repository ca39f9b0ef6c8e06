"""Tax periods: OSS quarters ("2026-Q3"), IOSS months ("2026-07"), Swiss half-years ("2026-H2"), DAC7 years ("2026").
Pure."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_HALF_YEAR = re.compile(r"^(\d{4})-?H([12])$", re.IGNORECASE)


@dataclass(frozen=True, order=True, slots=True)
class Period:
    start: dt.date
    end: dt.date  # the last day, inclusive
    label: str

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _last_day_of_month(year: int, month: int) -> dt.date:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def quarter(label: str) -> Period:
    """ "2026-Q3" (or "2026Q3") → 1 July to 30 September 2026. Raises ValueError otherwise."""
    found = _QUARTER.match(label.strip())
    if not found:
        raise ValueError(f"not a quarter: {label!r} (expected YYYY-Qn)")
    year, number = int(found[1]), int(found[2])
    first_month = 3 * number - 2
    return Period(dt.date(year, first_month, 1), _last_day_of_month(year, first_month + 2), f"{year}-Q{number}")


def month(label: str) -> Period:
    """ "2026-07" → July 2026. Raises ValueError otherwise."""
    found = _MONTH.match(label.strip())
    if not found or not 1 <= int(found[2]) <= 12:
        raise ValueError(f"not a month: {label!r} (expected YYYY-MM)")
    year, number = int(found[1]), int(found[2])
    return Period(dt.date(year, number, 1), _last_day_of_month(year, number), f"{year}-{number:02d}")


def half_year(label: str) -> Period:
    """ "2026-H2" (or "2026H2") → 1 July to 31 December 2026. Raises ValueError otherwise."""
    found = _HALF_YEAR.match(label.strip())
    if not found:
        raise ValueError(f"not a half-year: {label!r} (expected YYYY-H1 or YYYY-H2)")
    year, number = int(found[1]), int(found[2])
    first_month = 6 * number - 5
    return Period(dt.date(year, first_month, 1), _last_day_of_month(year, first_month + 5), f"{year}-H{number}")


def parse(label: str) -> Period:
    """Any period label this module writes: a quarter, a half-year or a month (a stored label, whatever the cadence
    chosen since). Raises ValueError otherwise."""
    text = label.strip().upper()
    if "Q" in text:
        return quarter(text)
    if "H" in text:
        return half_year(text)
    return month(text)


def half_year_of(day: dt.date) -> Period:
    return half_year(f"{day.year}-H{1 if day.month <= 6 else 2}")


def quarter_of(day: dt.date) -> Period:
    return quarter(f"{day.year}-Q{(day.month - 1) // 3 + 1}")


def month_of(day: dt.date) -> Period:
    return month(f"{day.year}-{day.month:02d}")


def year(value: int) -> Period:
    return Period(dt.date(value, 1, 1), dt.date(value, 12, 31), str(value))

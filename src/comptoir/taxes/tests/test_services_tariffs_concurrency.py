"""Two operators load the same tariff file at the same instant, each on its own database connection (SQLite: writes
serialised by BEGIN IMMEDIATE; PostgreSQL: the second insert waits on the unique index, fails, and the load runs
again against the first's rows). Both loads succeed and the rates exist once."""

import datetime as dt

import pytest

from comptoir.core import clock
from comptoir.orders.tests.concurrency import run_concurrently
from comptoir.taxes.models import TariffRate
from comptoir.taxes.services import tariff_rates_load

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 4
TARIFF = "area,hs_prefix,origin,rate_percent,valid_from,valid_to,source\n" + "".join(
    f"EU,61{index:02d},,12,2026-01-01,,example\n" for index in range(40)
)


def test_simultaneous_loads_of_one_file_write_each_rate_once():
    def load(index):
        with clock.frozen_at(dt.datetime(2026, 7, 15, 12, tzinfo=dt.UTC)):
            return tariff_rates_load(text=TARIFF)

    outcomes = run_concurrently(THREADS, load)

    assert [outcome.error for outcome in outcomes] == [None] * THREADS
    reports = [outcome.value for outcome in outcomes]
    assert sorted(len(report.created) for report in reports) == [0] * (THREADS - 1) + [40]
    assert sum(report.unchanged for report in reports) == 40 * (THREADS - 1)
    assert TariffRate.objects.count() == 40

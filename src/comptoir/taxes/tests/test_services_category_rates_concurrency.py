"""Two operators load the shipped category rates at the same instant, each on its own database connection (SQLite:
writes serialised by BEGIN IMMEDIATE; PostgreSQL: the second insert waits on the unique index, fails, and the load
runs again against the first's rows). Both loads succeed and each row exists once."""

import datetime as dt

import pytest

from comptoir.core import clock
from comptoir.orders.tests.concurrency import run_concurrently
from comptoir.taxes.models import VatRate
from comptoir.taxes.services import CATEGORY_RATES_FILE, category_rates_load

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 4


def test_simultaneous_loads_of_one_file_write_each_row_once():
    text = CATEGORY_RATES_FILE.read_text(encoding="utf-8")

    def load(index):
        with clock.frozen_at(dt.datetime(2026, 10, 15, 12, tzinfo=dt.UTC)):
            return category_rates_load(text=text)

    outcomes = run_concurrently(THREADS, load)

    assert [outcome.error for outcome in outcomes] == [None] * THREADS
    reports = [outcome.value for outcome in outcomes]
    rows = reports[0].rows
    assert sorted(len(report.created) for report in reports) == [0] * (THREADS - 1) + [rows]
    assert sum(report.unchanged for report in reports) == rows * (THREADS - 1)
    assert VatRate.objects.count() == rows

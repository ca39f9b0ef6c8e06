"""Effective-dated VAT rates: the rate in force on the sale's day."""

import datetime as dt

import pytest

from comptoir.taxes.domain.rates import DatedRate, NoRate, TaxClass, rate_on

RO = [
    DatedRate("RO", TaxClass.STANDARD, 1900, dt.date(2017, 1, 1), dt.date(2025, 7, 31), "law 2016"),
    DatedRate("RO", TaxClass.STANDARD, 2100, dt.date(2025, 8, 1), None, "law 141/2025"),
]


def test_the_rate_in_force_on_the_day_is_chosen():
    assert rate_on(RO, country="RO", tax_class=TaxClass.STANDARD, day=dt.date(2025, 7, 31)).rate_bp == 1900
    assert rate_on(RO, country="RO", tax_class=TaxClass.STANDARD, day=dt.date(2025, 8, 1)).rate_bp == 2100


def test_no_rate_before_the_first_or_for_another_class_or_country():
    for country, tax_class, day in [
        ("RO", TaxClass.STANDARD, dt.date(2016, 12, 31)),
        ("RO", TaxClass.REDUCED, dt.date(2026, 1, 1)),
        ("BG", TaxClass.STANDARD, dt.date(2026, 1, 1)),
    ]:
        with pytest.raises(NoRate):
            rate_on(RO, country=country, tax_class=tax_class, day=day)


def test_a_rate_that_ended_without_a_successor_is_not_in_force():
    ended = [DatedRate("XX", TaxClass.STANDARD, 1000, dt.date(2020, 1, 1), dt.date(2020, 12, 31), "test")]
    with pytest.raises(NoRate):
        rate_on(ended, country="XX", tax_class=TaxClass.STANDARD, day=dt.date(2021, 1, 1))

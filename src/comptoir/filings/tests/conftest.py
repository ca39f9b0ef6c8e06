import datetime as dt

import pytest

from comptoir.taxes.models import VatRate

STANDARD = {"FR": 2000, "PL": 2300, "DE": 1900, "IT": 2200, "ES": 2100, "CH": 810, "GB": 2000}


@pytest.fixture
def vat_rates(db):
    for country, rate_bp in STANDARD.items():
        VatRate.objects.create(
            country=country,
            tax_class="standard",
            rate_bp=rate_bp,
            valid_from=dt.date(2026, 1, 1),
            source="test",
            imported_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )

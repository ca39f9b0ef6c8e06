"""Importing VAT rates from the eu-vat-rates-data package: effective-dated, idempotent, a change closes the old rate."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from comptoir.taxes.domain.liability import Regime
from comptoir.taxes.domain.rates import NoRate, TaxClass
from comptoir.taxes.models import VatRate
from comptoir.taxes.selectors import vat_rate_on, vat_rates_in_force
from comptoir.taxes.services import vat_rates_import_package

pytestmark = pytest.mark.django_db
START = dt.date(2026, 1, 1)


def test_the_import_brings_every_member_states_standard_rate_with_its_source():
    report = vat_rates_import_package(valid_from=START)

    assert len(report.created) >= 45
    assert vat_rate_on(country="FR", day=START).rate_bp == 2000
    assert vat_rate_on(country="FI", day=START).rate_bp == 2550
    assert vat_rate_on(country="CH", day=START).rate_bp == 810
    assert "TEDB" in vat_rate_on(country="DE", day=START).source
    with pytest.raises(NoRate):
        vat_rate_on(country="FR", day=START - dt.timedelta(days=1))


def test_importing_again_changes_nothing():
    vat_rates_import_package(valid_from=START)
    again = vat_rates_import_package(valid_from=START + dt.timedelta(days=40))

    assert again.created == [] and again.changed == [] and again.unchanged >= 45
    assert VatRate.objects.filter(country="FR").count() == 1


def test_a_changed_rate_closes_the_old_one_the_day_before_so_earlier_sales_keep_it():
    vat_rates_import_package(valid_from=START)
    VatRate.objects.filter(country="RO").update(rate_bp=1900)  # as if the package had said 19 % then

    report = vat_rates_import_package(valid_from=dt.date(2026, 8, 1))

    assert report.changed == ["RO standard 19 % → 21 %"]
    assert vat_rate_on(country="RO", day=dt.date(2026, 7, 31)).rate_bp == 1900
    assert vat_rate_on(country="RO", day=dt.date(2026, 8, 1)).rate_bp == 2100
    in_force = {(rate.country, rate.tax_class): rate.rate_bp for rate in vat_rates_in_force(day=dt.date(2026, 9, 1))}
    assert in_force[("RO", TaxClass.STANDARD)] == 2100


def test_the_commands_import_list_and_decide():
    out = io.StringIO()
    call_command("tax", "rates-import", "--valid-from", "2026-01-01", stdout=out)
    call_command("tax", "rates", "--day", "2026-02-01", stdout=out)
    call_command(
        "tax",
        "decide",
        "--seller-country",
        "US",
        "--goods-country",
        "US",
        "--to",
        "ES",
        "--value-eur-cents",
        "9900",
        stdout=out,
    )
    text = out.getvalue()
    assert "new, 0 changed" in text
    assert "FR standard         20 %  from 2026-01-01" in text
    assert f"regime {Regime.EU_IMPORT_IOSS}; VAT of ES; collected by marketplace" in text

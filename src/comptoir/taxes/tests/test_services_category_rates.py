"""Loading which rate each tax category bears per country (`category_rates_load`, `comptoir tax categories-load`):
the shipped file loads, idempotent, all or nothing with line-numbered problems, checked against eu-vat-rates-data's
rates, audited, and the rows reach the rate choice and the tax rules fingerprint (docs/TAXES.md "Categories")."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from comptoir.core import clock
from comptoir.core.models import AuditLog
from comptoir.taxes.domain.rates import rates_by_country
from comptoir.taxes.models import VatRate
from comptoir.taxes.selectors import tax_rules_fingerprint, vat_rate_on, vat_rates_dated, vat_rates_in_force
from comptoir.taxes.services import (
    CATEGORY_RATES_FILE,
    CategoryRatesFileError,
    category_rates_load,
    vat_rates_import_package,
)

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 10, 15, 12, 0, tzinfo=dt.UTC)
HEADER = "category,country,kind,rate_percent,valid_from,valid_to,source,verify\n"
GOOD = HEADER + (
    "books,FR,reduced,5.5,2013-01-01,,CGI art. 278-0 bis A,\n"
    "books,IT,super_reduced,4,2013-01-01,,DPR 633/1972 Tab. A II n. 18,\n"
    "childrens_clothing,GB,zero,0,2021-01-01,,HMRC VAT Notice 714,yes\n"
)


def load(text: str):
    with clock.frozen_at(NOON):
        return category_rates_load(text=text)


def test_a_file_loads_once_and_again_changes_nothing():
    first = load(GOOD)
    assert (first.rows, len(first.created), first.changed, first.unchanged, first.to_verify) == (3, 3, [], 0, 1)
    jumper = VatRate.objects.get(category="childrens_clothing")
    assert (jumper.country, jumper.tax_class, jumper.rate_bp) == ("GB", "zero", 0)
    assert jumper.source == "HMRC VAT Notice 714 [verify]"
    assert AuditLog.objects.filter(action="taxes.category_rates_loaded").count() == 1

    again = load(GOOD)

    assert (again.created, again.changed, again.unchanged) == ([], [], 3)
    assert VatRate.objects.count() == 3
    assert AuditLog.objects.filter(action="taxes.category_rates_loaded").count() == 1


def test_a_changed_row_is_updated_from_the_file():
    load(GOOD)
    changed = load(GOOD.replace("books,IT,super_reduced,4,", "books,IT,reduced,5,"))
    assert changed.changed == ["books IT reduced 5 % from 2013-01-01"]
    assert VatRate.objects.get(category="books", country="IT").rate_bp == 500


def test_a_file_with_bad_lines_writes_nothing_and_names_every_line():
    bad = GOOD + (
        "Books!,FR,reduced,5.5,2013-01-01,,x,\n"  # line 5
        "books,FRA,reduced,5.5,2013-01-01,,x,\n"  # line 6
        "books,DE,lowered,7,2013-01-01,,x,\n"  # line 7
        "books,DE,reduced,seven,2013-01-01,,x,\n"  # line 8
        "books,DE,reduced,5,2013-01-01,,x,\n"  # line 9: not one of DE's reduced rates
        "books,DE,reduced,7,2013-01-01,,,\n"  # line 10: no source
        "books,GB,zero,5,2021-01-01,,x,\n"  # line 11: a zero kind at 5 %
        "books,FR,reduced,5.5,2013-01-01,,twice,\n"  # line 12
        "books,ES,super_reduced,4,2013-01-01,,x,maybe\n"  # line 13
    )
    with pytest.raises(CategoryRatesFileError) as raised:
        load(bad)

    problems = raised.value.problems
    assert [problem.split(":")[0] for problem in problems] == [f"line {line}" for line in range(5, 14)]
    assert "not a slug" in problems[0] and "not a country code" in problems[1]
    assert "DE reduced 5 % is not among eu-vat-rates-data's reduced rates for DE (7)" in problems[4]
    assert "as line 2" in problems[7]
    assert VatRate.objects.count() == 0


def test_a_rate_that_ended_before_the_packages_data_is_history_and_not_checked_against_it():
    report = load(HEADER + "foodstuffs,PL,zero,0,2020-01-01,2024-03-31,ustawa o VAT (0 % on basic food),\n")
    assert len(report.created) == 1


def test_a_file_without_the_columns_is_refused():
    with pytest.raises(CategoryRatesFileError, match="line 1: missing column"):
        load("category,country,rate\nbooks,FR,5.5\n")


def test_the_shipped_file_loads_through_the_command_and_a_bad_file_is_refused(tmp_path):
    out = io.StringIO()
    with clock.frozen_at(NOON):
        call_command("tax", "categories-load", stdout=out)
    shipped = CATEGORY_RATES_FILE.read_text(encoding="utf-8").count("\n") - 1
    assert f"category rates: {shipped} rows, {shipped} new, 0 changed, 0 unchanged" in out.getvalue()
    assert all(row.source for row in VatRate.objects.all())

    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "books,DE,reduced,-7,2013-01-01,,x,\n")
    with clock.frozen_at(NOON), pytest.raises(CommandError, match=r"nothing loaded, 1 problem(.|\n)*line 2: rate"):
        call_command("tax", "categories-load", "--file", str(bad))
    assert VatRate.objects.count() == shipped


def test_category_rows_reach_the_rate_choice_but_not_the_class_rates():
    with clock.frozen_at(NOON):
        vat_rates_import_package(valid_from=dt.date(2026, 1, 1))
        call_command("tax", "categories-load", stdout=io.StringIO())
    day = NOON.date()

    dated = vat_rates_dated(countries={"FR", "DE", "IT", "ES", "GB"}, day=day)
    books = rates_by_country(dated, tax_class="standard", countries={"FR", "DE", "IT", "ES"}, day=day, category="books")
    assert books == {"FR": 550, "DE": 700, "IT": 400, "ES": 400}
    jumper = rates_by_country(dated, tax_class="standard", countries={"GB"}, day=day, category="childrens_clothing")
    assert jumper == {"GB": 0}
    assert vat_rate_on(country="FR", day=day).rate_bp == 2000  # the class rate is untouched
    listed = [
        (rate.country, rate.category, rate.rate_bp) for rate in vat_rates_in_force(day=day) if rate.country == "DE"
    ]
    assert listed == [("DE", "", 1900), ("DE", "books", 700), ("DE", "foodstuffs", 700)]


def test_the_fingerprint_follows_the_category_rows():
    before = tax_rules_fingerprint(day=NOON.date())
    load(GOOD)
    assert tax_rules_fingerprint(day=NOON.date()) != before

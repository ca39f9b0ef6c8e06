"""Loading the operator's tariff rates (`tariff_rates_load`, `comptoir tax tariffs-load`): idempotent, all or nothing
with a line-numbered report, audited; the tax rules fingerprint follows the rates in force (docs/TAXES.md)."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from comptoir.core import clock
from comptoir.core.models import AuditLog
from comptoir.taxes.models import TariffRate
from comptoir.taxes.selectors import tariff_schedule, tax_rules_fingerprint
from comptoir.taxes.services import TariffFileError, tariff_rates_load

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 7, 15, 12, 0, tzinfo=dt.UTC)
HEADER = "area,hs_prefix,origin,rate_percent,valid_from,valid_to,source\n"
GOOD = HEADER + (
    "EU,61101190,,12,2026-01-01,,CN 6110 11 90 conventional rate (Reg. 2658/87 Annex I)\n"
    "EU,61,GB,0,2021-01-01,,EU-UK TCA Art. GOODS.5 (origin declared)\n"
    "US,6110,,16.5,2026-01-01,2026-12-31,operator example\n"
)


def load(text: str):
    with clock.frozen_at(NOON):
        return tariff_rates_load(text=text)


def test_a_file_loads_once_and_again_changes_nothing():
    first = load(GOOD)
    assert (first.rows, len(first.created), first.changed, first.unchanged) == (3, 3, [], 0)
    assert TariffRate.objects.get(area="US").rate_bp == 1650
    assert AuditLog.objects.filter(action="taxes.tariff_rates_loaded").count() == 1

    again = load(GOOD)

    assert (again.created, again.changed, again.unchanged) == ([], [], 3)
    assert TariffRate.objects.count() == 3
    assert AuditLog.objects.filter(action="taxes.tariff_rates_loaded").count() == 1  # nothing changed, no row


def test_a_changed_rate_is_updated_from_the_file():
    load(GOOD)
    changed = load(GOOD.replace("EU,61101190,,12,", "EU,61101190,,10.5,"))
    assert changed.changed == ["EU 61101190 @ 2026-01-01"]
    assert TariffRate.objects.get(area="EU", hs_prefix="61101190").rate_bp == 1050


def test_a_file_with_bad_lines_writes_nothing_and_names_every_line():
    bad = GOOD + (
        "EUR,61,,12,2026-01-01,,x\n"  # line 5
        "EU,6a,,12,2026-01-01,,x\n"  # line 6
        "EU,62,,twelve,2026-01-01,,x\n"  # line 7
        "EU,63,,12,2026-02-30,,x\n"  # line 8
        "EU,64,,12,2026-02-01,2026-01-01,x\n"  # line 9
        "EU,65,,12,2026-01-01,,\n"  # line 10
        "EU,61101190,,12,2026-01-01,,twice\n"  # line 11
    )
    with pytest.raises(TariffFileError) as raised:
        load(bad)

    problems = raised.value.problems
    assert [problem.split(":")[0] for problem in problems] == [f"line {line}" for line in range(5, 12)]
    assert "not a customs area" in problems[0] and "not 2 to 10 digits" in problems[1]
    assert "as line 2" in problems[6]
    assert TariffRate.objects.count() == 0


def test_a_file_without_the_columns_is_refused():
    with pytest.raises(TariffFileError, match="line 1: missing column"):
        load("area,prefix,rate\nEU,61,12\n")


def test_the_command_reports_and_refuses_with_line_numbers(tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(GOOD)
    bad.write_text(HEADER + "EU,61,,-3,2026-01-01,,x\n")
    out = io.StringIO()
    with clock.frozen_at(NOON):
        call_command("tax", "tariffs-load", "--file", str(good), stdout=out)
        assert "3 rows, 3 new, 0 changed, 0 unchanged" in out.getvalue()
        with pytest.raises(CommandError, match=r"nothing loaded, 1 problem(.|\n)*line 2: rate_percent"):
            call_command("tax", "tariffs-load", "--file", str(bad))
    assert TariffRate.objects.count() == 3


def test_the_schedule_and_the_fingerprint_follow_the_rates_in_force():
    before = tax_rules_fingerprint(day=NOON.date())
    load(GOOD)
    loaded = tax_rules_fingerprint(day=NOON.date())
    assert loaded != before
    assert len(tariff_schedule(day=NOON.date())) == 3
    # the US rate lapses at the end of 2026: the day after, the schedule and the fingerprint change
    next_year = dt.date(2027, 1, 1)
    assert len(tariff_schedule(day=next_year)) == 2
    assert tax_rules_fingerprint(day=next_year) != loaded


def test_the_example_file_shipped_with_the_code_loads():
    example = Path(__file__).resolve().parents[1] / "data" / "tariff_rates_example.csv"
    report = load(example.read_text(encoding="utf-8"))
    assert (report.rows, len(report.created)) == (8, 8)
    assert TariffRate.objects.get(area="EU", origin="GB").rate_bp == 0
    swiss = TariffRate.objects.get(area="CH", hs_prefix="1806")
    assert (swiss.rate_bp, swiss.specific_unit, swiss.specific_kind) == (0, "100kg_gross", "plus")
    assert TariffRate.objects.get(area="EU", hs_prefix="7323").specific_kind == "minimum"

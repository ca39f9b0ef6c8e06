"""Loading specific and compound tariff rates (`tariff_rates_load` with the optional specific_* columns): a file
without them loads as before; a specific component is validated with the rest, all or nothing, line by line; it is
stored exactly (a Decimal, never a float), read back by the selectors and the checkout statement, and a change of it
is a change of the rate (docs/TAXES.md "Specific and compound duties")."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from comptoir.core import clock
from comptoir.orders.checkout_reads import offers_for_checkout, tariff_rates_of
from comptoir.taxes.domain.duties import SpecificDuty, SpecificKind, SpecificUnit
from comptoir.taxes.models import TariffRate
from comptoir.taxes.selectors import tariff_schedule, tax_rules_fingerprint
from comptoir.taxes.services import TariffFileError, tariff_rates_load
from comptoir.testing.builders import make_offer, make_product

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 7, 15, 12, 0, tzinfo=dt.UTC)
HEADER = (
    "area,hs_prefix,origin,rate_percent,valid_from,valid_to,source,"
    "specific_amount,specific_currency,specific_unit,specific_kind\n"
)
GOOD = HEADER + (
    "CH,1806,,,2026-01-01,,example (verify in Tares),40.00,CHF,100kg_gross,\n"
    "EU,1806,,8.3,2026-01-01,,example (verify in TARIC),0.25,EUR,kg_net,plus\n"
    "EU,7323,,12,2026-01-01,,example (verify in TARIC),0.5,eur,kg_net,minimum\n"
    "EU,6110,,12,2026-01-01,,ad valorem only,,,,\n"
)


def load(text: str):
    with clock.frozen_at(NOON):
        return tariff_rates_load(text=text)


def test_specific_and_compound_rates_load_exactly_and_again_change_nothing():
    first = load(GOOD)
    assert (len(first.created), first.unchanged) == (4, 0)

    swiss = TariffRate.objects.get(area="CH")
    assert (swiss.rate_bp, swiss.specific_amount, swiss.specific_currency, swiss.specific_unit) == (
        0,
        Decimal("40.0000"),
        "CHF",
        "100kg_gross",
    )
    assert swiss.specific_kind == "plus"  # empty kind: added to the (here 0 %) ad valorem part
    assert TariffRate.objects.get(hs_prefix="6110").specific_amount is None
    assert str(TariffRate.objects.get(hs_prefix="7323")) == "EU 7323: 12 % minimum EUR 0.5/kg_net from 2026-01-01"

    again = load(GOOD)
    assert (again.created, again.changed, again.unchanged) == ([], [], 4)


def test_the_selectors_read_the_specific_component_as_a_decimal():
    load(GOOD)

    rates = {rate.hs_prefix: rate for rate in tariff_schedule(day=NOON.date(), area="EU").rates()}

    assert rates["1806"].specific == SpecificDuty(Decimal("0.25"), "EUR", SpecificUnit.KG_NET, SpecificKind.PLUS)
    assert rates["7323"].specific == SpecificDuty(Decimal("0.5"), "EUR", SpecificUnit.KG_NET, SpecificKind.MINIMUM)
    assert rates["6110"].specific is None


def test_the_checkout_statement_reads_the_specific_component_exactly():
    load(GOOD)
    offer = make_offer(product=make_product(hs_code="18063210", weight_grams=1000, gross_weight_grams=1250))

    read = offers_for_checkout([offer.pk], destination="CH")[0]

    assert (read.product.weight_grams, read.product.gross_weight_grams, read.product.volume_millilitres) == (
        1000,
        1250,
        None,
    )
    (swiss,) = tariff_rates_of(read)
    assert swiss.specific == SpecificDuty(Decimal("40"), "CHF", SpecificUnit.HUNDRED_KG_GROSS, SpecificKind.PLUS)
    assert isinstance(swiss.specific.amount, Decimal)


def test_a_changed_specific_amount_updates_the_rate_and_the_fingerprint():
    load(GOOD)
    before = tax_rules_fingerprint(day=NOON.date())

    changed = load(GOOD.replace("40.00,CHF", "42.50,CHF"))

    assert changed.changed == ["CH 1806 @ 2026-01-01"]
    assert TariffRate.objects.get(area="CH").specific_amount == Decimal("42.5")
    assert tax_rules_fingerprint(day=NOON.date()) != before


def test_a_file_with_bad_specific_columns_writes_nothing_and_names_every_line():
    bad = GOOD + (
        "EU,20,,5,2026-01-01,,x,0.5,EURO,kg_net,plus\n"  # line 6
        "EU,21,,5,2026-01-01,,x,0.5,EUR,barrel,plus\n"  # line 7
        "EU,22,,5,2026-01-01,,x,0.5,EUR,kg_net,at_least\n"  # line 8
        "EU,23,,5,2026-01-01,,x,-1,EUR,kg_net,plus\n"  # line 9
        "EU,24,,5,2026-01-01,,x,,EUR,kg_net,\n"  # line 10
        "EU,25,,,2026-01-01,,x,0.5,EUR,kg_net,minimum\n"  # line 11: a minimum needs its percentage
        "EU,26,,5,2026-01-01,,x,0.12345,EUR,kg_net,plus\n"  # line 12
    )

    with pytest.raises(TariffFileError) as error:
        load(bad)

    assert [problem.split(":")[0] for problem in error.value.problems] == [f"line {n}" for n in range(6, 13)]
    assert "specific_currency 'EURO' is not an ISO 4217 currency" in error.value.problems[0]
    assert "specific_unit 'barrel' is not one of kg_net" in error.value.problems[1]
    assert TariffRate.objects.count() == 0


def test_a_file_in_the_old_format_still_loads():
    old = "area,hs_prefix,origin,rate_percent,valid_from,valid_to,source\nEU,6110,,12,2026-01-01,,example\n"

    assert len(load(old).created) == 1
    assert TariffRate.objects.get().specific_amount is None


def test_the_database_refuses_half_a_specific_component():
    load(GOOD)
    with pytest.raises(IntegrityError), transaction.atomic():
        TariffRate.objects.filter(area="CH").update(specific_currency="")

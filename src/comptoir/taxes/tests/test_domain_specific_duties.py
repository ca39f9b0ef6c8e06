"""Specific and compound tariff duties (taxes.domain.duties): no database.

The rates here are illustrative, not the tariffs' figures (verify in TARIC / Tares before loading real ones):
Switzerland levies most of its duties in CHF per 100 kg gross weight (Customs Tariff Act, SR 632.10, Art. 2: gross
weight unless the tariff gives another unit, rounded up to the next 100 g where the unit is 100 kg); the EU's tariff
has compound duties ("8.3 % + EUR 0.25/kg") and ad valorem duties with a minimum or maximum specific amount."""

import datetime as dt
from decimal import Decimal

import pytest

from comptoir.taxes.domain.charge import ParcelFacts, TaxPart, tax_parcel
from comptoir.taxes.domain.duties import (
    DutyHandling,
    DutyItem,
    DutyStatus,
    SpecificDuty,
    SpecificKind,
    SpecificUnit,
    TariffRate,
    TariffSchedule,
    customs_area,
    rules_in_force,
    specific_quantity,
    tariff_duty,
)
from comptoir.taxes.tests.test_domain_duties import RATES, same_currency, shipped_rules

JULY_2026 = dt.date(2026, 7, 15)
CHF_IN_EUR = Decimal("1.05")  # an illustrative rate: 1 CHF = 1.05 EUR
CHOCOLATE = "18063210"


def rate(area, prefix, percent_bp, specific=None, *, origin=""):
    return TariffRate(area, prefix, origin, percent_bp, dt.date(2026, 1, 1), None, "example, verify", specific)


def specific(amount, currency, unit, kind=SpecificKind.PLUS):
    return SpecificDuty(Decimal(amount), currency, SpecificUnit(unit), SpecificKind(kind))


def eur_cents(amount: Decimal, currency: str) -> Decimal | None:
    """Exact EUR cents of an amount of EUR or CHF (major units); None for any other currency (no rate)."""
    if currency == "EUR":
        return amount * 100
    if currency == "CHF":
        return amount * CHF_IN_EUR * 100
    return None


def item(key=1, *, value=10000, quantity=1, hs_code=CHOCOLATE, net=None, gross=None, millilitres=None):
    return DutyItem(key, hs_code, quantity, value=value, net_grams=net, gross_grams=gross, millilitres=millilitres)


def test_per_100_kg_gross_the_weight_is_rounded_up_to_the_next_100_grams():
    swiss = TariffSchedule((rate("CH", "1806", 0, specific("40.00", "CHF", "100kg_gross")),))

    # 1.23 kg gross counts as 1.3 kg: CHF 40 × 0.013 = CHF 0.52 = EUR 0.546 → 0.55
    amount, used = tariff_duty([item(gross=1230)], area="CH", tariff=swiss, shipping=0, specific_in=eur_cents)

    assert amount == 55
    assert used[0].specific is not None and used[0].specific.unit is SpecificUnit.HUNDRED_KG_GROSS


def test_lines_of_one_rate_are_one_tariff_item_weighed_and_rounded_together():
    swiss = TariffSchedule((rate("CH", "1806", 0, specific("40.00", "CHF", "100kg_gross")),))
    lines = [item(1, gross=1230), item(2, gross=1230)]

    # 2.46 kg → 2.5 kg (not 1.3 + 1.3 = 2.6 kg): CHF 1.00 = EUR 1.05
    assert tariff_duty(lines, area="CH", tariff=swiss, shipping=0, specific_in=eur_cents) == (105, swiss.rates() * 2)
    assert specific_quantity(SpecificUnit.HUNDRED_KG_GROSS, lines) == Decimal("0.025")


def test_a_compound_rate_adds_the_specific_amount_to_the_ad_valorem_part():
    eu = TariffSchedule((rate("EU", "1806", 830, specific("0.25", "EUR", "kg_net")),))

    # 8.3 % of (200.00 + 10.00 shipping, CIF) = 17.43; + EUR 0.25 × 2 × 1.5 kg = 0.75 → 18.18
    amount, _ = tariff_duty(
        [item(value=20000, quantity=2, net=1500)], area="EU", tariff=eu, shipping=1000, specific_in=eur_cents
    )

    assert amount == 1818


def test_a_minimum_specific_amount_replaces_a_smaller_ad_valorem_duty():
    eu = TariffSchedule((rate("EU", "7323", 1200, specific("0.50", "EUR", "kg_net", "minimum")),))

    heavy = tariff_duty(
        [item(value=16000, hs_code="73239300", net=50000)], area="EU", tariff=eu, shipping=0, specific_in=eur_cents
    )
    light = tariff_duty(
        [item(value=16000, hs_code="73239300", net=2000)], area="EU", tariff=eu, shipping=0, specific_in=eur_cents
    )

    assert heavy is not None and heavy[0] == 2500  # 12 % = 19.20 < EUR 0.50 × 50 kg = 25.00: the minimum applies
    assert light is not None and light[0] == 1920  # 12 % = 19.20 > EUR 0.50 × 2 kg = 1.00


def test_a_maximum_specific_amount_caps_the_ad_valorem_duty():
    eu = TariffSchedule((rate("EU", "6403", 2000, specific("2.00", "EUR", "pair", "maximum")),))

    capped = tariff_duty(
        [item(value=4000, quantity=3, hs_code="64039900")], area="EU", tariff=eu, shipping=0, specific_in=eur_cents
    )

    assert capped is not None and capped[0] == 600  # 20 % of 40.00 = 8.00 > EUR 2.00 × 3 pairs


@pytest.mark.parametrize(
    ("unit", "line", "quantity"),
    [
        ("kg_net", item(quantity=3, net=250), Decimal("0.75")),
        ("kg_gross", item(quantity=3, gross=300), Decimal("0.9")),
        ("100kg_net", item(quantity=1, net=10001), Decimal("0.101")),
        ("item", item(quantity=4), Decimal(4)),
        ("litre", item(quantity=6, millilitres=750), Decimal("4.5")),
        ("hl", item(quantity=6, millilitres=750), Decimal("0.045")),
    ],
)
def test_each_unit_reads_its_own_product_fact(unit, line, quantity):
    assert specific_quantity(SpecificUnit(unit), [line]) == quantity


@pytest.mark.parametrize(
    ("unit", "line"),
    [("kg_net", item(gross=500)), ("100kg_gross", item(net=500)), ("litre", item(net=500, gross=600))],
)
def test_a_line_without_the_quantity_its_rate_needs_has_an_unknown_duty(unit, line):
    schedule = TariffSchedule((rate("EU", "1806", 830, specific("1", "EUR", unit)),))

    assert tariff_duty([line], area="EU", tariff=schedule, shipping=0, specific_in=eur_cents) is None


def test_a_specific_amount_no_rate_converts_makes_the_duty_unknown():
    schedule = TariffSchedule((rate("EU", "1806", 0, specific("1", "USD", "item")),))

    assert tariff_duty([item()], area="EU", tariff=schedule, shipping=0, specific_in=eur_cents) is None


def test_an_ad_valorem_rate_needs_no_quantity_and_no_conversion():
    schedule = TariffSchedule((rate("EU", "1806", 830),))

    assert tariff_duty([item(value=20000)], area="EU", tariff=schedule, shipping=0) == (1660, schedule.rates())


def swiss_facts(*, gross):
    area = customs_area("CH")
    return ParcelFacts(
        seller_country="DE",
        goods_country="DE",
        seller_charges_destination_vat=False,
        parts=(TaxPart(key=1, unit_price=1190, quantity=2, rates=RATES, hs_code=CHOCOLATE, gross_grams=gross),),
        duty_rules=rules_in_force(shipped_rules(), area=area, day=JULY_2026),
        day=JULY_2026,
        duty_handling=DutyHandling.DDP,
        tariff=TariffSchedule((rate("CH", "1806", 0, specific("40.00", "CHF", "100kg_gross")),)),
    )


def test_a_swiss_buyers_parcel_pays_the_duty_by_gross_weight_at_checkout_with_the_swiss_vat_on_it():
    # Given two bars of a German seller's chocolate (EUR 11.90 each incl. 19 % DE VAT), 1.25 kg gross each: the
    # platform collects the Swiss VAT at checkout (deemed supplier), so it collects the known duty too (DDP).
    taxed = tax_parcel(
        swiss_facts(gross=1250),
        destination="CH",
        buyer_is_business=False,
        shipping=None,
        value_in=same_currency,
        amount_in=same_currency,
        specific_in=eur_cents,
    )

    assert taxed is not None and taxed.duty is not None
    # 2.5 kg gross × CHF 40.00 per 100 kg = CHF 1.00 = EUR 1.05; with 8.1 % CH VAT: 0.085 → 0.09
    assert (taxed.duty.status, taxed.duty.amount, taxed.duty.collected_at_checkout) == (DutyStatus.TARIFF, 105, True)
    assert (taxed.duty_charged, taxed.duty_tax.vat) == (114, 9)


def test_without_its_gross_weight_the_swiss_parcels_duty_is_unknown():
    taxed = tax_parcel(
        swiss_facts(gross=None),
        destination="CH",
        buyer_is_business=False,
        shipping=None,
        value_in=same_currency,
        amount_in=same_currency,
        specific_in=eur_cents,
    )

    assert taxed is not None and taxed.duty is not None
    assert (taxed.duty.status, taxed.duty.amount, taxed.duty_charged) == (DutyStatus.UNKNOWN, None, 0)
    assert taxed.duty.charges_at_delivery is True  # "Duties may be charged on delivery."

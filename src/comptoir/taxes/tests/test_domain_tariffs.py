"""Tariff rates above the low-value rules (taxes.domain.duties through taxes.domain.charge): no database.

The duty rules are the shipped file's; the tariff rates are an operator's table. The EU rates of the worked case: CN
6110 11 90 (jerseys and pullovers of wool, knitted, other than of 600 g or more) at the conventional 12 % and
6110 11 10 at 10.5 % (Combined Nomenclature, Annex I to Reg. (EEC) No 2658/87 — verify in TARIC before loading);
0 % for goods originating in the UK (EU-UK Trade and Cooperation Agreement, Art. GOODS.5: customs duties on goods
originating in the other Party are prohibited; origin is claimed with a statement on origin, Art. ORIG.18-19)."""

import datetime as dt

from comptoir.taxes.domain.charge import ParcelFacts, TaxPart, tax_parcel
from comptoir.taxes.domain.duties import (
    DutyHandling,
    DutyItem,
    DutyStatus,
    TariffRate,
    TariffSchedule,
    customs_area,
    rules_in_force,
    tariff_duty,
)
from comptoir.taxes.tests.test_domain_duties import RATES, same_currency, shipped_rules

JULY_2026 = dt.date(2026, 7, 15)
JULY_2028 = dt.date(2028, 7, 15)  # the EU's flat duty has lapsed (it runs to 1 July 2028)
WOOL_JUMPER = "61101190"


def rate(area, prefix, percent_bp, *, origin="", valid_from=dt.date(2026, 1, 1), valid_to=None):
    return TariffRate(area, prefix, origin, percent_bp, valid_from, valid_to, "example")


EU_TARIFF = (
    rate("EU", "61101190", 1200),
    rate("EU", "61101110", 1050),
    rate("EU", "61", 0, origin="GB"),  # TCA preference, whatever the heading
    rate("US", "6110", 1000),  # an operator's illustrative US rate (FOB)
    rate("GB", "6110", 1200),
)


def facts(seller, goods, *parts, day=JULY_2026, destination="DE", tariff=EU_TARIFF, handling=DutyHandling.DDP):
    return ParcelFacts(
        seller_country=seller,
        goods_country=goods,
        seller_charges_destination_vat=False,
        parts=tuple(
            TaxPart(key=index, unit_price=price, quantity=1, rates=RATES, hs_code=hs_code, origin=origin)
            for index, (price, hs_code, origin) in enumerate(parts, start=1)
        ),
        duty_rules=rules_in_force(shipped_rules(), area=customs_area(destination), day=day),
        day=day,
        duty_handling=handling,
        tariff=TariffSchedule(tariff, day=day),
    )


def priced(parcel, destination="DE", shipping=1200):
    taxed = tax_parcel(
        parcel,
        destination=destination,
        buyer_is_business=False,
        shipping=shipping,
        value_in=same_currency,
        amount_in=same_currency,
    )
    assert taxed is not None and taxed.duty is not None
    return taxed


def test_a_gb_sellers_gb_origin_jumper_over_eur_150_to_germany_pays_the_tca_preference_of_0_percent():
    # EUR 240.00 incl. 20 % GB VAT = 200.00 net; shipping 12.00 incl. GB VAT = 10.00 net. Over EUR 150: customs
    # collect the import VAT on delivery (DAP).
    taxed = priced(facts("GB", "GB", (24000, WOOL_JUMPER, "GB")))

    duty = taxed.duty
    assert (duty.status, duty.amount, duty.rule.kind) == (DutyStatus.TARIFF, 0, "tariff")
    assert [used.origin for used in duty.tariff_rates] == ["GB"]
    assert duty.collected_at_checkout is False and duty.vat_at_delivery is True
    # import VAT: 19 % DE of goods 200.00 + shipping 10.00 (+ duty 0) = 39.90
    assert (duty.import_vat_estimate, duty.at_delivery_estimate) == (3990, 3990)


def test_the_same_jumper_not_originating_in_the_uk_pays_the_mfn_rate_on_the_cif_value():
    for origin in ("CN", ""):  # made in China, or origin not declared: no preference
        taxed = priced(facts("GB", "GB", (24000, WOOL_JUMPER, origin)))

        duty = taxed.duty
        # 12 % of (200.00 goods + 10.00 shipping: the EU values imports CIF) = 25.20
        assert (duty.status, duty.amount) == (DutyStatus.TARIFF, 2520)
        # import VAT 19 % of 200.00 + 10.00 + 25.20 = 44.688 → 44.69; on delivery 25.20 + 44.69
        assert (duty.import_vat_estimate, duty.at_delivery_estimate) == (4469, 6989)


def test_the_longest_prefix_wins_and_no_rate_or_no_hs_code_leaves_the_duty_unknown():
    heavy = priced(facts("GB", "GB", (24000, "61101110", "CN")))
    assert heavy.duty.amount == 2205  # 10.5 % of 210.00

    for hs_code in ("62061000", ""):  # no rate for chapter 62; no HS code
        taxed = priced(facts("GB", "GB", (24000, hs_code, "CN")))
        assert (taxed.duty.status, taxed.duty.amount, taxed.duty.at_delivery_estimate) == (
            DutyStatus.UNKNOWN,
            None,
            None,
        )


def test_a_rate_out_of_force_is_not_read():
    lapsed = (rate("EU", "61101190", 1200, valid_to=dt.date(2026, 6, 30)),)
    taxed = priced(facts("GB", "GB", (24000, WOOL_JUMPER, "CN"), tariff=lapsed))
    assert taxed.duty.status is DutyStatus.UNKNOWN


def test_without_a_tariff_the_parcel_over_eur_150_stays_unknown_as_before():
    taxed = priced(facts("US", "US", (20000, WOOL_JUMPER, "US"), destination="IT", tariff=()), "IT", 490)
    assert (taxed.duty.status, taxed.duty.amount) == (DutyStatus.UNKNOWN, None)


def test_the_relief_and_the_flat_duty_still_come_first_below_eur_150():
    taxed = priced(facts("US", "US", (12000, WOOL_JUMPER, "US"), destination="IT"), "IT", 490)
    assert (taxed.duty.status, taxed.duty.amount) == (DutyStatus.FLAT, 300)


def test_after_the_flat_duty_lapses_an_ioss_parcel_pays_the_tariff_at_checkout_with_vat_on_it():
    # A US seller's EUR 120 (net) jumper to Italy on 15 July 2028: IOSS (≤ EUR 150), the marketplace collects the
    # VAT, so the known duty is collected at checkout (DDP) and taxed at the line's rate.
    taxed = priced(facts("US", "US", (12000, WOOL_JUMPER, "US"), day=JULY_2028, destination="IT"), "IT", 490)

    # 12 % of (120.00 + 4.90) = 14.988 → 14.99, rounded once
    assert (taxed.duty.status, taxed.duty.amount, taxed.duty.collected_at_checkout) == (DutyStatus.TARIFF, 1499, True)
    assert taxed.duty_tax is not None
    assert (taxed.duty_tax.net, taxed.duty_tax.vat, taxed.duty_charged) == (1499, 330, 1829)


def test_an_fob_area_leaves_the_shipping_out_of_the_customs_value():
    # A French seller's EUR 240 (200.00 net of FR VAT) jumper to the US since de minimis was suspended.
    taxed = priced(facts("FR", "FR", (24000, WOOL_JUMPER, "FR"), destination="US"), "US")
    assert (taxed.duty.status, taxed.duty.amount) == (DutyStatus.TARIFF, 2000)  # 10 % of 200.00, shipping not in it


def test_the_duty_of_several_lines_is_summed_exactly_and_rounded_once():
    items = [DutyItem(1, WOOL_JUMPER, 1, value=1001, origin="CN"), DutyItem(2, WOOL_JUMPER, 1, value=1001)]
    schedule = TariffSchedule(EU_TARIFF)
    # each line 12 % of 10.01 = 1.2012; rounded per line 1.20 + 1.20 = 2.40; once: 2.4024 → 2.40 — and with shipping
    # 0.05 shared by value: 12 % of 20.07 = 2.4084 → 2.41 (per line: 1.2042 → 1.20 twice = 2.40)
    assert tariff_duty(items, area="EU", tariff=schedule, shipping=5)[0] == 241
    assert tariff_duty(items, area="EU", tariff=schedule, shipping=0)[0] == 240


def test_a_rate_for_the_declared_origin_comes_before_a_longer_general_one():
    schedule = TariffSchedule(EU_TARIFF)
    assert schedule.rate_for(area="EU", hs_code=WOOL_JUMPER, origin="GB").rate_bp == 0
    assert schedule.rate_for(area="EU", hs_code=WOOL_JUMPER, origin="CN").rate_bp == 1200
    assert schedule.rate_for(area="GB", hs_code=WOOL_JUMPER, origin="FR").rate_bp == 1200
    assert schedule.rate_for(area="CH", hs_code=WOOL_JUMPER, origin="FR") is None

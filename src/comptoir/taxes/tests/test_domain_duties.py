"""Duties and landed cost of imported parcels (taxes.domain.duties through taxes.domain.charge): no database.

The rules are the shipped file's (taxes/data/duty_rules.json), so these cases check the data as well as the code."""

import datetime as dt
import json
from pathlib import Path

from comptoir.taxes.domain.charge import ParcelFacts, TaxPart, tax_parcel
from comptoir.taxes.domain.duties import (
    CustomsValue,
    DutyHandling,
    DutyItem,
    DutyKind,
    DutyRule,
    DutyStatus,
    customs_area,
    duty_items,
    rules_in_force,
)

RATES = {"FR": 2000, "DE": 1900, "IT": 2200, "CH": 810, "GB": 2000}
AFTER = dt.date(2026, 7, 15)  # the EU's flat duty is in force
BEFORE = dt.date(2026, 6, 15)
RULES_FILE = Path(__file__).resolve().parents[1] / "data" / "duty_rules.json"


def shipped_rules() -> tuple[DutyRule, ...]:
    document = json.loads(RULES_FILE.read_text())
    return tuple(
        DutyRule(
            area=entry["area"],
            kind=DutyKind(entry["kind"]),
            currency=entry["currency"],
            amount=entry["amount"],
            value_limit=entry["value_limit"],
            valid_from=dt.date.fromisoformat(entry["valid_from"]),
            valid_to=None if entry["valid_to"] is None else dt.date.fromisoformat(entry["valid_to"]),
            source=entry["source"],
            marketplace_collected_only=entry["marketplace_collected_only"],
            customs_value=CustomsValue(entry.get("customs_value", "cif")),
        )
        for entry in document["rules"]
    )


def same_currency(amount: int, currency: str) -> int | None:
    return amount  # the parcel is priced in the rule's currency in these cases


def parcel(seller, goods, *parts, day=AFTER, handling=DutyHandling.DDP, destination=None):
    rules = shipped_rules()
    if destination is not None:
        rules = rules_in_force(rules, area=customs_area(destination), day=day)
    return ParcelFacts(
        seller_country=seller,
        goods_country=goods,
        seller_charges_destination_vat=False,
        parts=tuple(
            TaxPart(key=index, unit_price=price, quantity=quantity, rates=RATES, hs_code=hs_code)
            for index, (price, quantity, hs_code) in enumerate(parts, start=1)
        ),
        duty_rules=rules,
        day=day,
        duty_handling=handling,
    )


def priced(facts, destination, shipping=598):
    taxed = tax_parcel(
        facts,
        destination=destination,
        buyer_is_business=False,
        shipping=shipping,
        value_in=same_currency,
        amount_in=same_currency,
    )
    assert taxed is not None and taxed.duty is not None
    return taxed


def test_a_us_sellers_eur_120_parcel_to_italy_from_1_july_2026_pays_the_flat_eur_3_at_checkout():
    taxed = priced(parcel("US", "US", (12000, 1, "620610")), "IT")

    duty = taxed.duty
    assert taxed.liability.regime == "eu_import_ioss"
    assert (duty.status, duty.amount, duty.items, duty.collected_at_checkout) == (DutyStatus.FLAT, 300, 1, True)
    # The taxable amount includes the duty (Art. 78(a), 85, 86 Dir. 2006/112/EC): 22 % of EUR 3.00 = 0.66.
    assert taxed.duty_tax is not None
    assert (taxed.duty_tax.net, taxed.duty_tax.vat, taxed.duty_tax.rate_bp) == (300, 66, 2200)
    assert taxed.duty_charged == 366
    # The parcel's VAT (what the marketplace books to its IT liability) is the lines', the shipping's and the duty's.
    assert taxed.vat == sum(line.tax.vat for line in taxed.all_lines) + 66
    assert duty.rule is not None and "regfollower.com" in duty.rule.source
    # Nothing more is due on delivery: VAT (IOSS) and duty were both paid at checkout (DDP).
    assert (duty.charges_at_delivery, duty.at_delivery_estimate) == (False, 0)


def test_the_same_parcel_before_1_july_2026_owes_no_duty():
    taxed = priced(parcel("US", "US", (12000, 1, "620610"), day=BEFORE), "IT")

    assert (taxed.duty.status, taxed.duty.amount, taxed.duty_charged) == (DutyStatus.RELIEF, 0, 0)


def test_an_item_is_a_distinct_tariff_subheading_one_silk_and_two_wool_blouses_owe_eur_6():
    taxed = priced(parcel("CN", "CN", (4000, 1, "62061000"), (3000, 2, "620620")), "FR")

    assert (taxed.duty.items, taxed.duty.amount) == (2, 600)


def test_lines_without_hs_code_count_as_one_item_each():
    assert (
        duty_items([DutyItem(1, "", 3), DutyItem(2, "", 1), DutyItem(3, "620610", 1), DutyItem(4, "6206109", 2)]) == 3
    )


def test_over_eur_150_the_duty_is_unknown_and_the_buyer_is_told_with_the_import_vat_estimate():
    taxed = priced(parcel("US", "US", (20000, 1, "620610")), "IT", shipping=1000)

    duty = taxed.duty
    assert taxed.liability.regime == "eu_import_at_border"
    assert (duty.status, duty.amount, duty.collected_at_checkout) == (DutyStatus.UNKNOWN, None, False)
    assert duty.charges_at_delivery
    assert duty.import_vat_estimate == 4620  # 22 % of 200.00 + 10.00 shipping
    assert duty.at_delivery_estimate is None  # the duty part is unknown


def test_a_gb_consignment_up_to_gbp_135_is_relieved_of_duty():
    taxed = priced(parcel("FR", "FR", (12000, 1, "620610")), "GB")

    assert taxed.liability.regime == "uk_marketplace"
    assert (taxed.duty.status, taxed.duty.amount, taxed.duty.charges_at_delivery) == (DutyStatus.RELIEF, 0, False)


def test_a_gb_consignment_over_gbp_135_pays_vat_and_an_unknown_duty_on_delivery():
    taxed = priced(parcel("FR", "FR", (24000, 1, "620610")), "GB", shipping=0)

    assert taxed.liability.regime == "uk_import_at_border"
    assert taxed.duty.status == DutyStatus.UNKNOWN
    assert taxed.duty.import_vat_estimate == 4000  # 20 % of the net 200.00 (the French VAT taken out)


def test_switzerland_has_no_sourced_duty_rule_the_platform_collects_the_vat_and_duties_may_follow_on_delivery():
    taxed = priced(parcel("DE", "DE", (10000, 1, "620610")), "CH")

    duty = taxed.duty
    assert taxed.liability.regime == "ch_platform"
    assert (duty.status, duty.collected_at_checkout, duty.charges_at_delivery) == (DutyStatus.UNKNOWN, False, True)
    assert duty.at_delivery_estimate is None


def test_the_us_since_29_august_2025_follows_its_tariff_unknown_before_that_de_minimis_usd_800():
    after = priced(parcel("FR", "FR", (12000, 1, "620610")), "US")
    before = priced(parcel("FR", "FR", (12000, 1, "620610"), day=dt.date(2025, 8, 1)), "US")

    assert after.liability.regime == "export"
    assert (after.duty.status, after.duty.charges_at_delivery) == (DutyStatus.UNKNOWN, True)
    assert (before.duty.status, before.duty.amount) == (DutyStatus.RELIEF, 0)
    # The destination's own import taxes are not modelled (an export): the buyer is still warned, without estimate.
    assert (before.duty.charges_at_delivery, before.duty.at_delivery_estimate) == (True, None)


def test_the_dap_handling_choice_leaves_a_known_duty_to_the_carrier_with_its_estimate():
    taxed = priced(parcel("US", "US", (12000, 1, "620610"), handling=DutyHandling.DAP), "IT")

    duty = taxed.duty
    assert (duty.amount, duty.collected_at_checkout, taxed.duty_charged) == (300, False, 0)
    assert (duty.charges_at_delivery, duty.at_delivery_estimate) == (True, 300)


def test_the_flat_duty_needs_the_marketplace_to_collect_the_import_vat_and_no_excise():
    facts = parcel("US", "US", (12000, 1, "220421"))
    excise = ParcelFacts(**{**{name: getattr(facts, name) for name in facts.__slots__}, "excise_goods": True})

    taxed = priced(excise, "IT")

    assert taxed.liability.regime == "eu_import_at_border"
    assert (taxed.duty.status, taxed.duty_charged) == (DutyStatus.UNKNOWN, 0)


def test_goods_that_stay_in_their_customs_area_are_not_imported():
    taxed = priced(parcel("FR", "FR", (12000, 1, "620610")), "IT")

    assert (taxed.duty.status, taxed.duty.is_imported, taxed.duty.charges_at_delivery) == (
        DutyStatus.NOT_IMPORTED,
        False,
        False,
    )


def test_a_parcel_priced_in_another_currency_converts_the_flat_duty_and_no_rate_means_unknown():
    facts = parcel("US", "US", (12000, 1, "620610"))

    def usd(amount: int, currency: str) -> int | None:
        return amount * 11 // 10 if currency == "EUR" else None  # EUR -> the parcel's USD

    def none(amount: int, currency: str) -> int | None:
        return None

    converted = tax_parcel(
        facts, destination="IT", buyer_is_business=False, shipping=0, value_in=same_currency, amount_in=usd
    )
    missing = tax_parcel(
        facts, destination="IT", buyer_is_business=False, shipping=0, value_in=same_currency, amount_in=none
    )

    assert converted is not None and converted.duty is not None and converted.duty.amount == 330
    assert missing is not None and missing.duty is not None and missing.duty.status == DutyStatus.UNKNOWN


def test_each_items_duty_is_taxed_at_its_own_lines_rate():
    # A blouse (20 %), two books without HS code (5.5 % each, one item each) to France: 3 items of EUR 3.00.
    reduced = {**RATES, "FR": 550}
    facts = ParcelFacts(
        seller_country="CN",
        goods_country="CN",
        seller_charges_destination_vat=False,
        parts=(
            TaxPart(key=1, unit_price=4000, quantity=1, rates=RATES, hs_code="62061000"),
            TaxPart(key=2, unit_price=1000, quantity=1, rates=reduced),
            TaxPart(key=3, unit_price=1200, quantity=1, rates=reduced),
        ),
        duty_rules=shipped_rules(),
        day=AFTER,
    )
    taxed = priced(facts, "FR")

    assert taxed.duty_items_by_rate == ((2000, 1), (550, 2))
    assert [(tax.rate_bp, tax.net, tax.vat) for tax in taxed.duty_taxes] == [(2000, 300, 60), (550, 600, 33)]
    assert (taxed.duty_tax.net, taxed.duty_tax.vat, taxed.duty_charged) == (900, 93, 993)
    assert taxed.vat == sum(line.tax.vat for line in taxed.all_lines) + 93

"""The pure VAT pricing of a parcel (taxes.domain.charge) and the VAT number format check: no database."""

import datetime as dt

import pytest

from comptoir.taxes.domain.charge import ParcelFacts, TaxPart, parcel_resplit, tax_parcel
from comptoir.taxes.domain.rates import DatedRate, TaxClass, rates_by_country
from comptoir.taxes.domain.vat_numbers import vat_number_format

RATES = {"FR": 2000, "PL": 2300, "DE": 1900, "IT": 2200, "ES": 2100, "CH": 810, "GB": 2000}


def euro(amount: int, currency: str) -> int | None:
    return amount  # the parcel is priced in EUR in these cases


def no_rate(amount: int, currency: str) -> int | None:
    return None


def parcel(seller: str, goods: str, *parts: tuple[int, int], destination_vat: bool = False) -> ParcelFacts:
    return ParcelFacts(
        seller_country=seller,
        goods_country=goods,
        seller_charges_destination_vat=destination_vat,
        parts=tuple(
            TaxPart(key=index, unit_price=price, quantity=quantity, rates=RATES)
            for index, (price, quantity) in enumerate(parts, start=1)
        ),
    )


def test_a_domestic_sale_keeps_the_entered_price_and_splits_its_vat():
    taxed = tax_parcel(
        parcel("FR", "FR", (1200, 1)), destination="FR", buyer_is_business=False, shipping=600, value_in=euro
    )

    assert taxed is not None
    assert (taxed.liability.regime, taxed.items_gross, taxed.shipping_gross, taxed.vat) == ("domestic", 1200, 600, 300)


def test_over_the_threshold_the_destination_rate_replaces_the_home_rate_per_unit():
    taxed = tax_parcel(
        parcel("PL", "PL", (12300, 3), destination_vat=True),
        destination="FR",
        buyer_is_business=False,
        shipping=None,
        value_in=euro,
    )

    assert taxed is not None
    line = taxed.lines[0]
    assert (line.unit_price, line.quantity, line.tax.gross, line.tax.vat, line.tax.rate_bp) == (
        12000,
        3,
        36000,
        6000,
        2000,
    )
    assert taxed.shipping is None


def test_uniform_gross_keeps_the_price_and_resplits_at_the_destination_rate():
    taxed = tax_parcel(
        parcel("PL", "PL", (12300, 1), destination_vat=True),
        destination="FR",
        buyer_is_business=False,
        shipping=0,
        value_in=euro,
        uniform_gross=True,
    )

    assert taxed is not None
    assert (taxed.items_gross, taxed.lines[0].tax.vat, taxed.lines[0].tax.net) == (12300, 2050, 10250)


def test_an_import_without_an_exchange_rate_is_taken_as_over_150_eur():
    taxed = tax_parcel(
        parcel("US", "US", (5000, 1)), destination="IT", buyer_is_business=False, shipping=0, value_in=no_rate
    )

    assert taxed is not None
    assert (taxed.liability.regime, taxed.liability.import_charges_at_delivery) == ("eu_import_at_border", True)
    assert taxed.vat == 0


def test_a_uk_consumer_buying_a_small_parcel_from_france_pays_uk_vat_collected_by_the_marketplace():
    taxed = tax_parcel(
        parcel("FR", "FR", (6000, 1)),
        destination="GB",
        buyer_is_business=False,
        shipping=0,
        value_in=lambda amount, currency: amount * 85 // 100 if currency == "GBP" else amount,
    )

    assert taxed is not None
    assert (taxed.liability.regime, taxed.liability.collector) == ("uk_marketplace", "marketplace")
    # 60.00 incl. 20 % FR = 50.00 net, plus 20 % UK VAT.
    assert (taxed.items_gross, taxed.vat) == (6000, 1000)


def test_shipping_follows_the_parcels_main_line():
    facts = ParcelFacts(
        seller_country="FR",
        goods_country="FR",
        seller_charges_destination_vat=False,
        parts=(
            TaxPart(key=1, unit_price=1055, quantity=1, rates={"FR": 550}),
            TaxPart(key=2, unit_price=12000, quantity=1, rates={"FR": 2000}),
        ),
    )

    taxed = tax_parcel(facts, destination="FR", buyer_is_business=False, shipping=600, value_in=euro)

    assert taxed is not None
    assert taxed.shipping is not None and taxed.shipping.tax.rate_bp == 2000


def test_a_missing_rate_leaves_the_parcel_untaxed_and_a_sale_outside_the_model_too():
    facts = ParcelFacts("PL", "PL", True, (TaxPart(key=1, unit_price=1000, quantity=1, rates={"PL": 2300}),))
    assert tax_parcel(facts, destination="FR", buyer_is_business=False, shipping=0, value_in=euro) is None
    assert (
        tax_parcel(parcel("US", "US", (1000, 1)), destination="US", buyer_is_business=False, shipping=0, value_in=euro)
        is None
    )


def test_resplitting_a_converted_parcel_keeps_each_rate():
    taxed = tax_parcel(
        parcel("FR", "FR", (1200, 2)), destination="FR", buyer_is_business=False, shipping=600, value_in=euro
    )
    assert taxed is not None

    converted = parcel_resplit(taxed, unit_prices={1: 1000}, shipping=500)

    assert (converted.lines[0].tax.gross, converted.lines[0].tax.vat, converted.shipping.tax.vat) == (2000, 333, 83)


def test_rates_by_country_falls_back_to_the_standard_rate_and_zero_is_zero():
    day = dt.date(2026, 3, 1)
    dated = [
        DatedRate("FR", TaxClass.STANDARD, 2000, dt.date(2025, 1, 1), None, "t"),
        DatedRate("FR", TaxClass.REDUCED, 550, dt.date(2025, 1, 1), None, "t"),
        DatedRate("PL", TaxClass.STANDARD, 2300, dt.date(2025, 1, 1), None, "t"),
        DatedRate("RO", TaxClass.STANDARD, 1900, dt.date(2025, 1, 1), dt.date(2025, 7, 31), "t"),
        DatedRate("RO", TaxClass.STANDARD, 2100, dt.date(2025, 8, 1), None, "t"),
    ]

    assert rates_by_country(dated, tax_class="reduced", countries={"FR", "PL", "DE"}, day=day) == {
        "FR": 550,
        "PL": 2300,
    }
    assert rates_by_country(dated, tax_class="zero", countries={"FR"}, day=day) == {"FR": 0}
    assert rates_by_country(dated, tax_class="standard", countries={"RO"}, day=dt.date(2025, 7, 1)) == {"RO": 1900}
    assert rates_by_country(dated, tax_class="standard", countries={"RO"}, day=day) == {"RO": 2100}


@pytest.mark.parametrize(
    ("raw", "number", "country", "valid"),
    [
        ("DE 136 695 976", "DE136695976", "DE", True),
        ("EL094259216", "EL094259216", "GR", True),
        ("DE136695977", "DE136695977", "DE", False),
        ("not a number", "NOT A NUMBER", "", False),
    ],
)
def test_vat_number_format(raw, number, country, valid):
    checked = vat_number_format(raw)

    assert (checked.number, checked.country, checked.is_valid) == (number, country, valid)
    assert bool(checked.problem) is not valid


def test_a_parcel_whose_net_value_with_shipping_passes_the_threshold_is_repriced_at_destination():
    # A German seller with EUR 9,000.00 of distance sales counted this year sells a EUR 1,190.00 parcel (1,000.00 net
    # at DE 19 %) with EUR 5.95 shipping (5.00 net) to France: 9,000 + 1,005 > 10,000, so French VAT, per unit.
    def facts(counted: int) -> ParcelFacts:
        return ParcelFacts(
            seller_country="DE",
            goods_country="DE",
            seller_charges_destination_vat=False,
            parts=(TaxPart(key=1, unit_price=119000, quantity=1, rates=RATES),),
            seller_distance_sales_eur_cents=counted,
        )

    crossing = tax_parcel(facts(9_000_00), destination="FR", buyer_is_business=False, shipping=595, value_in=euro)
    # 8,995.00 + 1,005.00 = 10,000.00: not over, the sale stays at German VAT.
    under = tax_parcel(facts(8_995_00), destination="FR", buyer_is_business=False, shipping=595, value_in=euro)
    unknown = tax_parcel(facts(9_000_00), destination="FR", buyer_is_business=False, shipping=595, value_in=no_rate)

    assert crossing is not None and under is not None and unknown is not None
    assert (crossing.liability.regime, crossing.liability.reason) == (
        "eu_distance_oss",
        "distance_sale_crosses_threshold",
    )
    assert (crossing.items_gross, crossing.shipping_gross, crossing.vat) == (120000, 600, 20000 + 100)
    assert (under.liability.regime, under.items_gross, under.shipping_gross) == ("eu_distance_origin", 119000, 595)
    # Without a EUR rate the sale's value is unknown: it is not added (the counter still sees it once paid).
    assert unknown.liability.regime == "eu_distance_origin"

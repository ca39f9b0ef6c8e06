"""Which VAT regime applies, decided from the facts of a sale (domain/liability.py; sources in docs/TAXES.md)."""

import pytest

from comptoir.taxes.domain.liability import Collector, Regime, Sale, decide_liability


def _decide(**facts):
    return decide_liability(Sale(**facts))


def test_a_sale_within_one_country_is_domestic_and_the_seller_charges_that_countrys_vat():
    liability = _decide(seller_country="FR", goods_country="FR", destination_country="FR")
    assert (liability.regime, liability.tax_country, liability.collector) == (Regime.DOMESTIC, "FR", Collector.SELLER)
    assert liability.charged_at_checkout


def test_an_eu_sellers_distance_sale_under_the_threshold_is_taxed_where_the_goods_leave():
    liability = _decide(
        seller_country="FR",
        goods_country="FR",
        destination_country="PL",
        seller_eu_distance_sales_this_year_eur_cents=9_999_00,
        seller_eu_distance_sales_last_year_eur_cents=10_000_00,  # "exceeds" is strictly over EUR 10,000
    )
    assert (liability.regime, liability.tax_country) == (Regime.EU_DISTANCE_ORIGIN, "FR")


@pytest.mark.parametrize(
    "facts",
    [
        {"seller_eu_distance_sales_this_year_eur_cents": 10_000_01},
        {"seller_eu_distance_sales_last_year_eur_cents": 25_000_00},
        {"seller_opted_for_destination_vat": True},
        {"seller_single_eu_establishment": False},
    ],
)
def test_over_the_threshold_last_or_this_year_opted_in_or_established_twice_the_destinations_vat_applies(facts):
    liability = _decide(seller_country="FR", goods_country="FR", destination_country="PL", **facts)
    assert (liability.regime, liability.tax_country, liability.collector) == (
        Regime.EU_DISTANCE_OSS,
        "PL",
        Collector.SELLER,
    )


def test_a_business_buyer_with_a_valid_vat_number_in_another_state_buys_exempt_under_reverse_charge():
    liability = _decide(
        seller_country="DE",
        goods_country="DE",
        destination_country="IT",
        buyer_is_business=True,
        buyer_vat_number_valid=True,
    )
    assert (liability.regime, liability.collector) == (Regime.EU_REVERSE_CHARGE, Collector.BUYER)
    assert not liability.charged_at_checkout


def test_a_business_buyer_without_a_valid_vat_number_is_treated_as_a_consumer():
    liability = _decide(
        seller_country="DE",
        goods_country="DE",
        destination_country="IT",
        buyer_is_business=True,
        buyer_vat_number_valid=False,
        seller_eu_distance_sales_this_year_eur_cents=50_000_00,
    )
    assert liability.regime is Regime.EU_DISTANCE_OSS


def test_a_non_eu_sellers_goods_already_in_the_eu_make_the_marketplace_the_supplier_at_any_value():
    liability = _decide(
        seller_country="CN", goods_country="DE", destination_country="FR", consignment_value_eur_cents=2_000_00
    )
    assert (liability.regime, liability.tax_country, liability.collector) == (
        Regime.EU_DEEMED_SUPPLIER_STOCK,
        "FR",
        Collector.MARKETPLACE,
    )


@pytest.mark.parametrize(
    ("value", "excise", "business", "expected"),
    [
        (150_00, False, False, Regime.EU_IMPORT_IOSS),  # at most EUR 150: IOSS, the marketplace collects
        (150_01, False, False, Regime.EU_IMPORT_AT_BORDER),
        (20_00, True, False, Regime.EU_IMPORT_AT_BORDER),  # excise goods never go through IOSS
        (20_00, False, True, Regime.EU_IMPORT_AT_BORDER),  # a business imports itself
    ],
)
def test_imports_into_the_eu_follow_the_150_euro_consignment_rule(value, excise, business, expected):
    liability = _decide(
        seller_country="US",
        goods_country="US",
        destination_country="ES",
        consignment_value_eur_cents=value,
        excise_goods=excise,
        buyer_is_business=business,
        buyer_vat_number_valid=business,
    )
    assert liability.regime is expected
    assert liability.tax_country == "ES"
    assert liability.import_charges_at_delivery is (expected is Regime.EU_IMPORT_AT_BORDER)


@pytest.mark.parametrize(
    ("seller", "goods", "value", "expected", "collector"),
    [
        ("FR", "FR", 135_00, Regime.UK_MARKETPLACE, Collector.MARKETPLACE),  # ≤ GBP 135: collected at the sale
        ("FR", "FR", 135_01, Regime.UK_IMPORT_AT_BORDER, Collector.CUSTOMS),
        ("FR", "GB", 900_00, Regime.UK_MARKETPLACE, Collector.MARKETPLACE),  # overseas seller, UK stock: any value
        ("GB", "GB", 900_00, Regime.DOMESTIC, Collector.SELLER),
    ],
)
def test_sales_to_the_united_kingdom(seller, goods, value, expected, collector):
    liability = _decide(
        seller_country=seller, goods_country=goods, destination_country="GB", consignment_value_gbp_pence=value
    )
    assert (liability.regime, liability.tax_country, liability.collector) == (expected, "GB", collector)


def test_switzerland_makes_the_platform_the_supplier_and_liechtenstein_is_in_its_vat_area():
    for destination in ("CH", "LI"):
        liability = _decide(seller_country="DE", goods_country="DE", destination_country=destination)
        assert (liability.regime, liability.tax_country) == (Regime.CH_PLATFORM, "CH")


def test_goods_leaving_the_eu_for_elsewhere_are_an_exempt_export_and_unknown_destinations_are_not_guessed():
    assert _decide(seller_country="IT", goods_country="IT", destination_country="US").regime is Regime.EXPORT
    assert _decide(seller_country="US", goods_country="US", destination_country="US").regime is Regime.NOT_MODELLED


def test_country_codes_are_read_in_any_case():
    assert _decide(seller_country="fr", goods_country="fr", destination_country="be").tax_country == "FR"


def test_the_sale_that_makes_the_year_exceed_eur_10000_is_itself_taxed_at_destination():
    # Art. 59c Dir. 2006/112/EC: the threshold exceeded "in the course of" the year; the supply that exceeds it is
    # taxed where the goods arrive. EUR 9,000.00 counted, a EUR 1,000.01 sale: 10,000.01 > 10,000.00.
    crossing = _decide(
        seller_country="DE",
        goods_country="DE",
        destination_country="FR",
        seller_eu_distance_sales_this_year_eur_cents=9_000_00,
        sale_value_eur_cents=1_000_01,
    )
    exactly = _decide(
        seller_country="DE",
        goods_country="DE",
        destination_country="FR",
        seller_eu_distance_sales_this_year_eur_cents=9_000_00,
        sale_value_eur_cents=1_000_00,
    )
    after = _decide(
        seller_country="DE",
        goods_country="DE",
        destination_country="FR",
        seller_eu_distance_sales_this_year_eur_cents=10_000_01,
        sale_value_eur_cents=1_00,
    )

    assert (crossing.regime, crossing.tax_country, crossing.reason) == (
        Regime.EU_DISTANCE_OSS,
        "FR",
        "distance_sale_crosses_threshold",
    )
    assert (exactly.regime, exactly.tax_country) == (Regime.EU_DISTANCE_ORIGIN, "DE")  # reaching is not exceeding
    assert (after.regime, after.reason) == (Regime.EU_DISTANCE_OSS, "distance_sale_over_threshold")


def test_the_reasons_counted_when_placed_are_reasons_the_liability_gives():
    # orders.services.placement writes a distance-sale row at placing only for these reasons: a renamed reason would
    # silently stop the count the crossing sale depends on.
    import inspect

    from comptoir.taxes.domain import liability
    from comptoir.taxes.domain.distance_sales import COUNT_DECIDED_REASONS

    source = inspect.getsource(liability._within_the_eu)
    for reason in COUNT_DECIDED_REASONS:
        assert f'"{reason}"' in source

"""The pricing seam. Pure: no database."""

from decimal import Decimal

import pytest

from comptoir.core.money import Money
from comptoir.offers.domain.pricing import (
    BuyerContext,
    BuyerKind,
    DeliveredPricing,
    IdentityRates,
    OfferTerms,
    StaticRates,
    cheapest,
    compare_key,
    compared_amounts,
    quote_offers,
)

BUYER_EUR = BuyerContext(country="FR", currency="EUR")
YEN_TO_EURO = StaticRates({("JPY", "EUR"): Decimal("0.0062")})


def eur(amount):
    return Money(amount, "EUR")


def jpy(amount):
    return Money(amount, "JPY")


def test_buyer_context_defaults_to_a_consumer_on_the_web_and_validates_its_codes():
    assert BUYER_EUR.kind == BuyerKind.CONSUMER and BUYER_EUR.channel == "web"
    assert BuyerContext(country="DE", currency="EUR", kind="business", channel="api").kind == BuyerKind.BUSINESS
    with pytest.raises(ValueError):
        BuyerContext(country="fra", currency="EUR")
    with pytest.raises(ValueError):
        BuyerContext(country="FR", currency="EUR", kind="wholesale")
    with pytest.raises(Exception, match="Unknown currency"):
        BuyerContext(country="FR", currency="XYZ")


def test_delivered_price_is_item_plus_shipping_in_the_buyers_currency():
    quote = DeliveredPricing().quote(price=eur(1990), shipping=eur(490), buyer=BUYER_EUR)
    assert quote.item == eur(1990) and quote.shipping == eur(490)
    assert quote.delivered == eur(2480) and quote.total == eur(2480)
    assert quote.currency == "EUR" and quote.is_deliverable and quote.is_comparable


def test_an_offer_that_does_not_ship_to_the_buyer_has_no_delivered_price():
    quote = DeliveredPricing().quote(price=eur(1990), shipping=None, buyer=BUYER_EUR)
    assert quote.delivered is None and quote.total is None
    assert not quote.is_deliverable and not quote.is_comparable


def test_shipping_in_another_currency_than_the_item_is_refused():
    with pytest.raises(ValueError):
        DeliveredPricing().quote(price=eur(1990), shipping=jpy(500), buyer=BUYER_EUR)


def test_a_taxed_quote_refuses_shipping_in_another_currency_and_quotes_untaxed_without_facts():
    from comptoir.offers.domain.pricing import TaxedPricing
    from comptoir.taxes.domain.charge import ParcelFacts, TaxPart

    facts = ParcelFacts("FR", "FR", False, (TaxPart(key=1, unit_price=1990, quantity=1, rates={"FR": 2000}),))
    taxed = TaxedPricing().quote(price=eur(1990), shipping=eur(500), buyer=BUYER_EUR, tax=facts)
    assert taxed.tax is not None and taxed.delivered == eur(2490)  # a domestic French sale: the VAT is inside
    with pytest.raises(ValueError):
        TaxedPricing().quote(price=eur(1990), shipping=jpy(500), buyer=BUYER_EUR, tax=facts)
    untaxed = TaxedPricing().quote(price=eur(1990), shipping=eur(500), buyer=BUYER_EUR)
    assert untaxed == DeliveredPricing().quote(price=eur(1990), shipping=eur(500), buyer=BUYER_EUR)


def test_without_a_rate_an_offer_in_another_currency_is_deliverable_but_not_comparable():
    quote = DeliveredPricing().quote(price=jpy(1000), shipping=jpy(0), buyer=BUYER_EUR)
    assert quote.delivered == jpy(1000) and quote.is_deliverable
    assert quote.total is None and not quote.is_comparable


def test_identity_rates_convert_only_into_the_same_currency():
    assert IdentityRates().convert(eur(100), "EUR") == eur(100)
    assert IdentityRates().convert(eur(100), "JPY") is None


def test_static_rates_convert_between_exponents_and_round_half_even_once():
    assert YEN_TO_EURO.convert(jpy(1000), "EUR") == eur(620)  # 1,000 × 0.0062 = 6.20 EUR
    assert YEN_TO_EURO.convert(jpy(25), "EUR") == eur(16)  # 0.155 EUR -> 0.16 (half-even on 15.5 cents)
    assert YEN_TO_EURO.convert(jpy(75), "EUR") == eur(46)  # 0.465 EUR -> 0.46 (half-even on 46.5 cents)
    # The reverse pair: 6.20 EUR / 0.0062 = 1,000 JPY.
    assert YEN_TO_EURO.convert(eur(620), "JPY") == jpy(1000)
    assert YEN_TO_EURO.convert(Money(100, "USD"), "EUR") is None
    kuwait = StaticRates({("EUR", "KWD"): Decimal("0.3312")})
    assert kuwait.convert(eur(1000), "KWD") == Money(3312, "KWD")  # 10 EUR = 3.312 KWD (three decimals)


def test_static_rates_refuse_floats_and_non_positive_rates():
    with pytest.raises(ValueError):
        StaticRates({("JPY", "EUR"): 0.0062})  # the point of the test: a float
    with pytest.raises(ValueError):
        StaticRates({("JPY", "EUR"): Decimal(0)})


def test_compare_key_puts_comparable_quotes_first_cheapest_first():
    pricing = DeliveredPricing(rates=YEN_TO_EURO)
    quotes = [
        pricing.quote(price=eur(2000), shipping=eur(0), buyer=BUYER_EUR),
        pricing.quote(price=Money(100, "USD"), shipping=Money(0, "USD"), buyer=BUYER_EUR),
        pricing.quote(price=jpy(1000), shipping=jpy(0), buyer=BUYER_EUR),
        pricing.quote(price=eur(1), shipping=None, buyer=BUYER_EUR),
    ]
    ordered = sorted(quotes, key=compare_key)
    assert [quote.item for quote in ordered[:2]] == [jpy(1000), eur(2000)]
    assert compare_key(ordered[2]) == compare_key(ordered[3]) == (1, 0)


def test_1000_yen_is_not_cheaper_than_20_euros_without_a_rate():
    offers = [OfferTerms(1, jpy(1000), jpy(0)), OfferTerms(2, eur(2000), eur(0))]
    quotes = quote_offers(offers, buyer=BUYER_EUR, pricing=DeliveredPricing())
    assert cheapest(quotes) == 2
    assert compared_amounts(quotes) == ("EUR", {2: 2000})


def test_with_a_rate_table_1000_yen_is_cheaper_than_20_euros():
    offers = [OfferTerms(1, jpy(1000), jpy(0)), OfferTerms(2, eur(2000), eur(0))]
    quotes = quote_offers(offers, buyer=BUYER_EUR, pricing=DeliveredPricing(rates=YEN_TO_EURO))
    assert cheapest(quotes) == 1
    assert compared_amounts(quotes) == ("EUR", {1: 620, 2: 2000})


def test_when_nothing_converts_offers_are_compared_within_the_most_common_currency():
    offers = [
        OfferTerms(1, jpy(900), jpy(0)),
        OfferTerms(2, Money(500, "USD"), Money(0, "USD")),
        OfferTerms(3, Money(400, "USD"), Money(100, "USD")),
        OfferTerms(4, Money(1, "USD"), None),
    ]
    quotes = quote_offers(offers, buyer=BUYER_EUR, pricing=DeliveredPricing())
    assert cheapest(quotes) is None
    assert compared_amounts(quotes) == ("USD", {2: 500, 3: 500})
    assert compared_amounts({}) == (None, {})
    assert cheapest({}) is None


def test_ties_go_to_the_smaller_offer_id():
    offers = [OfferTerms(7, eur(1000), eur(0)), OfferTerms(3, eur(900), eur(100))]
    assert cheapest(quote_offers(offers, buyer=BUYER_EUR, pricing=DeliveredPricing())) == 3

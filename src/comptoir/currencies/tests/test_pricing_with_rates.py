"""The pricing seam over the imported ECB rates: the featured offer and "cheapest" compare in one currency."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import override_settings

from comptoir.core.money import Money
from comptoir.currencies.domain.rates import RateOrigin
from comptoir.currencies.selectors import rates_cache_clear
from comptoir.currencies.services import rates_import
from comptoir.offers.conf import buyer_context, exchange_rates, pricing_strategy
from comptoir.search.selectors import featured_offer_for_product, search_cards
from comptoir.testing.builders import make_offer, make_product, make_seller, make_shipping_profile

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 3, 2)
RATES = b"""Date,USD,GBP,CHF,
2026-03-02,1.1172,0.8338,0.9194,
"""


@pytest.fixture(autouse=True)
def ecb_rates():
    rates_cache_clear()
    rates_import(content=RATES, file_name="eurofxref-hist.csv")
    yield
    rates_cache_clear()


@pytest.fixture
def three_currencies():
    """One product: 15.00 GBP (= 17.99 EUR), 20.00 EUR and 150.00 SEK (no rate imported), each delivered free."""
    product = make_product("Enamel teapot")
    offers = {}
    for name, currency, amount in (("London", "GBP", 1500), ("Paris", "EUR", 2000), ("Malmö", "SEK", 15000)):
        seller = make_seller(f"{name} Shop")
        offers[currency] = make_offer(
            seller=seller,
            product=product,
            price_amount=amount,
            currency=currency,
            shipping_profile=make_shipping_profile(seller, currency=currency, first_item_amount=0, express=False),
        )
    return product, offers


def test_the_strategy_converts_with_the_ecb_rate_of_the_day():
    quote = pricing_strategy().quote(
        price=Money(1500, "GBP"), shipping=Money(0, "GBP"), buyer=buyer_context(country="FR", currency="CHF")
    )
    # 15.00 GBP × 0.9194 / 0.8338 = 16.5400… CHF
    assert quote.total == Money(1654, "CHF")
    assert exchange_rates().origin("GBP", "CHF") == RateOrigin("ECB", dt.date(2026, 3, 2))


def test_the_operators_fixed_rate_still_overrides_the_published_one():
    with override_settings(COMPTOIR={**settings.COMPTOIR, "EXCHANGE_RATES": {"GBP/EUR": "2"}}):
        rates = exchange_rates()
        assert rates.convert(Money(1500, "GBP"), "EUR") == Money(3000, "EUR")
        assert rates.origin("GBP", "EUR") == RateOrigin("operator", None)
        assert rates.convert(Money(1000, "EUR"), "USD") == Money(1117, "USD")  # not overridden: ECB


def test_the_featured_offer_compares_in_the_buyers_currency_and_leaves_the_unconvertible_one_out(three_currencies):
    product, offers = three_currencies

    in_euros = featured_offer_for_product(product_id=product.pk, country="FR", placed_on=MONDAY)
    in_pounds = featured_offer_for_product(
        product_id=product.pk, country="FR", placed_on=MONDAY, buyer=buyer_context(country="FR", currency="GBP")
    )

    for outcome in (in_euros, in_pounds):
        assert outcome.decision.winner.offer_id == offers["GBP"].pk  # 17.99 EUR < 20.00 EUR
        assert outcome.decision.ineligible == {offers["SEK"].pk: ("other_currency",)}
        assert not outcome.prices[offers["SEK"].pk].is_comparable  # no SEK rate: not compared, still listed
        assert offers["SEK"].pk in outcome.offers
    assert in_euros.prices[offers["GBP"].pk].total == Money(1799, "EUR")
    assert in_pounds.prices[offers["EUR"].pk].total == Money(1668, "GBP")


def test_a_card_shows_the_cheapest_in_the_display_currency_with_the_offers_own_price(three_currencies):
    product, _offers = three_currencies

    card = search_cards(
        [product.pk], country="FR", placed_on=MONDAY, buyer=buyer_context(country="FR", currency="CHF")
    )[product.pk]

    assert card.lowest_landed == Money(1654, "CHF")
    assert card.offer_landed == Money(1500, "GBP")
    assert card.offer_count == 3

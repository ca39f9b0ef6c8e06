"""Search compares offers through the pricing seam: never 1,000 JPY against 20.00 EUR as raw minor units."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import override_settings

from comptoir.search.models import SearchDocument
from comptoir.search.selectors import SearchQuery, featured_offer_for_product, search_cards, search_products
from comptoir.search.services import search_index_products
from comptoir.testing.builders import make_offer, make_product, make_seller, make_shipping_profile

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 3, 2)


def with_rates(rates):
    return override_settings(COMPTOIR={**settings.COMPTOIR, "EXCHANGE_RATES": rates})


@pytest.fixture
def yen_and_euro():
    """One product: 1,000 JPY delivered free by one seller, 20.00 EUR delivered free by another."""
    product = make_product("Tetsubin teapot")
    yen_seller, euro_seller = make_seller("Tokyo Shop"), make_seller("Paris Shop")
    yen = make_offer(
        seller=yen_seller,
        product=product,
        price_amount=1000,
        currency="JPY",
        shipping_profile=make_shipping_profile(yen_seller, currency="JPY", first_item_amount=0, express=False),
    )
    euro = make_offer(
        seller=euro_seller,
        product=product,
        price_amount=2000,
        currency="EUR",
        shipping_profile=make_shipping_profile(euro_seller, first_item_amount=0, express=False),
    )
    return product, yen, euro


def test_without_a_rate_the_euro_offer_is_featured_and_the_yen_one_is_not_compared(yen_and_euro):
    product, yen, euro = yen_and_euro

    outcome = featured_offer_for_product(product_id=product.pk, country="FR", placed_on=MONDAY)

    assert outcome.decision.winner.offer_id == euro.pk
    assert outcome.decision.ineligible == {yen.pk: ("other_currency",)}
    assert not outcome.prices[yen.pk].is_comparable and outcome.prices[euro.pk].total.amount == 2000


def test_with_a_rate_table_the_cheaper_yen_offer_is_featured(yen_and_euro):
    product, yen, euro = yen_and_euro

    with with_rates({"JPY/EUR": "0.0062"}):  # 1,000 JPY = 6.20 EUR
        outcome = featured_offer_for_product(product_id=product.pk, country="FR", placed_on=MONDAY)
    with with_rates({"JPY/EUR": "0.05"}):  # 1,000 JPY = 50.00 EUR
        dearer = featured_offer_for_product(product_id=product.pk, country="FR", placed_on=MONDAY)

    assert outcome.decision.winner.offer_id == yen.pk
    assert [item.offer_id for item in outcome.decision.alternatives] == [euro.pk]
    assert outcome.prices[yen.pk].total.amount == 620
    assert dearer.decision.winner.offer_id == euro.pk


def test_the_cheapest_offer_of_a_card_is_chosen_through_the_seam(yen_and_euro):
    product, _yen, _euro = yen_and_euro

    card = search_cards([product.pk], country="FR", placed_on=MONDAY)[product.pk]
    with with_rates({"JPY/EUR": "0.0062"}):
        converted = search_cards([product.pk], country="FR", placed_on=MONDAY)[product.pk]

    assert (card.lowest_landed.amount, card.lowest_landed.currency) == (2000, "EUR")
    assert (converted.lowest_landed.amount, converted.lowest_landed.currency) == (620, "EUR")
    assert card.offer_count == converted.offer_count == 2


def test_the_index_stores_the_lowest_landed_price_compared_through_the_seam(yen_and_euro):
    product, _yen, euro = yen_and_euro
    search_index_products(product_ids=[product.pk])
    document = SearchDocument.objects.get(product_id=product.pk)
    assert (document.currency, document.min_price, document.delivery["*"][0]) == ("EUR", 2000, 2000)
    assert document.delivery["*"][2] == euro.seller_id

    with with_rates({"JPY/EUR": "0.0062"}):
        search_index_products(product_ids=[product.pk])
    document = SearchDocument.objects.get(product_id=product.pk)
    assert (document.currency, document.min_price, document.delivery["*"][0]) == ("EUR", 620, 620)
    hits = search_products(SearchQuery(text="tetsubin"), placed_on=MONDAY).hits
    assert [(hit.product_id, hit.landed.amount, hit.landed.currency) for hit in hits] == [(product.pk, 620, "EUR")]


def test_a_product_offered_only_in_a_currency_without_rate_is_indexed_in_it_and_left_out_of_price_filters():
    seller = make_seller("Tokyo Only")
    product = make_product("Furoshiki cloth")
    make_offer(
        seller=seller,
        product=product,
        price_amount=1500,
        currency="JPY",
        shipping_profile=make_shipping_profile(seller, currency="JPY", first_item_amount=500, express=False),
    )
    search_index_products(product_ids=[product.pk])
    document = SearchDocument.objects.get(product_id=product.pk)

    assert (document.currency, document.min_price, document.delivery["*"][0]) == ("JPY", 1500, 2000)
    assert [hit.product_id for hit in search_products(SearchQuery(text="furoshiki"), placed_on=MONDAY).hits] == [
        product.pk
    ]
    # 2,000 JPY is not "between 0 and 30.00 EUR": it is in no EUR price range at all.
    filtered = search_products(SearchQuery(text="furoshiki", price_min=0, price_max=3000), placed_on=MONDAY)
    assert filtered.hits == []


def test_sorting_and_the_ranking_price_signal_compare_landed_prices_in_one_currency():
    """19.00 GBP is more than 20.00 EUR at 1.20 EUR per pound, though 1900 < 2000 in raw minor units."""
    pound_seller, euro_seller = make_seller("London Kettles"), make_seller("Paris Kettles")
    from comptoir.testing.builders import make_category

    kettles = make_category("Kettles")  # one category: the price signal compares against its median landed price
    in_pounds = make_product("Copper kettle London", category=kettles)
    in_euros = make_product("Copper kettle Paris", category=kettles)
    make_offer(
        seller=pound_seller,
        product=in_pounds,
        price_amount=1900,
        currency="GBP",
        shipping_profile=make_shipping_profile(pound_seller, currency="GBP", first_item_amount=0, express=False),
    )
    make_offer(
        seller=euro_seller,
        product=in_euros,
        price_amount=2000,
        shipping_profile=make_shipping_profile(euro_seller, first_item_amount=0, express=False),
    )
    with with_rates({"GBP/EUR": "1.20"}):
        search_index_products(product_ids=[in_pounds.pk, in_euros.pk])
        hits = search_products(SearchQuery(text="copper kettle", sort="price_asc"), placed_on=MONDAY).hits
        ranked = search_products(SearchQuery(text="copper kettle"), placed_on=MONDAY).hits
    assert [(hit.product_id, hit.landed.amount, hit.landed.currency) for hit in hits] == [
        (in_euros.pk, 2000, "EUR"),
        (in_pounds.pk, 2280, "EUR"),
    ]
    # Same relevance, no trust or sales history: the cheaper landed price (in euros) ranks first.
    assert [hit.product_id for hit in ranked] == [in_euros.pk, in_pounds.pk]

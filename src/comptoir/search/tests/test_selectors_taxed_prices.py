"""Search compares what the buyer pays at the destination (issue 12): VAT-inclusive for consumers through the pricing
seam, in the cards, the featured offer, the index (price sorts, the ranking's price signal) — and the baseline
strategy without tax and FX (`COMPTOIR["PRICING_STRATEGY"] = "delivered"`) quotes prices as entered."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import override_settings

from comptoir.core import clock
from comptoir.search.models import SearchDocument
from comptoir.search.selectors import SearchQuery, featured_offer_for_product, search_cards, search_products
from comptoir.search.services import search_index_products
from comptoir.sellers.models import Seller
from comptoir.taxes.services import seller_tax_profile_set
from comptoir.testing.builders import (
    make_category,
    make_offer,
    make_operator,
    make_product,
    make_seller,
    make_shipping_profile,
    make_vat_rates,
)

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 3, 2)
NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
BASELINE = {**settings.COMPTOIR, "PRICING_STRATEGY": "delivered"}


@pytest.fixture(autouse=True)
def vat_rates():
    make_vat_rates({"FR": 2000, "DE": 1900}, imported_at=NOON)


def german_offer(product, price: int, *, oss: bool):
    seller = make_seller(f"Laden {price}", country="DE")
    Seller.objects.filter(pk=seller.pk).update(country="DE")
    seller.refresh_from_db()
    if oss:  # over the EUR 10,000 threshold: charges the destination's VAT
        seller_tax_profile_set(seller_id=seller.pk, charges_destination_vat=True, actor=make_operator())
    return make_offer(
        seller=seller,
        product=product,
        price_amount=price,
        ships_from_country="DE",
        shipping_profile=make_shipping_profile(seller, first_item_amount=490, express=False),
    )


@pytest.fixture
def two_germans():
    """100.00 incl. 19 % from an OSS seller (a French consumer pays 100.84 + 4.94), 100.50 from a seller under the
    threshold (German VAT: 100.50 + 4.90): as entered the first is cheaper, at the destination the second."""
    product = make_product("Kaffeemühle Hand")
    return product, german_offer(product, 10000, oss=True), german_offer(product, 10050, oss=False)


def test_cards_and_the_featured_offer_compare_the_destination_gross(two_germans):
    product, oss, under = two_germans
    with clock.frozen_at(NOON):
        card = search_cards([product.pk], country="FR", placed_on=MONDAY)[product.pk]
        featured = featured_offer_for_product(product_id=product.pk, country="FR", placed_on=MONDAY)
        with override_settings(COMPTOIR=BASELINE):
            baseline = search_cards([product.pk], country="FR", placed_on=MONDAY)[product.pk]

    assert card.lowest_landed.amount == 10050 + 490
    assert (featured.prices[oss.pk].total.amount, featured.prices[under.pk].total.amount) == (10084 + 494, 10540)
    assert featured.prices[oss.pk].tax.liability.tax_country == "FR"
    assert baseline.lowest_landed.amount == 10000 + 490


def test_the_index_holds_the_destination_price_per_country_and_sorts_by_it():
    category = make_category("Mills")
    cheap_as_entered = make_product("Pepper mill one", category=category)
    cheap_at_destination = make_product("Pepper mill two", category=category)
    oss = german_offer(cheap_as_entered, 10000, oss=True)
    under = german_offer(cheap_at_destination, 10050, oss=False)
    with clock.frozen_at(NOON):
        search_index_products(product_ids=[cheap_as_entered.pk, cheap_at_destination.pk])
        in_france = search_products(SearchQuery(text="pepper mill", country="FR", sort="price_asc"), placed_on=MONDAY)
        in_germany = search_products(SearchQuery(text="pepper mill", country="DE", sort="price_asc"), placed_on=MONDAY)
        abroad = search_products(SearchQuery(text="pepper mill", country="US", sort="price_asc"), placed_on=MONDAY)

    first = SearchDocument.objects.get(product_id=cheap_as_entered.pk)
    assert first.delivery["FR"] == [10084 + 494, 5, oss.seller_id]
    # Exported (outside the EU): net of the German VAT, the same for every such country, so only under "*".
    assert first.delivery["*"][0] == 8403 + 412 and "US" not in first.delivery
    second = SearchDocument.objects.get(product_id=cheap_at_destination.pk)
    assert second.delivery["FR"][0] == 10540 and second.delivery["DE"][0] == 10540
    assert [hit.product_id for hit in in_france.hits] == [cheap_at_destination.pk, cheap_as_entered.pk]
    assert [hit.landed.amount for hit in in_france.hits] == [10540, 10578]
    assert [hit.product_id for hit in in_germany.hits] == [cheap_as_entered.pk, cheap_at_destination.pk]
    assert [hit.product_id for hit in abroad.hits] == [cheap_as_entered.pk, cheap_at_destination.pk]
    assert under.seller_id == second.delivery["FR"][2]

    with clock.frozen_at(NOON), override_settings(COMPTOIR=BASELINE):
        search_index_products(product_ids=[cheap_as_entered.pk])
    assert SearchDocument.objects.get(product_id=cheap_as_entered.pk).delivery == {"*": [10490, 5, oss.seller_id]}

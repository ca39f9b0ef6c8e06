import datetime as dt

import pytest

from comptoir.offers.services import offer_update
from comptoir.search.models import ProductViewDaily, SearchDocument
from comptoir.search.selectors import SearchQuery, search_products
from comptoir.search.services import product_view_record, search_index_products, search_reindex
from comptoir.search.tests.support import committed
from comptoir.sellers.services import seller_suspend
from comptoir.testing.builders import make_operator

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 3, 2)


def found(text):
    return [hit.product_id for hit in search_products(SearchQuery(text=text), placed_on=MONDAY).hits]


def test_creating_offers_through_the_services_indexes_their_products(shop):
    document = SearchDocument.objects.get(product_id=shop.products["headphones"].pk)
    assert document.offer_count == 4
    assert document.min_price == 15900
    assert set(document.conditions.split()) == {"new", "refurbished", "used_good"}
    assert set(document.ships_from.split()) == {"FR", "DE", "ES", "IT"}
    assert document.delivery["FR"][0] == 15900 + 590  # cheapest landed to France: Casa Cucina


def test_an_offer_change_updates_the_index(shop):
    offer = shop.offers["novel_tecno"]
    with committed():
        offer_update(seller=shop.sellers["tecno"], actor=None, offer_id=offer.pk, changes={"is_active": False})
    assert not SearchDocument.objects.filter(product_id=shop.products["novel"].pk).exists()
    assert found("lighthouse") == []


def test_a_suspended_seller_disappears_from_search(shop):
    with committed():
        seller_suspend(seller_id=shop.sellers["tecno"].pk, actor=make_operator("op2@example.com"), reason="Test")
    assert found("lighthouse") == []
    assert SearchDocument.objects.get(product_id=shop.products["headphones"].pk).offer_count == 3


def test_reindex_rebuilds_the_same_index(shop):
    before = {
        row["product_id"]: row
        for row in SearchDocument.objects.values("product_id", "min_price", "delivery", "conditions", "quality")
    }
    results_before = found("kelvor")

    report = search_reindex()

    after = {
        row["product_id"]: row
        for row in SearchDocument.objects.values("product_id", "min_price", "delivery", "conditions", "quality")
    }
    assert report.documents == 6 and after == before
    assert found("kelvor") == results_before


def test_index_products_is_idempotent_and_removes_products_without_offers(shop):
    assert search_index_products(product_ids=[shop.products["pan"].pk, shop.products["pan"].pk]) == 1
    assert search_index_products(product_ids=[shop.products["pan"].pk]) == 1
    assert SearchDocument.objects.filter(product_id=shop.products["pan"].pk).count() == 1
    assert found("poele") == [shop.products["pan"].pk]


def test_product_views_are_counted_per_day_and_feed_conversion(shop):
    product = shop.products["pan"]
    for _ in range(3):
        product_view_record(product_id=product.pk, day=dt.date(2026, 3, 1))
    product_view_record(product_id=product.pk, day=dt.date(2026, 3, 2))
    assert sorted(ProductViewDaily.objects.filter(product=product).values_list("day", "views")) == [
        (dt.date(2026, 3, 1), 3),
        (dt.date(2026, 3, 2), 1),
    ]


def test_an_offer_change_reindexes_only_when_its_transaction_commits(shop):
    offer = shop.offers["novel_tecno"]
    with committed():
        offer_update(seller=shop.sellers["tecno"], actor=None, offer_id=offer.pk, changes={"is_active": False})
        # inside the writer's transaction the index has not been touched yet
        assert SearchDocument.objects.filter(product_id=shop.products["novel"].pk).exists()
    assert not SearchDocument.objects.filter(product_id=shop.products["novel"].pk).exists()

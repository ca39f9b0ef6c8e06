"""POST /seller/offers/bulk: price, stock and visibility of many offers by SKU, all or nothing, idempotent."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.api.tests.conftest import assert_problem
from comptoir.core.events import subscribe, unsubscribe
from comptoir.core.models import AuditLog
from comptoir.offers.bulk import MAX_BULK_ITEMS
from comptoir.offers.events import OffersChanged, OffersRanOutOfStock
from comptoir.offers.models import Offer
from comptoir.testing.builders import make_offer, make_shipping_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def offers(seller_a):
    profile = make_shipping_profile(seller_a.seller)
    return [
        make_offer(seller=seller_a.seller, shipping_profile=profile, sku=f"SKU-{index}", price_amount=1000, stock=5)
        for index in range(3)
    ]


@pytest.fixture
def published():
    seen: list = []
    subscribe(OffersChanged, seen.append)
    subscribe(OffersRanOutOfStock, seen.append)
    yield seen
    unsubscribe(OffersChanged, seen.append)
    unsubscribe(OffersRanOutOfStock, seen.append)


def bulk(api, credentials, items, key="bulk-1"):
    return api.post("seller/offers/bulk", {"items": items}, token=credentials.key, headers={"Idempotency-Key": key})


def test_updates_price_stock_and_visibility_by_sku(
    api, seller_a, offers, published, django_capture_on_commit_callbacks
):
    items = [
        {"sku": "SKU-0", "price_amount": 1250, "stock": 0},
        {"sku": "SKU-1", "price": "9.99", "is_active": False},
        {"sku": "SKU-2", "stock": 5},  # already so
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = bulk(api, seller_a, items)

    assert response.status_code == 200, response.content
    assert response.json() == {
        "items": 3,
        "updated": 2,
        "unchanged": 1,
        "price_changed": 2,
        "stock_changed": 1,
        "activation_changed": 1,
        "out_of_stock_offer_ids": [offers[0].pk],
    }
    rows = {offer.sku: (offer.price_amount, offer.stock, offer.is_active) for offer in Offer.objects.all()}
    assert rows == {"SKU-0": (1250, 0, True), "SKU-1": (999, 5, False), "SKU-2": (1000, 5, True)}
    assert AuditLog.objects.filter(action="offer.bulk_updated", seller_id=seller_a.seller.pk).count() == 1
    changed = [event for event in published if isinstance(event, OffersChanged)]
    depleted = [event for event in published if isinstance(event, OffersRanOutOfStock)]
    assert [sorted(event.offer_ids) for event in changed] == [sorted([offers[0].pk, offers[1].pk])]
    assert [event.offer_ids for event in depleted] == [(offers[0].pk,)]


def test_a_retry_with_the_same_key_returns_the_first_answer_without_applying_twice(api, seller_a, offers):
    first = bulk(api, seller_a, [{"sku": "SKU-0", "stock": 7}])
    Offer.objects.filter(sku="SKU-0").update(stock=1)  # a sale in between: the retry must not set 7 again

    again = bulk(api, seller_a, [{"sku": "SKU-0", "stock": 7}])

    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Offer.objects.get(sku="SKU-0").stock == 1


def test_the_idempotency_key_is_required(api, seller_a, offers):
    response = api.post("seller/offers/bulk", {"items": [{"sku": "SKU-0", "stock": 1}]}, token=seller_a.key)

    assert assert_problem(response, 422)["errors"] == {"Idempotency-Key": "Required."}


def test_one_bad_item_refuses_the_batch_and_names_each_item_and_field(api, seller_a, offers):
    items = [
        {"sku": "SKU-0", "stock": 3},
        {"sku": "NOPE", "stock": 3},
        {"sku": "SKU-1", "price": "1.234"},
        {"sku": "SKU-0", "stock": 4},
        {"sku": "SKU-2"},
    ]

    body = assert_problem(bulk(api, seller_a, items), 422, "invalid_offer")

    assert body["errors"] == {
        "items[3].sku": "Duplicate of items[0].",
        "items[4]": "Nothing to change: send price_amount or price, currency, stock or is_active.",
    }
    items = [items[0], items[1], items[2]]
    body = assert_problem(bulk(api, seller_a, items, key="bulk-2"), 422, "invalid_offer")
    assert set(body["errors"]) == {"items[1].sku", "items[2].price"}
    assert list(Offer.objects.values_list("stock", flat=True)) == [5, 5, 5]


def test_schema_errors_name_the_item(api, seller_a, offers):
    body = assert_problem(bulk(api, seller_a, [{"sku": "SKU-0", "stock": -1}]), 422)

    assert any("items" in field and "0" in field and "stock" in field for field in body["errors"]), body["errors"]


def test_another_sellers_sku_is_unknown_and_untouched(api, seller_a, seller_b, offers):
    theirs = make_offer(seller=seller_b.seller, sku="THEIRS", stock=9)

    body = assert_problem(bulk(api, seller_a, [{"sku": "THEIRS", "stock": 0}]), 422)

    assert body["errors"] == {"items[0].sku": "Unknown SKU."}
    assert Offer.objects.get(pk=theirs.pk).stock == 9


def test_a_currency_needs_a_shipping_rate_in_it(api, seller_a, offers):
    body = assert_problem(bulk(api, seller_a, [{"sku": "SKU-0", "currency": "JPY", "price_amount": 1500}]), 422)

    assert body["errors"] == {"items[0].currency": "The offer's shipping profile has no rate in JPY."}


def test_more_than_the_maximum_is_refused(api, seller_a, offers):
    items = [{"sku": f"S{index}", "stock": 1} for index in range(MAX_BULK_ITEMS + 1)]

    assert_problem(bulk(api, seller_a, items), 422)
    assert MAX_BULK_ITEMS == 10_000


def test_the_number_of_queries_does_not_grow_with_the_items(api, seller_a):
    profile = make_shipping_profile(seller_a.seller)
    for index in range(40):
        make_offer(seller=seller_a.seller, shipping_profile=profile, sku=f"Q-{index}", stock=5)

    def queries(count: int, key: str) -> int:
        items = [{"sku": f"Q-{index}", "price_amount": 2000 + count, "stock": 6} for index in range(count)]
        with CaptureQueriesContext(connection) as captured:
            assert bulk(api, seller_a, items, key=key).status_code == 200
        return len(captured)

    queries(2, "warm-up")  # the key's first use of the day is recorded once
    assert queries(4, "small") == queries(40, "large") <= 12


def test_reads_need_the_write_scope(api, seller_a, offers):
    token = seller_a.key_with("offers:read")

    response = api.post(
        "seller/offers/bulk", {"items": [{"sku": "SKU-0", "stock": 1}]}, token=token, headers={"Idempotency-Key": "k"}
    )

    assert_problem(response, 403)

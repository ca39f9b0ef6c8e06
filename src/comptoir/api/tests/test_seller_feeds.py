"""/seller/feeds/…: a seller's feeds for other channels, its own offers only; scopes and seller isolation."""

import csv
import io

import pytest

from comptoir.api.tests.conftest import assert_problem
from comptoir.feeds.models import Feed
from comptoir.testing.builders import make_offer

pytestmark = pytest.mark.django_db
CHANNEL = {
    "name": "Lengow",
    "kind": "channel",
    "format": "csv",
    "country": "FR",
    "language": "fr",
    "currency": "EUR",
    "columns": [{"column": "SKU", "field": "sku"}, {"column": "Prix", "field": "price_amount"}],
}


@pytest.fixture(autouse=True)
def _feed_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMPTOIR_SITE_URL = "https://shop.example"


def test_a_seller_adds_a_channel_feed_that_holds_only_its_offers(
    api, seller_a, seller_b, client, django_capture_on_commit_callbacks
):
    mine = make_offer(seller=seller_a.seller, sku="MINE", price_amount=1500)
    make_offer(seller=seller_b.seller, product=mine.product, sku="THEIRS")

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("seller/feeds", CHANNEL, token=seller_a.key, headers={"Idempotency-Key": "feed-1"})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["url"].startswith("https://shop.example/feeds/cfd_") and body["kind"] == "channel"
    replay = api.post("seller/feeds", CHANNEL, token=seller_a.key, headers={"Idempotency-Key": "feed-1"})
    assert replay["Idempotent-Replayed"] == "true" and replay.json()["url"] == ""
    assert Feed.objects.count() == 1
    # The immediate task backend generated it after the request's commit.
    detail = api.get(f"seller/feeds/{body['id']}", token=seller_a.key).json()
    assert detail["url"] == body["url"] and detail["item_count"] == 1 and detail["generated_at"]
    downloaded = client.get(body["url"].removeprefix("https://shop.example"))
    rows = list(csv.reader(io.StringIO(b"".join(downloaded.streaming_content).decode())))
    assert rows == [["SKU", "Prix"], ["MINE", "15.00"]]


def test_another_sellers_feed_is_404(api, seller_a, seller_b):
    feed_id = api.post("seller/feeds", CHANNEL, token=seller_a.key).json()["id"]

    assert_problem(api.get(f"seller/feeds/{feed_id}", token=seller_b.key), 404, "feed_not_found")
    assert_problem(api.patch(f"seller/feeds/{feed_id}", {"name": "x"}, token=seller_b.key), 404, "feed_not_found")
    assert_problem(api.delete(f"seller/feeds/{feed_id}", token=seller_b.key), 404, "feed_not_found")
    assert api.get("seller/feeds", token=seller_b.key).json() == []


def test_bad_definitions_get_422_by_field(api, seller_a):
    body = assert_problem(
        api.post("seller/feeds", {**CHANNEL, "columns": [{"column": "SKU", "field": "cost"}]}, token=seller_a.key),
        422,
        "invalid_feed",
    )
    assert "columns[0]" in body["errors"]
    assert_problem(api.post("seller/feeds", {**CHANNEL, "country": "ZZ"}, token=seller_a.key), 422, "invalid_feed")
    assert_problem(api.post("seller/feeds", {**CHANNEL, "format": "tsv"}, token=seller_a.key), 422, "invalid_feed")
    assert not Feed.objects.exists()


def test_changing_rotating_and_removing_a_feed(api, seller_a, client, django_capture_on_commit_callbacks):
    google = {**CHANNEL, "kind": "google", "format": "tsv", "columns": []}
    feed = api.post("seller/feeds", google, token=seller_a.key).json()

    with django_capture_on_commit_callbacks(execute=True):
        changed = api.patch(f"seller/feeds/{feed['id']}", {"name": "Google", "currency": "CHF"}, token=seller_a.key)
    rotated = api.post(f"seller/feeds/{feed['id']}/token", token=seller_a.key)

    assert changed.status_code == 200 and changed.json()["currency"] == "CHF"
    assert rotated.status_code == 200 and rotated.json()["url"] != feed["url"]
    assert client.get(feed["url"].removeprefix("https://shop.example")).status_code == 404
    assert client.get(rotated.json()["url"].removeprefix("https://shop.example")).status_code == 200
    assert api.post(f"seller/feeds/{feed['id']}/generate", token=seller_a.key).json() == {"queued": True}
    assert_problem(api.patch(f"seller/feeds/{feed['id']}", {"name": None}, token=seller_a.key), 422)
    assert api.delete(f"seller/feeds/{feed['id']}", token=seller_a.key).status_code == 204
    assert not Feed.objects.exists()


def test_reading_needs_offers_read_and_changing_offers_write(api, seller_a):
    read_only = seller_a.key_with("offers:read")
    orders_only = seller_a.key_with("orders:read")

    assert api.get("seller/feeds", token=read_only).status_code == 200
    assert_problem(api.post("seller/feeds", CHANNEL, token=read_only), 403)
    assert_problem(api.get("seller/feeds", token=orders_only), 403)

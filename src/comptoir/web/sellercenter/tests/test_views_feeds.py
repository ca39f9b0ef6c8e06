"""Seller center feeds: add one (generated at once by the immediate task backend), its address, what it leaves out,
a new address, removal; a seller sees and touches its own feeds only."""

import pytest

from comptoir.feeds.models import Feed
from comptoir.feeds.selectors import feed_token
from comptoir.feeds.services import feed_create
from comptoir.testing.builders import make_seller

pytestmark = pytest.mark.django_db
CHANNEL = {
    "name": "Lengow",
    "kind": "channel",
    "format": "csv",
    "country": "fr",
    "language": "fr",
    "currency": "eur",
    "columns": 'SKU = sku\nPrice = price_amount\nChannel = "comptoir"',
}


@pytest.fixture(autouse=True)
def _feed_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMPTOIR_SITE_URL = "https://shop.example"


def test_a_channel_feed_is_added_and_shows_its_address(owner_client, seller_setup, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post("/seller/feeds/", CHANNEL)

    feed = Feed.objects.get()
    assert response["Location"] == f"/seller/feeds/{feed.pk}/"
    assert feed.seller == seller_setup["seller"] and (feed.country, feed.currency) == ("FR", "EUR")
    assert feed.columns == [
        {"column": "SKU", "field": "sku"},
        {"column": "Price", "field": "price_amount"},
        {"column": "Channel", "field": "constant", "value": "comptoir"},
    ]
    page = owner_client.get(response["Location"]).content.decode()
    assert f"https://shop.example/feeds/{feed_token(feed)}" in page
    assert "Channel = &quot;comptoir&quot;" in page
    downloaded = owner_client.get(f"/feeds/{feed_token(feed)}")
    assert b"".join(downloaded.streaming_content).decode().splitlines()[1] == "MUG-001,14.90,comptoir"


def test_a_bad_column_is_explained_and_nothing_is_added(owner_client, seller_setup):
    response = owner_client.post("/seller/feeds/", {**CHANNEL, "columns": "SKU = cost"})

    assert response.status_code == 422 and "Unknown field" in response.content.decode()
    assert not Feed.objects.exists()


def test_a_google_feed_lists_the_offers_it_leaves_out(owner_client, seller_setup):
    google = {**CHANNEL, "kind": "google", "format": "xml", "columns": ""}
    owner_client.post("/seller/feeds/", google)
    feed = Feed.objects.get()
    from comptoir.feeds.services import feed_generate

    feed_generate(feed_id=feed.pk)

    page = owner_client.get(f"/seller/feeds/{feed.pk}/").content.decode()
    assert "MUG-001" in page and "No picture" in page


def test_replacing_the_address_and_removing_the_feed(owner_client, seller_setup):
    feed, token = feed_create(
        seller=seller_setup["seller"],
        actor=None,
        name="Google",
        kind="google",
        format="tsv",
        country="FR",
        language="fr",
        currency="EUR",
    )

    owner_client.post(f"/seller/feeds/{feed.pk}/token")

    feed.refresh_from_db()
    assert feed_token(feed) != token
    assert owner_client.post(f"/seller/feeds/{feed.pk}/delete")["Location"] == "/seller/feeds/"
    assert not Feed.objects.exists()


def test_another_sellers_feed_is_404(owner_client, seller_setup):
    other = make_seller()
    feed, _ = feed_create(
        seller=other,
        actor=None,
        name="Theirs",
        kind="google",
        format="xml",
        country="FR",
        language="fr",
        currency="EUR",
    )

    assert owner_client.get(f"/seller/feeds/{feed.pk}/").status_code == 404
    assert owner_client.post(f"/seller/feeds/{feed.pk}/delete").status_code == 404
    assert owner_client.post(f"/seller/feeds/{feed.pk}/token").status_code == 404
    assert "Theirs" not in owner_client.get("/seller/feeds/").content.decode()
    assert Feed.objects.filter(pk=feed.pk).exists()

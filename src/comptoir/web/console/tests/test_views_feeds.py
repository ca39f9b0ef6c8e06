"""The console's feeds: the marketplace's own (every seller's offers), operators only."""

import pytest

from comptoir.feeds.models import Feed
from comptoir.feeds.services import feed_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _feed_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_an_operator_adds_a_marketplace_feed(console):
    response = console.post(
        "/console/feeds/",
        {"name": "Google FR", "kind": "google", "format": "xml", "country": "FR", "language": "fr", "currency": "EUR"},
    )

    feed = Feed.objects.get()
    assert feed.seller is None and response["Location"] == f"/console/feeds/{feed.pk}/"
    page = console.get(response["Location"]).content.decode()
    assert "/feeds/cfd_" in page
    assert "Google FR" in console.get("/console/feeds/").content.decode()
    console.post(
        f"/console/feeds/{feed.pk}/",
        {"name": "Google France", "country": "FR", "language": "fr", "currency": "EUR", "is_active": ""},
    )
    feed.refresh_from_db()
    assert feed.name == "Google France" and not feed.is_active


def test_a_sellers_feed_is_not_the_consoles(console, operator):
    from comptoir.testing.builders import make_seller

    feed, _ = feed_create(
        seller=make_seller(),
        actor=None,
        name="Theirs",
        kind="google",
        format="xml",
        country="FR",
        language="fr",
        currency="EUR",
    )

    assert console.get(f"/console/feeds/{feed.pk}/").status_code == 404


def test_the_console_feeds_are_for_operators_only(client):
    from comptoir.testing.builders import make_user

    client.force_login(make_user())

    assert client.get("/console/feeds/").status_code == 403

"""Two creations at once cannot pass a seller's feed limit together (PostgreSQL, real connections); generation costs
the same few queries whatever the number of offers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.catalog.models import ProductImage
from comptoir.core.exceptions import Conflict
from comptoir.feeds.models import Feed
from comptoir.feeds.services import feed_create, feed_generate
from comptoir.testing.builders import make_offer, make_operator, make_product, make_seller, make_shipping_profile
from comptoir.testing.concurrency import run_together


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_creations_at_once_respect_the_sellers_feed_limit(settings):
    settings.COMPTOIR = {**settings.COMPTOIR, "FEEDS": {"MAX_FEEDS_PER_SELLER": 1}}
    seller = make_seller()

    def create():
        return feed_create(
            seller=seller,
            actor=None,
            name="F",
            kind="google",
            format="xml",
            country="FR",
            language="fr",
            currency="EUR",
        )

    results, errors = run_together(create, create)

    assert len(results) == 1 and [type(error) for error in errors] == [Conflict]
    assert Feed.objects.filter(seller=seller).count() == 1


def _offers(seller, profile, count: int) -> None:
    for _ in range(count):
        product = make_product(description="Steel.", brand="Kyusu")
        ProductImage.objects.create(product=product, url="https://cdn.example/a.jpg")
        make_offer(seller=seller, product=product, shipping_profile=profile)


@pytest.mark.django_db
def test_generation_queries_do_not_grow_with_the_offers():
    seller = make_seller()
    profile = make_shipping_profile(seller)
    _offers(seller, profile, 2)
    feed, _ = feed_create(
        seller=None,
        actor=make_operator(),
        name="F",
        kind="google",
        format="xml",
        country="FR",
        language="fr",
        currency="EUR",
    )
    with CaptureQueriesContext(connection) as few:
        assert feed_generate(feed_id=feed.pk).item_count == 2
    _offers(seller, profile, 6)

    with CaptureQueriesContext(connection) as many:
        assert feed_generate(feed_id=feed.pk).item_count == 8

    assert len(many.captured_queries) == len(few.captured_queries) <= 14

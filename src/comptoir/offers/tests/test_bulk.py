"""offer_bulk_update racing checkout's stock taking: rows locked in primary-key order on both sides, so neither
deadlocks nor goes below zero (threads, each in its own connection; on PostgreSQL in CI's second pass)."""

import pytest
from django.db import transaction

from comptoir.offers.bulk import OfferBulkItem, offer_bulk_update
from comptoir.offers.locks import offer_stock_take
from comptoir.offers.models import Offer
from comptoir.orders.tests.concurrency import run_concurrently
from comptoir.testing.builders import make_offer, make_seller, make_shipping_profile

pytestmark = pytest.mark.django_db(transaction=True)


def test_bulk_updates_and_checkouts_racing_on_the_same_offers_neither_deadlock_nor_oversell():
    seller = make_seller()
    profile = make_shipping_profile(seller)
    offers = [make_offer(seller=seller, shipping_profile=profile, sku=f"R-{index}", stock=100) for index in range(9)]
    ids = [offer.pk for offer in offers]

    def work(index: int):
        if index % 3 == 0:  # a bulk update, its items in reverse order: the lock order must not follow them
            items = [OfferBulkItem(sku=f"R-{number}", stock=5 + index) for number in reversed(range(9))]
            return offer_bulk_update(seller=seller, actor=None, items=items).updated
        with transaction.atomic():  # a checkout taking one unit of a few offers
            return offer_stock_take(quantities={ids[0]: 1, ids[index]: 1, ids[-1]: 1})

    outcomes = run_concurrently(9, work)

    assert [outcome.error for outcome in outcomes] == [None] * 9
    stocks = list(Offer.objects.filter(pk__in=ids).values_list("stock", flat=True))
    assert all(0 <= stock <= 100 for stock in stocks)

"""The checkout's lock on its sellers' distance-sales counters (orders.locks): which sellers it takes (PostgreSQL; on
SQLite a checkout's BEGIN IMMEDIATE serialises every checkout and the lock is no statement at all)."""

import pytest
from django.db import connection, transaction

from comptoir.orders.locks import seller_distance_counters_lock
from comptoir.taxes.models import SellerDistanceCounter
from comptoir.testing.builders import make_offer, make_seller_established_in

pytestmark = pytest.mark.django_db


def locked_sellers(offers, destination: str) -> set[int]:
    with transaction.atomic():
        seller_distance_counters_lock(offer_ids=[offer.pk for offer in offers], destination=destination, year=2026)
    return set(SellerDistanceCounter.objects.filter(year=2026).values_list("seller_id", flat=True))


@pytest.mark.postgres_only  # the lock is a PostgreSQL statement
def test_only_eu_sellers_sending_from_another_member_state_take_the_lock():
    polish = make_offer(seller=make_seller_established_in("PL"), ships_from_country="PL")
    french = make_offer(seller=make_seller_established_in("FR"), ships_from_country="FR")  # domestic for FR
    american = make_offer(seller=make_seller_established_in("US"), ships_from_country="US")  # an import
    swiss_in_germany = make_offer(seller=make_seller_established_in("CH"), ships_from_country="DE")  # deemed supplier
    spanish_from_china = make_offer(seller=make_seller_established_in("ES"), ships_from_country="CN")  # an import

    locked = locked_sellers([polish, french, american, swiss_in_germany, spanish_from_china], "fr")

    assert locked == {polish.seller_id}


def test_the_lock_is_one_statement_on_postgresql_and_none_on_sqlite(django_assert_num_queries):
    polish = make_offer(seller=make_seller_established_in("PL"), ships_from_country="PL")

    with transaction.atomic(), django_assert_num_queries(1 if connection.vendor == "postgresql" else 0):
        seller_distance_counters_lock(offer_ids=[polish.pk], destination="FR", year=2026)

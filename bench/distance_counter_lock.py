"""What the checkout's lock on its sellers' distance-sales counters costs on PostgreSQL (issue 12, orders.locks): the
wall time of a writing transaction (a transaction id assigned, as a checkout's is: its commit is flushed either way)
running the lock statement, against the same transaction running `SELECT 1` instead (one statement's round trip), for
a domestic checkout (the statement locks nothing) and a distance sale (it locks one existing row), and the server's own
execution time (EXPLAIN ANALYZE). Run on a migrated PostgreSQL database (it adds one seller and two
offers): `DATABASE_URL=postgres://… .venv/bin/python bench/distance_counter_lock.py` (docs/PERFORMANCE.md,
"The distance-sales counters' lock")."""

from __future__ import annotations

import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402

from comptoir.offers.models import Offer  # noqa: E402
from comptoir.orders.locks import _lock_sql, seller_distance_counters_lock  # noqa: E402
from comptoir.testing.builders import make_offer, make_seller  # noqa: E402

ROUNDS, CALLS = 5, 2000


def per_call_microseconds(body) -> float:
    """The median of ROUNDS runs of CALLS transactions, in wall microseconds per transaction."""
    runs = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(CALLS):
            with transaction.atomic():
                body()
        runs.append((time.perf_counter() - start) / CALLS * 1e6)
    return statistics.median(runs)


def main() -> None:
    assert connection.vendor == "postgresql", "the lock is taken on PostgreSQL only"
    distance = Offer.objects.filter(seller__name="Bench PL shop").first()
    domestic = Offer.objects.filter(seller__name="Bench FR shop").first()
    if distance is None or domestic is None:  # first run on this database
        seller = make_seller("Bench PL shop", country="FR")
        type(seller).objects.filter(pk=seller.pk).update(country="PL")
        distance = make_offer(seller=seller, ships_from_country="PL")
        domestic = make_offer(seller=make_seller("Bench FR shop", country="FR"), ships_from_country="FR")

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_writes (id int PRIMARY KEY, n int NOT NULL)")
        cursor.execute("INSERT INTO bench_writes VALUES (1, 0) ON CONFLICT DO NOTHING")

    def writing() -> None:
        with connection.cursor() as cursor:  # as the checkout's inserts do: its commit is flushed to the WAL either way
            cursor.execute("UPDATE bench_writes SET n = n + 1 WHERE id = 1")

    def select_one() -> None:
        writing()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")

    def lock(offer) -> None:
        writing()
        seller_distance_counters_lock(offer_ids=[offer.pk], destination="FR", year=2026)

    baseline = per_call_microseconds(select_one)
    results = {
        "domestic (locks nothing)": per_call_microseconds(lambda: lock(domestic)),
        "distance sale (locks one row)": per_call_microseconds(lambda: lock(distance)),
    }
    print(f"writing transaction (one UPDATE) with SELECT 1: {baseline:.0f} µs")
    for name, value in results.items():
        print(f"writing transaction with the lock, {name}: {value:.0f} µs ({value - baseline:+.0f} µs)")
    with connection.cursor() as cursor:
        for name, offer in (("domestic", domestic), ("distance sale", distance)):
            times, planning = [], []
            for _ in range(200):
                with transaction.atomic():
                    cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + _lock_sql(), [2026, [offer.pk], "FR"])
                    plan = cursor.fetchone()[0][0]
                    times.append(plan["Execution Time"])
                    planning.append(plan["Planning Time"])
            print(
                f"server, {name}: execution median {statistics.median(times) * 1000:.0f} µs, "
                f"planning median {statistics.median(planning) * 1000:.0f} µs"
            )


if __name__ == "__main__":
    main()

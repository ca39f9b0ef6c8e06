"""history_buckets: the on-disk structures that keep an import's memory constant (no database)."""

import datetime as dt

from comptoir.trust.importers.history_buckets import (
    MAX_BUCKETS,
    MIN_BUCKETS,
    BuyerDates,
    OrderKeys,
    bucket_count,
    from_microseconds,
    microseconds,
)
from comptoir.trust.importers.history_rows import history_order_number


def test_the_bucket_count_follows_the_file_size_within_bounds():
    assert bucket_count(0) == MIN_BUCKETS
    assert bucket_count(277_000_000) == 67  # the benchmark's million rows: ≈ 15,000 rows a bucket
    assert bucket_count(10**12) == MAX_BUCKETS


def test_duplicates_are_found_across_buckets_with_the_line_of_the_first_row():
    with OrderKeys(size=0) as keys:
        for line in range(2, 2002):  # 2,000 distinct numbers, spread over every bucket
            keys.add(history_order_number(1, f"A-{line}"), line)
        keys.add(history_order_number(1, "A-7"), 3000)
        keys.add(history_order_number(1, "A-1500"), 3001)
        keys.add(history_order_number(1, "A-7"), 3002)

        duplicates, count = keys.duplicates(kept=1000)

    assert count == 3
    assert duplicates == [(3000, 7), (3001, 1500), (3002, 7)]


def test_only_the_first_duplicates_by_line_are_kept_and_all_are_counted():
    with OrderKeys(size=0) as keys:
        for line in range(2, 102):
            keys.add(history_order_number(1, "same"), line)

        duplicates, count = keys.duplicates(kept=3)

    assert count == 99
    assert duplicates == [(3, 2), (4, 2), (5, 2)]


def test_buyer_dates_give_each_buyer_once_with_its_first_order_and_earliest_known_opening():
    paris = dt.timezone(dt.timedelta(hours=1))
    with BuyerDates(size=0) as buyers:
        buyers.add("anna@example.com", dt.datetime(2025, 3, 2, tzinfo=dt.UTC), None)
        buyers.add(
            "anna@example.com", dt.datetime(2025, 3, 1, 0, 30, tzinfo=paris), dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
        )
        buyers.add("anna@example.com", dt.datetime(2025, 4, 1, tzinfo=dt.UTC), dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        buyers.add("anna@example.com", dt.datetime(2025, 4, 2, tzinfo=dt.UTC), None)
        for index in range(500):
            buyers.add(f"b{index}@example.com", dt.datetime(2025, 1, 1, tzinfo=dt.UTC), None)

        groups = list(buyers.groups())

    merged = {email: dates for group in groups for email, dates in group.items()}
    assert sum(len(group) for group in groups) == len(merged) == 501  # each buyer in one group only
    assert merged["anna@example.com"] == (
        dt.datetime(2025, 2, 28, 23, 30, tzinfo=dt.UTC),
        dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    )
    assert merged["b7@example.com"] == (dt.datetime(2025, 1, 1, tzinfo=dt.UTC), None)


def test_microseconds_round_trip_exactly():
    value = dt.datetime(2025, 3, 1, 9, 59, 59, 999_999, tzinfo=dt.timezone(dt.timedelta(hours=-5)))

    assert from_microseconds(microseconds(value)) == value

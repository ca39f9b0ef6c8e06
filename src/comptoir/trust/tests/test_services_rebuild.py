"""The batch rebuild of the daily buckets from raw rows (streamed, written with multi-row INSERTs) gives exactly the
buckets of the per-order reference fold: every order's facts loaded one order at a time (as the incremental path
loads them) and summed through the pure `order_contribution`."""

import datetime as dt

import pytest

from bench.trust import generate_raw_history
from comptoir.orders.models import SellerOrder, SellerOrderEvent
from comptoir.trust.domain.evidence import COUNTER_FIELDS, LIST_FIELDS, FactItem, OrderFacts, fact_item_fast, order_contribution
from comptoir.trust.models import SellerDailyStats
from comptoir.trust.selectors import config as trust_settings
from comptoir.trust.services import _order_facts_bulk, trust_rebuild

AT = dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)


def _reference_buckets() -> dict:
    config, buckets = trust_settings(), {}
    for pk, seller_id in SellerOrder.objects.order_by("pk").values_list("pk", "seller_id"):
        for day, values in order_contribution(_order_facts_bulk([pk])[pk], config=config).items():
            bucket = buckets.setdefault((seller_id, day), {name: 0 for name in COUNTER_FIELDS} | {name: [] for name in LIST_FIELDS})
            for name, value in values.items():
                bucket[name] = bucket[name] + value
    return {key: {name: sorted(value) if name in LIST_FIELDS else value for name, value in bucket.items()} for key, bucket in buckets.items()}


@pytest.mark.django_db
def test_the_rebuild_writes_the_buckets_of_the_per_order_fold():
    # given raw history: placed, cancelled, shipped, delivered, returned and disputed orders, reviews of full and low
    # credibility (some hidden), buyer messages answered by the seller, an event no metric reads, an unpaid order
    generate_raw_history(sellers=4, orders=400, days=30, chunk=150, log=lambda line: None)
    first = SellerOrder.objects.order_by("pk").first()
    SellerOrderEvent.objects.create(seller_order=first, seller_id_copy=first.seller_id, action="complete", actor_role="system", created_at=AT)
    SellerOrderEvent.objects.filter(seller_order=SellerOrder.objects.order_by("pk")[1], action="payment_captured").delete()
    expected = _reference_buckets()

    # when the buckets are rebuilt, sellers in groups smaller than one seller's orders and larger than several sellers'
    trust_rebuild(today=dt.date.today(), refresh_credibility=False, chunk=60)

    # then every row equals the reference, field by field
    rows = {(row["seller_id"], row["day"]): {name: row[name] for name in COUNTER_FIELDS + LIST_FIELDS}
            for row in SellerDailyStats.objects.values()}
    assert len(expected) > 100 and any(bucket["response_seconds"] for bucket in expected.values())
    assert rows == expected


def test_fact_item_fast_builds_the_same_item_as_the_constructor():
    slow = FactItem(key="event:3", at=AT, kind="event", rank=0, source_id=3, action="ship", actor_role="seller", data={"carrier": "X"})
    fast = fact_item_fast("event:3", AT, "event", 0, 3, "ship", "seller", {"carrier": "X"})
    review = fact_item_fast("review:4", AT, "review", 1, 4, rating_permille=4250, credibility_permille=700)

    assert fast == slow and fast.sort_key == slow.sort_key and vars(fast) == vars(slow)
    assert review == FactItem(key="review:4", at=AT, kind="review", rank=1, source_id=4, rating_permille=4250, credibility_permille=700)
    facts = OrderFacts(1, AT.date(), AT.date(), AT.date(), (fast,))
    assert order_contribution(facts, config=trust_settings()) == order_contribution(OrderFacts(1, AT.date(), AT.date(), AT.date(), (slow,)),
                                                                                   config=trust_settings())

"""The batch rebuild of the daily buckets from raw rows (streamed, written with multi-row INSERTs) gives exactly the
buckets of the per-order reference fold: every order's facts loaded one order at a time (as the incremental path
loads them) and summed through the pure `order_contribution`."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest
from django.db.models import Count

from comptoir.orders.models import SellerOrder, SellerOrderEvent
from comptoir.testing.history import generate_raw_history
from comptoir.trust import rebuild
from comptoir.trust.domain.evidence import COUNTER_FIELDS, LIST_FIELDS, order_contribution
from comptoir.trust.domain.fraud import co_reviewer_count, review_credibility
from comptoir.trust.models import Review, SellerDailyStats, SellerTrust, SuspectOrder, TrustEvidenceApplied
from comptoir.trust.rebuild import review_credibility_refresh, trust_rebuild
from comptoir.trust.selectors import config as trust_settings
from comptoir.trust.selectors import seller_operations
from comptoir.trust.services import review_credibility_facts
from comptoir.trust.services.evidence import order_facts_bulk

AT = dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)


def _stored_buckets() -> dict:
    rows: list[Mapping[str, Any]] = list(SellerDailyStats.objects.values())
    return {(row["seller_id"], row["day"]): {name: row[name] for name in COUNTER_FIELDS + LIST_FIELDS} for row in rows}


def _stored_trust() -> dict:
    return {
        row["seller_id"]: {
            name: row[name] for name in ("score", "score_low", "score_high", "tier", "metrics", "evidence_orders")
        }
        for row in SellerTrust.objects.values()
    }


def _reference_buckets() -> dict:
    config = trust_settings()
    buckets: dict[tuple[int, dt.date], dict[str, Any]] = {}
    for pk, seller_id in SellerOrder.objects.order_by("pk").values_list("pk", "seller_id"):
        for day, values in order_contribution(order_facts_bulk([pk])[pk], config=config).items():
            bucket = buckets.setdefault(
                (seller_id, day), dict.fromkeys(COUNTER_FIELDS, 0) | {name: [] for name in LIST_FIELDS}
            )
            for name, value in values.items():
                bucket[name] = bucket[name] + value
    return {
        key: {name: sorted(value) if name in LIST_FIELDS else value for name, value in bucket.items()}
        for key, bucket in buckets.items()
    }


@pytest.mark.django_db
def test_the_rebuild_writes_the_buckets_of_the_per_order_fold():
    # given raw history: placed, cancelled, shipped, delivered, returned and disputed orders, reviews of full and low
    # credibility (some hidden), buyer messages answered by the seller, an event no metric reads, an unpaid order
    generate_raw_history(sellers=4, orders=400, days=30, chunk=150, log=lambda line: None)
    first = SellerOrder.objects.order_by("pk").first()
    SellerOrderEvent.objects.create(
        seller_order=first, seller_id_copy=first.seller_id, action="complete", actor_role="system", created_at=AT
    )
    SellerOrderEvent.objects.filter(
        seller_order=SellerOrder.objects.order_by("pk")[1], action="payment_captured"
    ).delete()
    expected = _reference_buckets()

    # when the buckets are rebuilt, sellers in groups smaller than one seller's orders and larger than several sellers'
    trust_rebuild(today=dt.date.today(), refresh_credibility=False, chunk=60)

    # then every row equals the reference, field by field
    assert len(expected) > 100 and any(bucket["response_seconds"] for bucket in expected.values())
    assert _stored_buckets() == expected


@pytest.mark.django_db
def test_a_second_rebuild_replaces_wrong_missing_and_extra_rows():
    # given rebuilt buckets, then one row altered, one deleted, one invented for a day without facts and one for a
    # seller without orders (as a bug or a hand edit would leave them)
    generate_raw_history(sellers=3, orders=150, days=20, chunk=150, log=lambda line: None)
    today = dt.date.today()
    first = trust_rebuild(today=today, refresh_credibility=False)
    expected = _stored_buckets()
    altered, deleted = SellerDailyStats.objects.order_by("pk")[:2]
    SellerDailyStats.objects.filter(pk=altered.pk).update(orders=altered.orders + 7, accept_seconds=[1, 2, 3])
    deleted.delete()
    SellerDailyStats.objects.create(seller_id=altered.seller_id, day=dt.date(2001, 1, 1), orders=4)
    from comptoir.testing.builders import make_seller

    SellerDailyStats.objects.create(seller_id=make_seller("No orders yet").pk, day=today, orders=2)

    # when the rebuild runs again, then the stored rows are the rebuilt ones again
    second = trust_rebuild(today=today, refresh_credibility=False)
    assert first.buckets_written == second.buckets_written == len(expected) > 20
    assert _stored_buckets() == expected


@pytest.mark.django_db
def test_the_credibility_refresh_stores_what_the_fraud_analysis_gives_for_every_review():
    # given raw history whose 300 buyers include new accounts and occasional buyers, reviews stored with an arbitrary
    # credibility
    generate_raw_history(sellers=5, orders=600, days=60, chunk=200, buyers=300, log=lambda line: None)
    today = dt.date.today()
    reviews = list(Review.objects.order_by("pk"))
    facts = review_credibility_facts(reviews)
    expected = review_credibility(
        facts, today=today, reviewer_count=co_reviewer_count(facts), seller_operations=seller_operations()
    )

    # when the batch refresh runs over every review
    updated = review_credibility_refresh(today=today)

    # then each review holds the analysis of the per-review facts, some discounted with their reasons
    stored = {
        pk: (permille, reasons)
        for pk, permille, reasons in Review.objects.values_list("pk", "credibility_permille", "credibility_reasons")
    }
    assert stored == {pk: (credibility.permille, list(credibility.reasons)) for pk, credibility in expected.items()}
    assert updated > 0 and any(permille < 1000 and reasons for permille, reasons in stored.values())
    # and a second run finds nothing to change
    assert review_credibility_refresh(today=today) == 0


def _mark_suspect() -> list[int]:
    """Mark 40 unreviewed seller orders and one reviewed one suspect; their ids."""
    unreviewed = list(
        SellerOrder.objects.filter(review__isnull=True).order_by("pk").values_list("pk", "seller_id")[:80:2]
    )
    reviewed = SellerOrder.objects.filter(review__isnull=False).order_by("pk").values_list("pk", "seller_id")[:1]
    marked = [*unreviewed, *reviewed]
    SuspectOrder.objects.bulk_create(
        [SuspectOrder(seller_order_id=pk, seller_id=seller_id, reason="test") for pk, seller_id in marked]
    )
    return [pk for pk, _seller_id in marked]


@pytest.mark.django_db
def test_the_rebuild_folds_suspect_orders_as_the_per_order_fold_does():
    # given raw history, and suspect orders (unreviewed ones, folded by the first bucket step before the credibility
    # analysis, and a reviewed one)
    generate_raw_history(sellers=4, orders=300, days=30, chunk=150, log=lambda line: None)
    before = _reference_buckets()
    marked = _mark_suspect()

    # when the buckets are rebuilt
    trust_rebuild(today=dt.date.today(), refresh_credibility=False, chunk=60)

    # then they are the per-order fold's with the suspect marks, which count fewer orders
    expected = _reference_buckets()
    assert _stored_buckets() == expected
    assert sum(bucket["orders"] for bucket in expected.values()) < sum(bucket["orders"] for bucket in before.values())
    assert TrustEvidenceApplied.objects.filter(key__in=[f"suspect:{pk}" for pk in marked]).count() == len(marked)


@pytest.mark.django_db(transaction=True)
def test_the_rebuild_in_worker_processes_gives_what_one_process_gives(monkeypatch, settings):
    # given raw history of committed rows (the workers are other processes: they see committed rows only), a seller
    # without orders, and a seller that inherits the history of the seller with the most orders (anti-whitewashing),
    # which the other worker rebuilds; the empirical prior used from 2 sellers on (so these few sellers' estimate
    # counts)
    from comptoir.testing.builders import make_seller
    from comptoir.trust.models import TrustPriorEstimate

    settings.COMPTOIR_TRUST = {"empirical_prior": {"minimum_sellers": 2}}

    generate_raw_history(sellers=6, orders=500, days=30, chunk=250, log=lambda line: None)
    make_seller("No orders yet")
    # and suspect orders (a credibility analysis found them): unreviewed ones, which the first bucket step folds before
    # it knows, and a reviewed one, which waits for its review
    _mark_suspect()
    today = dt.date.today()
    trust_rebuild(today=today, refresh_credibility=False, chunk=120, workers=1)
    assert _stored_buckets() == _reference_buckets()
    by_orders = [
        seller_id
        for seller_id, _count in SellerOrder.objects.values_list("seller_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "seller_id")
    ]
    SellerTrust.objects.filter(seller_id=by_orders[-1]).update(prior_from_seller_id=by_orders[0])
    trust_rebuild(today=today, refresh_credibility=False, chunk=120, workers=1)
    serial_buckets, serial_trust = _stored_buckets(), _stored_trust()

    # when the same rebuild runs with two worker processes, from a threshold low enough for this history
    monkeypatch.setattr(rebuild, "PARALLEL_MIN_ORDERS", 1)
    assert rebuild._pool_size(2) == 2  # committed rows on a database file or server: the workers are used
    marks = trust_rebuild(today=today, refresh_credibility=False, chunk=120, workers=2)

    # then the buckets, the prior estimate and every seller's score are those of the single-process rebuild
    assert marks.sellers == len(serial_trust) >= 7
    assert len(serial_buckets) > 50 and _stored_buckets() == serial_buckets
    assert _stored_trust() == serial_trust
    parallel_estimate, serial_estimate = TrustPriorEstimate.objects.order_by("-pk")[:2]
    assert parallel_estimate.sellers == serial_estimate.sellers == 6  # the seller without orders has no trial
    assert parallel_estimate.strengths == pytest.approx(serial_estimate.strengths) and serial_estimate.strengths


@pytest.mark.django_db
def test_inside_a_transaction_the_rebuild_stays_in_this_process(monkeypatch):
    # given a history large enough for workers, but uncommitted (the test's transaction)
    monkeypatch.setattr(rebuild, "PARALLEL_MIN_ORDERS", 1)
    generate_raw_history(sellers=2, orders=40, days=10, chunk=40, log=lambda line: None)

    # when asked for workers, the rebuild runs here (workers could not see these rows) and still counts every order
    assert rebuild._pool_size(4) == 1
    trust_rebuild(today=dt.date.today(), refresh_credibility=False, workers=4)
    assert sum(row["orders"] for row in SellerDailyStats.objects.values("orders")) == 40


@pytest.mark.django_db
def test_the_recompute_command_reports_its_phases_and_refuses_zero_workers():
    from io import StringIO

    from django.core.management import CommandError, call_command

    generate_raw_history(sellers=2, orders=30, days=10, chunk=30, log=lambda line: None)
    out = StringIO()
    call_command("trust", "recompute", "--workers", "1", stdout=out)
    assert "Recomputed 2 sellers" in out.getvalue() and "credibility" in out.getvalue() and "buckets" in out.getvalue()
    assert sum(SellerDailyStats.objects.values_list("orders", flat=True)) == 30
    with pytest.raises(CommandError, match="--workers"):
        call_command("trust", "recompute", "--workers", "0")


@pytest.mark.django_db
def test_scores_computed_before_the_commit_are_stored_only_where_nothing_changed_meanwhile():
    # given rebuilt buckets and trust, then every seller scored ahead from its days (as the rebuild's workers do while
    # the buckets are being written)
    from comptoir.trust.domain.evidence import day_evidence_from_mapping
    from comptoir.trust.models import TrustEvidenceApplied
    from comptoir.trust.services import (
        seller_trust_tier_override,
        trust_recompute_all,
        trust_scores_precompute,
        trust_scores_store,
    )

    generate_raw_history(sellers=4, orders=300, days=20, chunk=150, log=lambda line: None)
    today = dt.date.today()
    trust_rebuild(today=today, refresh_credibility=False)
    seller_ids = sorted(SellerTrust.objects.values_list("seller_id", flat=True))
    known = {seller_id: [] for seller_id in seller_ids}
    for row in SellerDailyStats.objects.order_by("seller_id", "day").values():
        known[row["seller_id"]].append(day_evidence_from_mapping(row["day"], row))
    applied_mark = TrustEvidenceApplied.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    chunks = trust_scores_precompute(today=today, seller_ids=seller_ids, known_days=known)

    # when, before they are stored, a fact is folded into one seller's buckets and an operator overrides another's tier
    folded, overridden = seller_ids[0], seller_ids[1]
    bucket = SellerDailyStats.objects.filter(seller_id=folded, day__lte=today, orders__gt=0).order_by("-day").first()
    SellerDailyStats.objects.filter(pk=bucket.pk).update(
        orders=bucket.orders + 40, cancelled_by_seller=bucket.cancelled_by_seller + 40
    )
    TrustEvidenceApplied.objects.create(key="event:999999999", seller_id=folded)
    from comptoir.testing.builders import make_operator

    seller_trust_tier_override(
        seller_id=overridden, actor=make_operator(), tier="at_risk", reason="Checking a complaint"
    )
    trust_scores_store(chunks=chunks, today=today, applied_mark=applied_mark)

    # then what is stored is what a recompute from the stored rows gives now: both changes are in it
    stored = _stored_trust()
    trust_recompute_all(today=today, seller_ids=seller_ids)
    assert _stored_trust() == stored
    assert stored[folded]["evidence_orders"] == sum(row.orders for row in known[folded] if row.day <= today) + 40
    assert SellerTrust.objects.get(seller_id=overridden).tier_override == "at_risk"

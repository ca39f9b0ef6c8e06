"""The batch recompute (`trust_recompute_all`, run by `trust recompute` and the hourly task) stores exactly what the
per-seller recompute of the incremental path stores, with a constant number of queries per chunk of sellers."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptoir.core import clock
from comptoir.sellers.models import SellerApiKey, SellerMember
from comptoir.testing.builders import make_seller, make_user
from comptoir.trust.models import EnforcementAction, SellerDailyStats, SellerTrust, SellerTrustHistory
from comptoir.trust.services import seller_trust_recompute, trust_recompute_all
from comptoir.trust.tests.support import T0

pytestmark = pytest.mark.django_db
TODAY = T0.date()


def _days(seller, *, bad: bool, count: int = 40):
    SellerDailyStats.objects.bulk_create(
        [
            SellerDailyStats(
                seller=seller,
                day=TODAY - dt.timedelta(days=offset),
                orders=5,
                cancelled_by_seller=int(bad),
                defects=int(bad) * (offset % 2),
                shipped=5,
                shipped_late=2 if bad else offset % 7 == 0,
                shipped_with_valid_tracking=4 if bad else 5,
                delivered=5,
                delivered_on_time=3 if bad else 5,
                returns=1,
                returns_not_as_described=int(bad),
                reviews=2,
                review_weight_permille=1700,
                rating_weighted_sum_permille=1700 * (2 if bad else 4),
                accept_seconds=[3600 * (30 if bad else 2), 1800 + offset],
                response_seconds=[7200 + offset] if offset % 3 == 0 else [],
            )
            for offset in range(count)
        ]
    )


def _twins():
    """Pairs of sellers with identical facts: good (with 2FA, an old API key and a login shared with the twin), bad
    (below standard), one inheriting the bad one's history (anti-whitewashing), one without any evidence."""
    pairs = []
    shared = make_user()
    for _ in range(2):
        good, bad, heir, empty = make_seller(), make_seller(), make_seller(), make_seller()
        _days(good, bad=False)
        _days(bad, bad=True)
        owner = SellerMember.objects.filter(seller=good).first().user
        TOTPDevice.objects.create(user=owner, name="phone", confirmed=True)
        SellerMember.objects.create(seller=good, user=shared)
        SellerApiKey.objects.create(
            seller=good,
            name="old",
            prefix="csk_old",
            key_hash=f"{good.pk:064d}",
            created_at=T0 - dt.timedelta(days=200),
        )
        SellerTrust.objects.create(seller=heir, prior_from_seller=bad)
        pairs.append((good, bad, heir, empty))
    return pairs


def _state(seller):
    trust = SellerTrust.objects.get(seller=seller)
    history = SellerTrustHistory.objects.get(seller=seller, day=TODAY)
    kinds = sorted(EnforcementAction.objects.filter(seller=seller, is_active=True).values_list("kind", flat=True))
    return (
        trust.score,
        trust.score_low,
        trust.score_high,
        trust.transparency,
        trust.operations,
        trust.security,
        trust.satisfaction,
        trust.tier,
        trust.metrics,
        trust.evidence_orders,
        trust.below_standard_since,
        trust.listing_completeness,
        history.score,
        history.tier,
        history.metrics,
        kinds,
    )


def test_the_batch_recompute_stores_what_the_per_seller_recompute_stores_for_every_kind_of_seller():
    # given two identical sets of sellers (good, below standard, inheriting a bad history, without evidence)
    one, two = _twins()
    # when the first set is recomputed seller by seller (the incremental path) and the second in one batch
    with clock.frozen_at(T0):
        for seller in one:
            seller_trust_recompute(seller_id=seller.pk, today=TODAY)
        assert trust_recompute_all(today=TODAY, seller_ids=[seller.pk for seller in two], chunk=3) == 4
    # then every stored figure, today's history row and the enforcement opened are the same
    for first, second in zip(one, two, strict=True):
        assert _state(first) == _state(second)
    good, bad, heir, empty = (_state(seller) for seller in two)
    assert (
        good[7] in ("good", "top_rated", "at_risk")
        and bad[7] == "below_standard"
        and heir[7] == "below_standard"
        and empty[7] == "new"
    )
    assert bad[-1] == heir[-1] == ["warning"] and good[-1] == []
    assert good[5] != empty[5]  # the security posture (2FA, old key, shared login) was read in the batch too


def test_a_second_batch_opens_nothing_twice_and_costs_the_same_queries_for_more_sellers():
    one, two = _twins()
    with clock.frozen_at(T0):
        trust_recompute_all(today=TODAY, seller_ids=[seller.pk for seller in one + two])
        actions = EnforcementAction.objects.count()
        # when the batch runs again on the same day: nothing to enforce, rows updated in place
        with CaptureQueriesContext(connection) as small:
            trust_recompute_all(today=TODAY, seller_ids=[seller.pk for seller in one])
        with CaptureQueriesContext(connection) as large:
            trust_recompute_all(today=TODAY, seller_ids=[seller.pk for seller in one + two])
    # then no action is opened twice, one history row per seller and day, and the query count does not grow with the
    # sellers
    assert EnforcementAction.objects.count() == actions == 4  # a warning for each below-standard seller and heir
    assert SellerTrustHistory.objects.filter(day=TODAY).count() == 8
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_checkout_of_three_sellers_enqueues_one_trust_task_and_events_that_change_no_metric_enqueue_none(settings):
    from django.tasks import task_backends
    from django.test import TestCase

    from comptoir.checkout.services import order_checkout
    from comptoir.orders.events import SellerOrderTransitioned
    from comptoir.orders.models import SellerOrder, SellerOrderEvent
    from comptoir.orders.services import seller_order_accept
    from comptoir.orders.tests.support import new_key
    from comptoir.testing.builders import ADDRESS, CARD_OK, make_offer

    # given three sellers' offers and a task backend that only records what is enqueued
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    offers = [make_offer(seller=make_seller(), stock=5) for _ in range(3)]
    buyer = make_user()
    backend = task_backends["default"]
    backend.results.clear()
    # when the buyer checks out one line of each (three seller orders, three payment_captured events, one commit)
    with clock.frozen_at(T0), TestCase.captureOnCommitCallbacks(execute=True):
        result = order_checkout(
            buyer=buyer,
            shipping_address=ADDRESS,
            payment_method=CARD_OK,
            idempotency_key=new_key(),
            lines=[{"offer_id": offer.pk, "quantity": 1} for offer in offers],
        )
    # then one trust task carries the three facts
    trust_tasks = [item for item in backend.results if item.task.name == "evidence_apply_batch_task"]
    captured = SellerOrderEvent.objects.filter(seller_order__order=result.order, action="payment_captured").order_by(
        "pk"
    )
    assert len(trust_tasks) == 1
    assert trust_tasks[0].kwargs["facts"] == [[event.seller_order_id, f"event:{event.pk}"] for event in captured]
    # and an acceptance (its time is a metric) enqueues one task, while events no metric reads enqueue nothing
    seller_order = SellerOrder.objects.filter(order=result.order).order_by("pk").first()
    backend.results.clear()
    with clock.frozen_at(T0), TestCase.captureOnCommitCallbacks(execute=True):
        seller_order_accept(
            seller=seller_order.seller,
            seller_order_id=seller_order.pk,
            actor=SellerMember.objects.filter(seller=seller_order.seller).first().user,
        )
    accepted = SellerOrderEvent.objects.get(seller_order=seller_order, action="accept")
    assert [item.kwargs["facts"] for item in backend.results] == [[[seller_order.pk, f"event:{accepted.pk}"]]]
    from comptoir.trust.subscribers import on_seller_orders_transitioned

    backend.results.clear()
    on_seller_orders_transitioned(
        [
            SellerOrderTransitioned(
                seller_order_id=seller_order.pk, seller_id=seller_order.seller_id, event_id=1, action=action, at=T0
            )
            for action in ("create", "payment_failed", "complete", "dispute_opened", "receive_return", "refund")
        ]
    )
    assert backend.results == []

"""The empirical-Bayes prior strengths in production: a full recompute estimates them from every seller's buckets,
stores the estimate and scores with it; the live per-seller recompute reads the stored estimate (cached per process,
forgotten when a new one is stored); an estimate from too few sellers, or the switch off, keeps the fixed prior."""

import datetime as dt

import pytest

from comptoir.core import clock
from comptoir.testing.builders import make_seller
from comptoir.trust.conf import trust_settings
from comptoir.trust.domain.score import PriorEstimate, compute_trust, config_with_prior_estimate
from comptoir.trust.models import SellerDailyStats, SellerTrust, TrustPriorEstimate
from comptoir.trust.services import seller_evidence, seller_trust_recompute, trust_recompute_all
from comptoir.trust.services.priors import prior_estimate_current, prior_estimate_store
from comptoir.trust.tests.support import T0

pytestmark = pytest.mark.django_db
TODAY = T0.date()


def _sellers(count: int) -> list[int]:
    """`count` sellers whose late-shipment and cancellation rates spread from 0 to 40 % (sellers differ much more than
    sampling explains: the estimated prior is weak), 30 days of 5 orders each."""
    ids = []
    rows = []
    for index in range(count):
        seller = make_seller()
        ids.append(seller.pk)
        late = index % 3  # 0, 1 or 2 of 5 shipments late
        rows += [
            SellerDailyStats(
                seller=seller,
                day=TODAY - dt.timedelta(days=offset),
                orders=5,
                cancelled_by_seller=int(index % 4 == 0 and offset % 2 == 0),
                shipped=5,
                shipped_late=late if offset % 2 else 0,
                shipped_with_valid_tracking=5,
                delivered=5,
                delivered_on_time=5,
                reviews=1,
                review_weight_permille=1000,
                rating_weighted_sum_permille=1000 * (3 + index % 3),
            )
            for offset in range(30)
        ]
    SellerDailyStats.objects.bulk_create(rows)
    return ids


def _scores() -> dict[int, object]:
    return dict(SellerTrust.objects.values_list("seller_id", "score"))


def test_a_full_recompute_stores_the_estimate_and_the_live_recompute_scores_with_it():
    # given 40 sellers that differ much
    ids = _sellers(40)
    rules = trust_settings().rules

    # when every seller is recomputed (the daily batch; `comptoir trust recompute` calls the same)
    with clock.frozen_at(T0):
        assert trust_recompute_all(today=TODAY) == 40
    batch = _scores()

    # then one estimate is stored, from the 40 sellers, with strengths between 2 and the configured 20
    estimate = TrustPriorEstimate.objects.get()
    assert (estimate.day, estimate.sellers) == (TODAY, 40)
    assert set(estimate.strengths) >= {"late_shipment_rate", "cancellation_rate"}
    assert all(2 <= strength <= 20 for strength in estimate.strengths.values())
    assert estimate.strengths["late_shipment_rate"] < 20  # the late-shipment rates really differ
    # and every seller is scored with it, not with the fixed prior
    stored = PriorEstimate(strengths=estimate.strengths, sellers=estimate.sellers)
    with_estimate = config_with_prior_estimate(rules, stored)
    assert with_estimate["rate_prior_strengths"] == estimate.strengths
    differ = 0
    for seller_id in ids:
        evidence = seller_evidence(seller_id=seller_id, today=TODAY)
        assert compute_trust(evidence, today=TODAY, config=with_estimate).score == batch[seller_id]
        differ += compute_trust(evidence, today=TODAY, config=rules).score != batch[seller_id]
    assert differ > 10

    # when one seller is recomputed live (a new fact)
    SellerTrust.objects.filter(seller_id=ids[1]).update(score=0)
    with clock.frozen_at(T0):
        live = seller_trust_recompute(seller_id=ids[1], today=TODAY)

    # then it reads the stored estimate: the batch's score again
    assert live.score == batch[ids[1]]


def test_the_live_recompute_reads_a_new_estimate_once_it_is_stored():
    # given sellers scored live with a stored estimate (read, and cached by this process)
    ids = _sellers(3)
    prior_estimate_store(
        estimate=PriorEstimate(strengths={"late_shipment_rate": 20.0}, sellers=100), today=TODAY - dt.timedelta(1)
    )
    with clock.frozen_at(T0):
        first = seller_trust_recompute(seller_id=ids[1], today=TODAY).score
    assert prior_estimate_current() == PriorEstimate(strengths={"late_shipment_rate": 20.0}, sellers=100)

    # when a new estimate is stored (a weaker late-shipment prior)
    prior_estimate_store(estimate=PriorEstimate(strengths={"late_shipment_rate": 2.0}, sellers=100), today=TODAY)
    with clock.frozen_at(T0):
        second = seller_trust_recompute(seller_id=ids[1], today=TODAY).score

    # then the live recompute scores with it at once: its late shipments (10 %) weigh more
    assert prior_estimate_current() == PriorEstimate(strengths={"late_shipment_rate": 2.0}, sellers=100)
    assert second != first


def test_a_marketplace_with_too_few_sellers_keeps_the_fixed_prior():
    # given 12 sellers (fewer than the 30 an estimate needs)
    ids = _sellers(12)
    rules = trust_settings().rules

    # when every seller is recomputed, then one is recomputed live
    with clock.frozen_at(T0):
        trust_recompute_all(today=TODAY)
        live = seller_trust_recompute(seller_id=ids[0], today=TODAY)

    # then the estimate is stored (with its 12 sellers) but every score is the fixed prior's
    assert TrustPriorEstimate.objects.get().sellers == 12
    scores = _scores()
    for seller_id in ids:
        evidence = seller_evidence(seller_id=seller_id, today=TODAY)
        assert compute_trust(evidence, today=TODAY, config=rules).score == scores[seller_id]
    assert live.score == scores[ids[0]]


def test_switched_off_nothing_is_estimated_and_the_fixed_prior_stands(settings):
    # given the empirical prior turned off, 40 sellers and an old estimate from 100 sellers
    settings.COMPTOIR_TRUST = {"empirical_prior": None}
    ids = _sellers(40)
    prior_estimate_store(estimate=PriorEstimate(strengths={"late_shipment_rate": 2.0}, sellers=100), today=TODAY)
    rules = trust_settings().rules

    # when every seller is recomputed, then one live
    with clock.frozen_at(T0):
        trust_recompute_all(today=TODAY)
        live = seller_trust_recompute(seller_id=ids[1], today=TODAY)

    # then no new estimate is stored and every score is the fixed prior's
    assert TrustPriorEstimate.objects.count() == 1
    scores = _scores()
    for seller_id in ids:
        evidence = seller_evidence(seller_id=seller_id, today=TODAY)
        assert compute_trust(evidence, today=TODAY, config=rules).score == scores[seller_id]
    assert live.score == scores[ids[1]]


def test_strengths_set_by_the_operator_override_the_estimate(settings):
    # given strengths set in the settings and a stored estimate
    settings.COMPTOIR_TRUST = {"rate_prior_strengths": {"late_shipment_rate": 7}}
    ids = _sellers(2)
    prior_estimate_store(estimate=PriorEstimate(strengths={"late_shipment_rate": 2.0}, sellers=100), today=TODAY)

    # when a seller is recomputed live
    with clock.frozen_at(T0):
        live = seller_trust_recompute(seller_id=ids[1], today=TODAY)

    # then the operator's strengths are used
    rules = trust_settings().rules
    evidence = seller_evidence(seller_id=ids[1], today=TODAY)
    assert live.score == compute_trust(evidence, today=TODAY, config=rules).score
    assert rules["rate_prior_strengths"] == {"late_shipment_rate": 7}

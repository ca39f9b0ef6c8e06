"""Issue 11 (pure): the change test — a seller one of whose rates moved over time (Cochran–Armitage trend test per
rate, Holm's correction over the rates) is scored with a short memory; a steady or thin record keeps the configured
one. And the empirical-Bayes prior strengths (on by default: test_domain_prior_estimate.py and
test_services_prior_estimate.py)."""

import datetime as dt

import pytest

from comptoir.trust.domain.config import CHANGE_TEST_TUNED, DEFAULTS, trust_config
from comptoir.trust.domain.evidence import DayEvidence, SellerEvidence
from comptoir.trust.domain.score import (
    change_test_fires,
    change_test_p_values,
    compute_trust,
    empirical_prior_strengths,
)

CONFIG = trust_config({"recent_window": None})
WITHOUT_TEST = trust_config({"recent_window": None, "change_test": None})
TODAY = dt.date(2025, 6, 30)


def day(age: int, *, shipped: int, late: int) -> DayEvidence:
    """A day `age` days before TODAY: `shipped` orders shipped with tracking and delivered, `late` of them late."""
    return DayEvidence(
        day=TODAY - dt.timedelta(days=age),
        orders=shipped,
        shipped=shipped,
        shipped_late=late,
        shipped_with_valid_tracking=shipped,
        delivered=shipped,
        delivered_on_time=shipped - late,
    )


def seller(late_on_day) -> SellerEvidence:
    """180 days of 3 shipments a day; `late_on_day(age)` of them late."""
    return SellerEvidence(days=tuple(day(age, shipped=3, late=late_on_day(age)) for age in range(180)))


def declining(age: int) -> int:
    # on time for the first 120 days, then one late shipment every day: the seller got worse
    return 1 if age < 60 else 0


def steady(age: int) -> int:
    # one late shipment every third day, all along
    return 1 if age % 3 == 0 else 0


def test_the_shipped_configuration_is_the_tuned_change_test():
    assert DEFAULTS["change_test"] == CHANGE_TEST_TUNED
    assert CHANGE_TEST_TUNED["alpha"] == "0.01" and CHANGE_TEST_TUNED["half_life_days"] == 20


def test_a_seller_whose_late_shipments_rose_is_scored_on_its_recent_record_more():
    # given a seller on time for 120 days, then late on one shipment a day
    worse = seller(declining)

    # when it is scored with and without the change test
    result = compute_trust(worse, today=TODAY, config=CONFIG)
    long_memory = compute_trust(worse, today=TODAY, config=WITHOUT_TEST)

    # then the late-shipment trend is significant and the score weighs the recent, worse record more
    assert change_test_p_values(worse, today=TODAY, config=CONFIG)["late_shipment"] < 1e-6
    assert change_test_fires(worse, today=TODAY, config=CONFIG)
    assert result.is_recent_window_weighted and not long_memory.is_recent_window_weighted
    assert result.score < long_memory.score - 2


def test_a_seller_that_improved_is_scored_higher():
    # given the mirror image: late once a day for 120 days, on time for the last 60
    better = seller(lambda age: 1 - declining(age))

    result = compute_trust(better, today=TODAY, config=CONFIG)
    long_memory = compute_trust(better, today=TODAY, config=WITHOUT_TEST)

    assert result.is_recent_window_weighted
    assert result.score > long_memory.score + 3


def test_a_steady_seller_keeps_its_exact_score():
    # given a seller late on one shipment in nine, evenly, for 180 days
    record = seller(steady)

    # then no rate moved: the change test stays silent and the score is the configured half-life's
    assert not change_test_fires(record, today=TODAY, config=CONFIG)
    assert compute_trust(record, today=TODAY, config=CONFIG) == compute_trust(record, today=TODAY, config=WITHOUT_TEST)


def test_a_thin_record_is_not_tested_however_different():
    # given a seller with 12 shipments in all: 6 on time long ago, 6 late last week
    thin = SellerEvidence(
        days=tuple(day(age, shipped=1, late=0) for age in range(150, 156))
        + tuple(day(age, shipped=1, late=1) for age in range(6))
    )

    # then fewer than `minimum_trials` trials: no p-value, no firing
    assert change_test_p_values(thin, today=TODAY, config=CONFIG) == {}
    assert not compute_trust(thin, today=TODAY, config=CONFIG).is_recent_window_weighted


def test_holm_correction_counts_every_tested_rate():
    # given a moderately rising late-shipment rate (late on one shipment a day only in the last 20 days)
    record = seller(lambda age: 1 if age < 20 and age % 2 == 0 else steady(age))
    p_late = change_test_p_values(record, today=TODAY, config=CONFIG)["late_shipment"]
    tested = len(change_test_p_values(record, today=TODAY, config=CONFIG))

    # then it fires exactly when the smallest p-value times the number of tested rates is within alpha
    for alpha in (p_late * tested * 1.01, p_late * tested * 0.99):
        config = trust_config({"recent_window": None, "change_test": {**CHANGE_TEST_TUNED, "alpha": str(alpha)}})
        assert change_test_fires(record, today=TODAY, config=config) is (alpha >= p_late * tested)


def test_the_change_test_off_never_fires():
    assert not change_test_fires(seller(declining), today=TODAY, config=WITHOUT_TEST)


def test_empirical_prior_strengths_shrink_less_where_sellers_differ():
    # given sellers whose late-shipment rates differ widely (0 to 1 in 3) and who never cancel
    sellers = [seller(lambda age, k=k: 1 if age % 3 == 0 and k % 2 else 0) for k in range(20)]

    strengths = empirical_prior_strengths(sellers, today=TODAY, config=CONFIG)

    # then the late-shipment prior is weaker than the configured 20 pseudo-observations, never below the floor
    assert 2 <= strengths["late_shipment_rate"] < 20


def test_empirical_prior_strengths_never_exceed_the_configured_prior():
    # given identical sellers (their rates differ by sampling only)
    sellers = [seller(steady) for _ in range(10)]

    strengths = empirical_prior_strengths(sellers, today=TODAY, config=CONFIG)

    assert strengths["late_shipment_rate"] == pytest.approx(float(CONFIG["prior_strength"]))


def test_a_weaker_prior_lets_a_short_good_record_count_more():
    # given a seller with 40 shipments, none late
    short = SellerEvidence(days=tuple(day(age, shipped=2, late=0) for age in range(20)))

    # when its late-shipment prior is worth 5 observations instead of 20
    default = compute_trust(short, today=TODAY, config=CONFIG)
    weaker = compute_trust(short, today=TODAY, config={**CONFIG, "rate_prior_strengths": {"late_shipment_rate": 5}})

    # then the operations pillar moves further from the mediocre prior toward the seller's own record
    assert weaker.pillars["operations"] > default.pillars["operations"]

"""Issue 11 (pure): a seller whose recent evidence clearly differs from its older record is scored with a shorter
memory (score.recent_window_half_life); a steady seller, a thin recent window or a newcomer keeps the configured one."""

import datetime as dt

from comptoir.trust.domain.config import RECENT_WINDOW_TUNED, trust_config
from comptoir.trust.domain.evidence import DayEvidence, PriorEvidence, SellerEvidence
from comptoir.trust.domain.score import compute_trust, recent_window_half_life

CONFIG = trust_config({"recent_window": RECENT_WINDOW_TUNED, "change_test": None})
WITHOUT_RULE = trust_config({"recent_window": None, "change_test": None})
TODAY = dt.date(2025, 6, 30)


def day(age: int, *, orders: int, late: int, rating_permille: int) -> DayEvidence:
    """A day `age` days before TODAY: `orders` orders shipped with tracking, `late` of them late, one review."""
    return DayEvidence(
        day=TODAY - dt.timedelta(days=age),
        orders=orders,
        shipped=orders,
        shipped_late=late,
        shipped_with_valid_tracking=orders,
        delivered=orders,
        delivered_on_time=orders - late,
        reviews=1,
        review_weight_permille=1000,
        rating_weighted_sum_permille=rating_permille,
    )


def history(*, older: tuple[int, int, int], recent: tuple[int, int, int], days: int = 180) -> SellerEvidence:
    """(orders, late, rating ‰) per day, before and inside the last 45 days."""
    return SellerEvidence(
        days=tuple(
            day(age, orders=o, late=late, rating_permille=r)
            for age in range(days)
            for o, late, r in [recent if age < 45 else older]
        )
    )


POOR = (3, 1, 2000)  # a third of the orders late, 2★
EXCELLENT = (3, 0, 5000)


def test_a_seller_that_improved_is_scored_on_its_recent_record_more():
    # given a seller late on a third of its orders until 45 days ago, and perfect since
    improved = history(older=POOR, recent=EXCELLENT)

    # when it is scored
    result = compute_trust(improved, today=TODAY, config=CONFIG)
    long_memory = compute_trust(improved, today=TODAY, config=WITHOUT_RULE)

    # then the recent window weighs more: the score is higher than with the 90-day memory alone
    assert recent_window_half_life(improved, today=TODAY, config=CONFIG) == 20
    assert result.is_recent_window_weighted
    assert not long_memory.is_recent_window_weighted
    assert result.score > long_memory.score + 5


def test_a_seller_that_declined_is_scored_lower_than_its_old_record_says():
    declined = history(older=EXCELLENT, recent=POOR)

    result = compute_trust(declined, today=TODAY, config=CONFIG)
    long_memory = compute_trust(declined, today=TODAY, config=WITHOUT_RULE)

    assert result.is_recent_window_weighted
    assert result.score < long_memory.score - 5


def test_a_steady_seller_keeps_the_configured_half_life_and_its_exact_score():
    steady = history(older=(3, 0, 4000), recent=(3, 0, 4000))

    result = compute_trust(steady, today=TODAY, config=CONFIG)

    assert recent_window_half_life(steady, today=TODAY, config=CONFIG) is None
    assert not result.is_recent_window_weighted
    assert result == compute_trust(steady, today=TODAY, config=WITHOUT_RULE)


def test_a_thin_recent_window_does_not_outweigh_a_long_record_however_different():
    # given a long poor record and, in the last 45 days, two perfect orders only
    older = [d for d in history(older=POOR, recent=POOR, days=180).days if d.day <= TODAY - dt.timedelta(days=45)]
    recent = [day(3, orders=1, late=0, rating_permille=5000), day(10, orders=1, late=0, rating_permille=5000)]
    thin = SellerEvidence(days=(*older, *recent))

    # then the recent window's band is too wide to disagree: the configured memory stands
    assert recent_window_half_life(thin, today=TODAY, config=CONFIG) is None
    assert not compute_trust(thin, today=TODAY, config=CONFIG).is_recent_window_weighted


def test_a_newcomer_with_evidence_only_in_the_recent_window_keeps_the_configured_half_life():
    newcomer = SellerEvidence(days=tuple(day(age, orders=3, late=0, rating_permille=5000) for age in range(30)))

    assert recent_window_half_life(newcomer, today=TODAY, config=CONFIG) is None


def test_inherited_evidence_counts_as_the_older_record():
    # given a re-registered seller whose linked old account was poor, and which trades perfectly now
    old_account = history(older=POOR, recent=POOR, days=180).days
    inherited = SellerEvidence(
        days=tuple(day(age, orders=3, late=0, rating_permille=5000) for age in range(45)),
        prior=PriorEvidence(from_seller_id=7, days=tuple(d for d in old_account if d.day <= TODAY - dt.timedelta(45))),
    )

    # then the old account's record is the older window the recent one is compared with
    assert recent_window_half_life(inherited, today=TODAY, config=CONFIG) == 20


def test_the_rule_can_be_switched_off_by_configuration():
    improved = history(older=POOR, recent=EXCELLENT)

    assert recent_window_half_life(improved, today=TODAY, config=WITHOUT_RULE) is None

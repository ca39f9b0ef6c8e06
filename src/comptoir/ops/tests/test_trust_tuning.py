"""The tuning harness of issue 11 (testing/trust_tuning.py): the rater-bias correction, the rank-error decomposition
and `comptoir simulate --generator independent --database current --analyse`."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from comptoir.testing.marketplace_evaluation import rank_correlation
from comptoir.testing.marketplace_history import HistoryOptions, generate_history
from comptoir.testing.trust_tuning import (
    RatedReview,
    Snapshot,
    evidence_with_rater_offsets,
    rank_error_losses,
    rater_offsets,
)
from comptoir.trust.domain.evidence import DayEvidence, SellerEvidence

DAY = dt.date(2025, 6, 1)


def review(review_id, buyer_id, verdict, *, day=0, seller="shop-001", credibility=1000):
    return RatedReview(review_id, buyer_id, seller, verdict, credibility, DAY + dt.timedelta(days=day))


def test_a_raters_offset_is_its_earlier_reviews_deviation_shrunk_and_its_first_review_is_untouched():
    harsh = [review(1, 7, 2000, day=0), review(2, 7, 2000, day=1), review(3, 7, 2000, day=2)]
    once = [review(4, 8, 5000)]

    offsets = rater_offsets([*reversed(harsh), *once], prior_reviews=1, reference_permille=4000)

    # -2000 per earlier review, over (earlier reviews + 1 pseudo-review): 0, -2000 / 2, -4000 / 3.
    assert offsets == {1: 0, 2: -1000, 3: -1333, 4: 0}
    # The reference defaults to the reviews' mean verdict (here 3000: the harsh rater is 1000 under it).
    assert rater_offsets([*harsh, review(5, 9, 6000)], prior_reviews=1)[3] == round(2 * (2000 - 3000) / 3)
    assert rater_offsets([], prior_reviews=1) == {}


def test_the_correction_moves_only_credible_reviews_rating_sums_within_one_to_five_stars():
    reviews = (
        review(1, 7, 2000),  # offset -1000: counts 3000
        review(2, 8, 4500),  # offset +1000: counts 3500
        review(3, 9, 4800, credibility=400),  # not credible: does not carry its rating, left alone
        review(4, 10, 1000, day=1),  # offset +1500 would give 0 stars: counts 1000, unchanged
    )
    days = (
        DayEvidence(day=DAY, reviews=3, review_weight_permille=2400, rating_weighted_sum_permille=6500),
        DayEvidence(
            day=DAY + dt.timedelta(days=1), reviews=1, review_weight_permille=1000, rating_weighted_sum_permille=1000
        ),
    )
    snapshot = Snapshot(
        today=DAY,
        truth={"shop-001": 0.9},
        start_quality={"shop-001": 0.9},
        archetype={"shop-001": "solid"},
        evidence={"shop-001": SellerEvidence(days=days)},
        reviews=reviews,
    )

    corrected = evidence_with_rater_offsets(snapshot, {1: -1000, 2: 1000, 3: 1000, 4: 1500})

    first, second = corrected["shop-001"].days
    assert first.rating_weighted_sum_permille == 6500 + 1000 - 1000
    assert second.rating_weighted_sum_permille == 1000
    assert first.review_weight_permille == 2400 and first.reviews == 3
    assert snapshot.evidence["shop-001"].days[0].rating_weighted_sum_permille == 6500  # the snapshot is unchanged


def test_rank_error_losses_of_every_seller_sum_to_one_minus_spearman_and_fall_on_the_misranked():
    truth = {"a": 0.9, "b": 0.8, "c": 0.7, "d": 0.6, "e": 0.5}
    scores = {"a": 80.0, "b": 60.0, "c": 70.0, "d": 50.0, "e": 40.0}  # b and c swapped

    losses = rank_error_losses(scores, truth, lambda slug: ["all", "swapped" if slug in "bc" else "right"])

    assert losses["all"] == pytest.approx(1 - rank_correlation(list(scores.values()), list(truth.values())))
    assert losses["swapped"] == pytest.approx(losses["all"])
    assert "right" not in losses or losses["right"] == 0


@pytest.mark.django_db
def test_simulate_analyse_reads_the_imported_history_back_and_reports_the_tuning_measures():
    out = io.StringIO()

    call_command("simulate", generator="independent", scale="small", database="current", analyse=True, stdout=out)

    text = out.getvalue()
    assert "Spearman of the trust score: " in text
    assert "with the recent-window rule: " in text and "sellers scored on their recent window)" in text
    assert "without the change test: " in text and "sellers scored with the short half-life)" in text
    assert "without the empirical prior: " in text
    assert "with the rater-bias correction (1 pseudo-reviews)" in text
    assert "an oracle knowing each seller's true quality at the start" in text
    sellers = len(generate_history(HistoryOptions.at_scale("small")).sellers)
    assert f"\nall | {sellers} | " in text  # every seller of the small history, in the decomposition
    assert "archetype " in text and "orders | " in text


def test_simulate_analyse_needs_the_current_database():
    with pytest.raises(CommandError, match="--database current"):
        call_command("simulate", generator="independent", scale="small", analyse=True, stdout=io.StringIO())

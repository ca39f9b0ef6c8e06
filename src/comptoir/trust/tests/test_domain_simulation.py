"""Spearman, the marketplace simulation's determinism, and the attack proof (issue 4): a ring of 50
colluding buyers boosting a poor seller does not lift it into the top tier or the top 10 of its category."""

import pytest

from comptoir.search.domain.simulated import rank_seller_by_search
from comptoir.trust.domain.simulation import SimulationOptions, average_ranks, run_scenario, spearman

SMALL = SimulationOptions(sellers=30, buyers=600, days=90, seed=11)


def test_average_ranks_share_ties():
    assert average_ranks([10, 30, 20, 30]) == [1.0, 3.5, 2.0, 3.5]


def test_spearman_without_ties_matches_the_classic_formula():
    # d = (1, 1, 1, 1, 0): rho = 1 - 6 × 4 / (5 × 24) = 0.8
    assert spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) == pytest.approx(0.8)


def test_spearman_with_ties_is_pearson_on_average_ranks():
    # ranks of y: (1, 2, 3.5, 5, 3.5); Σ dx·dy = 8, Σ dx² = 10, Σ dy² = 9.5: rho = 8 / √95
    assert spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) == pytest.approx(0.8207826816681233)


def test_spearman_of_reversed_order_is_minus_one_and_rejects_short_samples():
    assert spearman([1, 2, 3], [30, 20, 10]) == pytest.approx(-1.0)
    with pytest.raises(ValueError):
        spearman([1], [1])


def test_simulation_is_deterministic_for_a_seed_and_differs_with_another():
    first = run_scenario(SMALL, "ring")
    again = run_scenario(SMALL, "ring")
    other = run_scenario(SimulationOptions(sellers=30, buyers=600, days=90, seed=12), "ring")

    assert first == again
    assert [outcome.score for outcome in first.sellers] != [outcome.score for outcome in other.sellers]


def test_trust_ranks_sellers_by_true_quality_in_an_honest_marketplace():
    result = run_scenario(SimulationOptions(), "none")

    assert result.spearman_trust > 0.85
    # and honest reviews are almost all left untouched by the fraud signals
    assert result.honest_reviews_at_full_credibility > 0.9


FAKE_REVIEWS = {"ring": (200, 200), "burst": (40, 40), "single_ring": (50, 100), "all": (290, 340)}
FAKE_CREDIBILITY_LIMIT = {"ring": 250, "burst": 200, "single_ring": 100, "all": 250}


@pytest.mark.parametrize("attack", ["ring", "burst", "single_ring", "all"])
@pytest.mark.parametrize("seed", [7, 1, 2, 3, 4])
def test_a_ring_a_burst_or_both_together_do_not_lift_a_poor_seller_into_the_top_tier_or_its_categorys_top_10(
    seed, attack
):
    # given the default marketplace and an attack on its poorest seller: a ring of 50 accounts buying from it (and
    # from two accomplice shops) and reviewing it 5 stars, a burst of 40 new accounts doing the same, a single-target
    # ring of 50 established accounts that bought from it alone (1–2 orders each), or all three (140 accounts)
    result = run_scenario(SimulationOptions(seed=seed), attack, search_rank=rank_seller_by_search)
    target = result.target

    # then the fake reviews are seen: they count a small fraction
    low, high = FAKE_REVIEWS[attack]
    assert low <= target.fake_reviews <= high
    assert target.fake_review_mean_credibility < FAKE_CREDIBILITY_LIMIT[attack]
    # and the boosted seller is not top rated, and stays out of its category's first 10 by trust and by the search
    # ranking
    assert target.category_size > 10
    assert target.tier != "top_rated"
    assert target.rank_by_trust > 10
    assert target.rank_by_search_ranking > 10
    # while the plain mean rating would have put it higher than the trust score does
    assert target.rank_by_mean_rating < target.rank_by_trust


def test_perfectly_fulfilled_fake_orders_do_not_dilute_the_targets_operational_rates():
    # given the same marketplace without and with both attacks (290 fake accounts, 240 perfectly fulfilled orders)
    options = SimulationOptions(seed=7)
    honest = run_scenario(options, "none")
    attacked = run_scenario(options, "all")
    before = next(outcome for outcome in honest.sellers if outcome.seller_id == attacked.target.seller_id)
    # then the target's score moves by less than two points (the discounted reviews), not the ten a diluted
    # cancellation / late-shipment rate would give, and it stays below standard
    assert abs(attacked.target.score - before.score) < 2
    assert attacked.target.tier == before.tier == "below_standard"
    # and the honest marketplace's ranking quality is untouched by the attack
    assert abs(attacked.spearman_trust - honest.spearman_trust) < 0.01

import pytest

from comptoir.search.domain.explain import explain_result
from comptoir.search.domain.ranking import (
    Candidate,
    RankingConfig,
    browse_quality,
    conversion_signal,
    order,
    price_signal,
    rank,
    ranked_result,
    seller_points,
)

CONFIG = RankingConfig()


def candidate(product_id, **overrides):
    values = dict(
        product_id=product_id,
        category_id=1,
        relevance=5.0,
        views=0,
        orders=0,
        delivery_days=5,
        landed_price=10_000,
        seller_trust=50.0,
        visibility_multiplier=1.0,
        satisfaction=50.0,
    )
    values.update(overrides)
    return Candidate(**values)


def test_weights_are_relative_shares_summing_to_one():
    shares = RankingConfig.from_settings(
        {"weights": {"relevance": 2, "trust": 1, "conversion": 1, "delivery": 0, "price": 0, "satisfaction": 0}}
    ).shares()
    assert shares["relevance"] == pytest.approx(0.5) and shares["trust"] == pytest.approx(0.25)
    assert sum(shares.values()) == pytest.approx(1)


def test_with_equal_relevance_the_more_trusted_seller_ranks_first():
    results = rank([candidate(1, seller_trust=40), candidate(2, seller_trust=90)], config=CONFIG)
    assert [result.product_id for result in results] == [2, 1]


def test_relevance_dominates_small_quality_differences():
    results = rank(
        [candidate(1, relevance=10.0, seller_trust=45), candidate(2, relevance=2.0, seller_trust=60)], config=CONFIG
    )
    assert results[0].product_id == 1


def test_below_standard_multiplier_lowers_and_top_rated_raises_visibility():
    results = rank(
        [candidate(1, visibility_multiplier=0.5), candidate(2), candidate(3, visibility_multiplier=1.2)], config=CONFIG
    )
    assert [result.product_id for result in results] == [3, 2, 1]
    assert results[0].score == pytest.approx(results[0].base_score * 1.2)


def test_conversion_is_smoothed_so_tiny_samples_do_not_win():
    lucky = conversion_signal(views=2, orders=1, config=CONFIG)
    proven = conversion_signal(views=1000, orders=100, config=CONFIG)
    assert conversion_signal(0, 0, CONFIG) == pytest.approx(0.5)
    assert proven > lucky > 0.5


def test_price_signal_is_half_at_the_category_median_and_better_when_cheaper():
    assert price_signal(100, 100.0, CONFIG) == pytest.approx(0.5)
    assert price_signal(70, 100.0, CONFIG) == pytest.approx(1.0)
    assert price_signal(140, 100.0, CONFIG) == 0.0
    results = rank(
        [candidate(1, landed_price=15_000), candidate(2, landed_price=8_000), candidate(3, landed_price=10_000)],
        config=CONFIG,
    )
    assert results[0].product_id == 2


def test_faster_delivery_ranks_higher():
    results = rank([candidate(1, delivery_days=12), candidate(2, delivery_days=3)], config=CONFIG)
    assert results[0].product_id == 2


def test_without_a_text_query_relevance_is_neutral():
    results = rank(
        [candidate(1, relevance=0.0, seller_trust=80), candidate(2, relevance=0.0)], config=CONFIG, has_text_query=False
    )
    assert all(
        next(item for item in result.contributions if item.factor == "relevance").signal == 1.0 for result in results
    )
    assert results[0].product_id == 1


def test_explanation_contributions_sum_to_the_score_and_are_sorted():
    result = rank([candidate(1, seller_trust=80, views=100, orders=10)], config=CONFIG)[0]
    explanation = explain_result(result)
    assert sum(line.points for line in explanation.factors) == pytest.approx(explanation.base_score)
    assert [line.points for line in explanation.factors] == sorted(
        (line.points for line in explanation.factors), reverse=True
    )
    assert sum(line.weight_percent for line in explanation.factors) == pytest.approx(100)
    assert explanation.as_dict()["factors"][0]["factor"] == "relevance"


def test_ties_are_broken_deterministically_by_product_id():
    results = rank([candidate(9), candidate(3), candidate(5)], config=CONFIG)
    assert [result.product_id for result in results] == [3, 5, 9]


def test_the_fast_order_gives_rank_s_order_and_scores_without_building_explanations():
    # given candidates that differ on every signal, two of them in another category
    candidates = [
        candidate(1, relevance=3.0, seller_trust=70, landed_price=9_000),
        candidate(2, relevance=5.0, delivery_days=12),
        candidate(3, relevance=4.0, views=400, orders=30, visibility_multiplier=1.1),
        candidate(4, category_id=2, landed_price=20_000),
        candidate(5, category_id=2, relevance=1.0, landed_price=5_000, visibility_multiplier=0.5),
    ]
    # when ordered by the fast path and by the explained ranking
    scored, context = order(candidates, config=CONFIG)
    explained = rank(candidates, config=CONFIG)
    # then both agree on the order and the scores, and the explanation built later for one hit matches its score
    assert [item.product_id for item, _score in scored] == [result.product_id for result in explained]
    assert [score for _item, score in scored] == pytest.approx([result.score for result in explained])
    later = ranked_result(scored[2][0], context, CONFIG)
    assert later.score == pytest.approx(scored[2][1])
    assert context.best_relevance == 5.0 and context.medians == {1: 10_000.0, 2: 12_500.0}


def test_the_browse_quality_is_the_score_ranked_alone_without_text_split_into_base_and_seller_points():
    # given candidates from sellers of every kind (neutral, top rated, below standard, suspended)
    config = RankingConfig.from_settings({"weights": {"trust": 30, "satisfaction": 5}})
    for values in (
        dict(),
        dict(seller_trust=92.5, satisfaction=88.0, visibility_multiplier=1.2),
        dict(seller_trust=31.0, visibility_multiplier=0.6),
        dict(visibility_multiplier=0.0),
        dict(seller_trust=140.0, satisfaction=-5.0),
    ):
        alone = candidate(1, views=120, orders=7, **values)
        # when its browse quality is computed
        quality = browse_quality(alone, config)
        # then it is the ranking score without text, and multiplier × (base + seller points) rebuilds it from the
        # stored base
        assert quality.score == pytest.approx(rank([alone], config=config, has_text_query=False)[0].score, abs=1e-12)
        assert quality.seller_points == seller_points(alone.seller_trust, alone.satisfaction, config)
        assert quality.score == alone.visibility_multiplier * (
            quality.base + seller_points(alone.seller_trust, alone.satisfaction, config)
        )


def test_the_base_of_the_browse_quality_does_not_depend_on_the_seller():
    # given the same product sold by a top-rated and by a below-standard seller
    trusted = browse_quality(candidate(1, seller_trust=95.0, satisfaction=90.0, visibility_multiplier=1.2), CONFIG)
    doubtful = browse_quality(candidate(1, seller_trust=20.0, satisfaction=30.0, visibility_multiplier=0.5), CONFIG)
    # then only the seller points and the multiplier differ
    assert trusted.base == doubtful.base
    assert trusted.seller_points > doubtful.seller_points and trusted.score > doubtful.score

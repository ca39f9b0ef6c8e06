import pytest

from comptoir.search.domain.explain import explain_featured
from comptoir.search.domain.featured import FeaturedConfig, OfferFacts, choose_featured, eligibility_reasons

CONFIG = FeaturedConfig()


def offer(offer_id, **overrides):
    values = dict(
        offer_id=offer_id,
        seller_id=offer_id * 10,
        is_seller_verified=True,
        stock=5,
        landed_price=10_000,
        currency="EUR",
        days_to_latest=5,
        fulfilment_method="merchant",
        trust_score=60.0,
        seller_tier="good",
        is_eligible_for_featured=True,
    )
    values.update(overrides)
    return OfferFacts(**values)


def test_cheapest_wins_when_everything_else_is_equal():
    decision = choose_featured([offer(1, landed_price=12_000), offer(2, landed_price=9_900), offer(3)], config=CONFIG)
    assert decision.winner.offer_id == 2
    assert [item.offer_id for item in decision.alternatives] == [3, 1]


def test_below_standard_out_of_stock_unverified_and_not_shipping_are_not_eligible():
    offers = [
        offer(1, landed_price=5_000, seller_tier="below_standard", is_eligible_for_featured=False),
        offer(2, stock=0, landed_price=5_000),
        offer(3, is_seller_verified=False, landed_price=5_000),
        offer(4, landed_price=None),
        offer(5, landed_price=20_000),
    ]
    decision = choose_featured(offers, config=CONFIG)
    assert decision.winner.offer_id == 5
    assert decision.alternatives == ()
    assert decision.ineligible == {
        1: ("seller_below_standard",),
        2: ("out_of_stock",),
        3: ("seller_not_verified",),
        4: ("does_not_ship_to_country",),
    }


def test_a_much_more_trusted_faster_seller_beats_a_slightly_cheaper_one():
    decision = choose_featured(
        [
            offer(1, landed_price=10_000, trust_score=30, days_to_latest=12),
            offer(2, landed_price=10_300, trust_score=90, days_to_latest=3),
        ],
        config=CONFIG,
    )
    assert decision.winner.offer_id == 2


def test_marketplace_fulfilment_counts_as_configured():
    decision = choose_featured(
        [offer(1, fulfilment_method="dropship"), offer(2, fulfilment_method="marketplace")], config=CONFIG
    )
    assert decision.winner.offer_id == 2
    assert decision.winner.signals["fulfilment"] == 1.0


def test_at_most_three_alternatives():
    decision = choose_featured([offer(index, landed_price=10_000 + index) for index in range(1, 7)], config=CONFIG)
    assert decision.winner.offer_id == 1 and len(decision.alternatives) == 3


def test_no_eligible_offer_means_no_winner():
    decision = choose_featured([offer(1, stock=0)], config=CONFIG)
    assert decision.winner is None and decision.alternatives == ()


def test_explanation_gives_relative_weights_and_each_factor():
    decision = choose_featured([offer(1), offer(2, landed_price=11_000), offer(3, stock=0)], config=CONFIG)
    explanation = explain_featured(decision)
    assert sum(explanation["weights_percent"].values()) == pytest.approx(100)
    assert explanation["winner"]["offer_id"] == 1
    assert {line["factor"] for line in explanation["winner"]["factors"]} == {"price", "delivery", "trust", "fulfilment"}
    assert explanation["ineligible"] == {"3": ["out_of_stock"]}


def test_eligibility_reasons_empty_for_a_good_offer():
    assert eligibility_reasons(offer(1)) == ()


def test_offers_in_another_currency_than_the_compared_one_are_not_featured():
    # 1,000 JPY is not "cheaper" than 20.00 EUR: without a rate the yen offer is not compared at all.
    decision = choose_featured(
        [offer(1, landed_price=1000, currency="JPY"), offer(2, landed_price=2000, currency="EUR")],
        config=CONFIG,
        currency="EUR",
    )
    assert decision.winner.offer_id == 2
    assert decision.ineligible == {1: ("other_currency",)}


def test_without_a_compared_currency_the_most_common_one_competes_not_the_lowest_raw_amount():
    decision = choose_featured(
        [
            offer(1, landed_price=1000, currency="JPY"),
            offer(2, landed_price=2000, currency="EUR"),
            offer(3, landed_price=2100, currency="EUR"),
        ],
        config=CONFIG,
    )
    assert decision.winner.offer_id == 2
    assert decision.ineligible == {1: ("other_currency",)}

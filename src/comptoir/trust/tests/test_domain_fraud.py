"""Review credibility signals (trust/domain/fraud.py): each signal on a constructed case, and honest
reviews keep full weight. Pure: no database."""

import random
from datetime import UTC, date, datetime, timedelta

from comptoir.trust.domain.fraud import ReviewFacts, SellerFingerprints, review_credibility

TODAY = date(2025, 6, 30)
NOW = datetime(2025, 6, 20, 12, 0, tzinfo=UTC)
_ids = iter(range(1, 1_000_000))


def facts(*, buyer_id, seller_id, at=NOW, age_days=400, orders=8, sellers=4, address="", card="", rating=5):
    return ReviewFacts(
        review_id=next(_ids),
        buyer_id=buyer_id,
        seller_id=seller_id,
        created_at=at,
        buyer_joined_at=at - timedelta(days=age_days),
        buyer_order_count=orders,
        shipping_address_hash=address,
        payment_fingerprint=card,
        rating=rating,
        buyer_seller_count=sellers,
    )


def honest_marketplace(*, buyers=200, sellers=20, per_buyer=3, seed=1):
    chooser = random.Random(seed)
    reviews = []
    for buyer in range(1, buyers + 1):
        for index, seller in enumerate(chooser.sample(range(1, sellers + 1), per_buyer)):
            reviews.append(
                facts(
                    buyer_id=buyer,
                    seller_id=seller,
                    at=NOW - timedelta(days=chooser.randrange(60), hours=index),
                    age_days=chooser.randrange(40, 2000),
                    address=f"addr-{buyer}",
                    card=f"card-{buyer}",
                    rating=chooser.randint(1, 5),
                )
            )
    return reviews


def test_honest_reviews_keep_full_credibility():
    # given an ordinary marketplace: established accounts, own cards and addresses, reviews spread over sellers
    reviews = honest_marketplace()

    # when
    result = review_credibility(reviews, today=TODAY)

    # then every review counts fully, with no reason given
    assert {credibility.permille for credibility in result.values()} == {1000}
    assert all(credibility.reasons == [] for credibility in result.values())


def test_new_account_with_one_purchase_is_discounted_and_says_why():
    # given a review from an account created the same day, with one purchase
    fresh = facts(buyer_id=1, seller_id=1, age_days=0, orders=1)
    # and one from a 15-day-old account with one purchase, and a new account that already has 5 purchases
    half = facts(buyer_id=2, seller_id=1, age_days=15, orders=1)
    busy = facts(buyer_id=3, seller_id=2, age_days=2, orders=5)

    # when
    result = review_credibility([fresh, half, busy], today=TODAY)

    # then weight falls linearly from 1000 to the floor of 400 with experience (max of age and purchases)
    assert result[fresh.review_id].permille == 520
    assert "0 day(s) old with 1 verified purchase(s)" in result[fresh.review_id].reasons[0]
    assert result[half.review_id].permille == 700
    assert result[busy.review_id].permille == 1000


def test_purchases_all_from_one_seller_are_discounted():
    # given an old account whose four purchases are all from the reviewed seller
    loyal = facts(buyer_id=1, seller_id=1, orders=4, sellers=1)
    # and an old account with two purchases from one seller (too few to say anything)
    occasional = facts(buyer_id=2, seller_id=1, orders=2, sellers=1)

    result = review_credibility([loyal, occasional], today=TODAY)

    assert result[loyal.review_id].permille == 700
    assert result[loyal.review_id].reasons == ["All 4 of the reviewer's purchases are from this one seller."]
    assert result[occasional.review_id].permille == 1000


def test_burst_of_new_accounts_is_discounted_but_the_sellers_other_reviews_are_not():
    # given a seller with honest reviews, then six reviews within three days from accounts a few days old
    honest = [facts(buyer_id=buyer, seller_id=7, at=NOW - timedelta(days=buyer)) for buyer in range(1, 4)]
    burst = [
        facts(buyer_id=100 + index, seller_id=7, at=NOW + timedelta(hours=12 * index), age_days=3, orders=1)
        for index in range(6)
    ]

    # when
    result = review_credibility(honest + burst, today=TODAY)

    # then the burst reviews count 0.25 × their experience weight (3 days, 1 purchase: 0.4 + 0.6 × 1/5 = 0.52) = 130 ‰
    assert {result[review.review_id].permille for review in burst} == {130}
    assert any("burst: 6 of" in reason for reason in result[burst[0].review_id].reasons)
    # and the honest reviews keep full weight
    assert {result[review.review_id].permille for review in honest} == {1000}


def test_a_few_new_accounts_spread_over_time_are_not_a_burst():
    # given four new-account reviews (below the minimum of five) and five more spread one per ten days
    few = [
        facts(buyer_id=index, seller_id=7, at=NOW + timedelta(hours=index), age_days=10, orders=1) for index in range(4)
    ]
    spread = [
        facts(buyer_id=50 + index, seller_id=8, at=NOW - timedelta(days=10 * index), age_days=10, orders=1)
        for index in range(5)
    ]

    result = review_credibility(few + spread, today=TODAY)

    assert all(not any("burst" in reason for reason in result[review.review_id].reasons) for review in few + spread)


def test_accounts_sharing_a_payment_card_on_one_seller_count_as_one_review():
    # given three buyer accounts paying with the same card, reviewing the same seller
    shared = [facts(buyer_id=buyer, seller_id=1, card="card-x", address=f"a{buyer}") for buyer in (1, 2, 3)]
    # and a fourth account using that card on another seller only
    elsewhere = facts(buyer_id=4, seller_id=2, card="card-x", address="a4")

    result = review_credibility([*shared, elsewhere], today=TODAY)

    assert {result[review.review_id].permille for review in shared} == {333}
    assert result[shared[0].review_id].reasons == [
        "The reviewer shares a payment card with 2 other reviewer account(s) of this seller."
    ]
    assert result[elsewhere.review_id].permille == 1000


def test_shared_address_tolerates_a_household_but_not_a_drop_point():
    household = [facts(buyer_id=buyer, seller_id=1, address="home", card=f"c{buyer}") for buyer in (1, 2)]
    drop_point = [facts(buyer_id=buyer, seller_id=2, address="drop", card=f"c{buyer}") for buyer in (10, 11, 12, 13)]

    result = review_credibility(household + drop_point, today=TODAY)

    assert {result[review.review_id].permille for review in household} == {750}
    assert {result[review.review_id].permille for review in drop_point} == {250}


def test_self_promotion_through_the_sellers_own_card_or_address():
    # given the seller's members' card and address fingerprints
    own = {
        1: SellerFingerprints(payment_fingerprints=frozenset({"owner-card"}), address_hashes=frozenset({"owner-home"}))
    }
    by_card = facts(buyer_id=1, seller_id=1, card="owner-card", address="elsewhere")
    by_address = facts(buyer_id=2, seller_id=1, card="c2", address="owner-home")
    other_seller = facts(buyer_id=3, seller_id=2, card="owner-card", address="x")

    result = review_credibility([by_card, by_address, other_seller], today=TODAY, seller_fingerprints=own)

    assert result[by_card.review_id].permille == 0
    assert result[by_card.review_id].reasons == [
        "Self-promotion: the reviewer paid with a card used by the seller's own members."
    ]
    assert result[by_address.review_id].permille == 100
    assert result[other_seller.review_id].permille == 1000


def test_review_ring_on_a_group_of_sellers_is_discounted_and_honest_reviewers_of_those_sellers_are_not():
    # given an honest marketplace (1,000 buyers, 50 sellers) and a ring of 20 established accounts that all review
    # sellers 1, 2 and 3
    honest = honest_marketplace(buyers=1000, sellers=50)
    ring = [
        facts(buyer_id=5000 + member, seller_id=seller, address=f"r{member}", card=f"rc{member}")
        for member in range(20)
        for seller in (1, 2, 3)
    ]

    # when
    result = review_credibility(honest + ring, today=TODAY)

    # then every ring review counts 200 ‰ and names the ring
    assert {result[review.review_id].permille for review in ring} == {200}
    assert "Review ring" in result[ring[0].review_id].reasons[0]
    # and honest reviewers of those sellers whose reviews are mostly elsewhere keep full weight
    sellers_of = {}
    for review in honest:
        sellers_of.setdefault(review.buyer_id, set()).add(review.seller_id)
    spread_out = [
        review
        for review in honest
        if review.seller_id in (1, 2, 3) and len(sellers_of[review.buyer_id] & {1, 2, 3}) < 2
    ]
    assert spread_out
    assert {result[review.review_id].permille for review in spread_out} == {1000}


def test_popular_sellers_sharing_many_reviewers_by_chance_are_not_a_ring():
    # given two sellers each reviewed by most of the marketplace's buyers
    reviews = []
    for buyer in range(1, 101):
        reviews.append(facts(buyer_id=buyer, seller_id=1, address=f"a{buyer}", card=f"c{buyer}"))
        if buyer % 5:
            reviews.append(facts(buyer_id=buyer, seller_id=2, address=f"a{buyer}", card=f"c{buyer}"))

    result = review_credibility(reviews, today=TODAY)

    # then the overlap is what the marketplace predicts (lift 1): nobody is discounted
    assert {credibility.permille for credibility in result.values()} == {1000}


def test_reviews_after_today_are_not_evidence_against_others():
    # given five new-account reviews, four of them dated after today
    today_review = facts(buyer_id=1, seller_id=1, at=datetime(2025, 6, 30, 9, tzinfo=UTC), age_days=60)
    future = [
        facts(buyer_id=10 + index, seller_id=1, at=datetime(2025, 7, 1, 9 + index, tzinfo=UTC), age_days=2, orders=1)
        for index in range(5)
    ]

    result = review_credibility([today_review, *future], today=TODAY)

    assert all("burst" not in reason for review in future for reason in result[review.review_id].reasons)


def test_result_is_deterministic():
    reviews = honest_marketplace(seed=3) + [
        facts(buyer_id=5000 + index, seller_id=1, age_days=1, orders=1, card="same") for index in range(6)
    ]

    assert review_credibility(reviews, today=TODAY) == review_credibility(list(reviews), today=TODAY)


def test_counting_only_triples_of_frequent_pairs_finds_what_counting_every_triple_finds(monkeypatch):
    # given a marketplace where reviewers review many sellers, with two rings: one on a triple whose pairs are all
    # frequent, one on a pair hidden among popular sellers, and reviewers whose triples are rare
    from itertools import combinations

    from comptoir.trust.domain import fraud

    chooser = random.Random(7)
    reviews = honest_marketplace(buyers=600, sellers=60, per_buyer=4, seed=3)
    reviews += [
        facts(buyer_id=7000 + member, seller_id=seller, address=f"t{member}", card=f"tc{member}")
        for member in range(12)
        for seller in (4, 9, 17)
    ]
    reviews += [
        facts(buyer_id=8000 + member, seller_id=seller, address=f"p{member}", card=f"pc{member}")
        for member in range(9)
        for seller in (2, 23, chooser.choice((5, 6)))
    ]

    # when the analysis runs as shipped (triples only where their three pairs reach the minimum) and counting every
    # triple
    pruned = review_credibility(reviews, today=TODAY)
    monkeypatch.setattr(fraud, "_triples_of_frequent_pairs", lambda sellers, frequent: combinations(sellers, 3))
    exhaustive = review_credibility(reviews, today=TODAY)

    # then both give every review the same credibility and reasons, rings found
    assert pruned == exhaustive
    assert any("Review ring" in reason for credibility in pruned.values() for reason in credibility.reasons)

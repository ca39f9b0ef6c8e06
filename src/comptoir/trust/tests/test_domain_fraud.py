"""Review credibility signals (trust/domain/fraud.py): each signal on a constructed case, and honest
reviews keep full weight. Pure: no database."""

import random
from datetime import UTC, date, datetime, timedelta

from comptoir.trust.domain.fraud import (
    BURST,
    EXPERIENCE,
    SINGLE_TARGET,
    Analysis,
    Credibility,
    ReviewFacts,
    SellerFingerprints,
    SellerOperations,
    Suspect,
    UnreviewedOrder,
    review_analysis,
    review_credibility,
    suspect_orders,
    suspect_sellers,
)

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


def test_a_review_older_than_its_buyers_live_account_is_of_unknown_age_not_a_new_account():
    # given a review imported from an old system, dated 90 days before the buyer's live account opened (the import
    # keeps a live account's own opening date), from a buyer with one purchase
    imported = facts(buyer_id=1, seller_id=1, age_days=-90, orders=1)
    # and, for contrast, a review written on the live account's first day
    fresh = facts(buyer_id=2, seller_id=1, age_days=0, orders=1)

    # when
    result = review_credibility([imported, fresh], today=TODAY)

    # then the imported review keeps its full weight: its buyer's age then is unknown, neither new nor old
    assert result[imported.review_id].permille == 1000
    assert result[imported.review_id].reasons == []
    assert result[fresh.review_id].permille == 520


def test_an_unknown_account_age_is_neither_new_nor_old():
    # given imported reviewers whose account opening date is unknown, with one or two purchases each, six of them
    # reviewing one seller 5 stars within three days
    imported = [
        facts(buyer_id=index, seller_id=7, at=NOW + timedelta(hours=12 * index), orders=1 + index % 2, sellers=1)
        for index in range(6)
    ]
    imported = [review._replace(buyer_joined_at=None) for review in imported]

    # when
    result = review_credibility(imported, today=TODAY)

    # then none is discounted as inexperienced nor as a burst of new accounts
    assert {result[review.review_id].permille for review in imported} == {1000}


def test_an_unknown_account_age_keeps_the_other_signals():
    # given three imported accounts (age unknown) paying with the same card on one seller
    shared = [
        facts(buyer_id=buyer, seller_id=1, card="card-x", address=f"a{buyer}")._replace(buyer_joined_at=None)
        for buyer in (1, 2, 3)
    ]

    result = review_credibility(shared, today=TODAY)

    # then they still count as one review
    assert {result[review.review_id].permille for review in shared} == {333}


def test_a_loyal_customer_of_one_seller_keeps_full_weight():
    # given an old account whose four purchases are all from the reviewed seller: a repeat customer, not evidence
    loyal = facts(buyer_id=1, seller_id=1, orders=4, sellers=1)

    result = review_credibility([loyal], today=TODAY)

    assert result[loyal.review_id].permille == 1000


def test_a_new_accounts_disparaging_review_is_not_part_of_a_burst_of_praise():
    # given six 5-star reviews from accounts a few days old within three days, and a 1-star one among them from another
    # new account
    praise = [
        facts(buyer_id=100 + index, seller_id=7, at=NOW + timedelta(hours=12 * index), age_days=3, orders=1)
        for index in range(6)
    ]
    complaint = facts(buyer_id=200, seller_id=7, at=NOW + timedelta(hours=30), age_days=3, orders=1, rating=1)

    result = review_credibility([*praise, complaint], today=TODAY)

    # then the praise is a burst, the complaint only carries its own inexperience discount
    assert all(any("burst" in reason for reason in result[review.review_id].reasons) for review in praise)
    assert result[complaint.review_id].permille == 520
    # and a burst of slander is one too
    slander = [review._replace(review_id=next(_ids), seller_id=8, rating=1) for review in praise]
    result = review_credibility(slander, today=TODAY)
    assert all(any("burst" in reason for reason in result[review.review_id].reasons) for review in slander)


def test_accounts_opened_together_that_praise_one_seller_are_a_cohort():
    # given a marketplace whose accounts opened over four years, and ten accounts opened the same week a year ago
    # that all rate seller 3 five stars months later, at different times
    reviews = honest_marketplace(buyers=400, sellers=20)
    cohort = [
        facts(
            buyer_id=9000 + index,
            seller_id=3,
            at=NOW - timedelta(days=5 * index),
            age_days=365 - 5 * index + index % 4,
            address=f"c{index}",
            card=f"cc{index}",
        )
        for index in range(10)
    ]

    result = review_credibility(reviews + cohort, today=TODAY)

    assert {result[review.review_id].permille for review in cohort} == {250}
    assert "opened within 3 days" in result[cohort[0].review_id].reasons[0]
    # and no honest account is part of a cohort
    assert {result[review.review_id].permille for review in reviews} == {1000}


def one_time_buyer_marketplace(*, seed=5, sellers=30, multi_buyers=600, single_buyers=500, popular=2):
    """Sellers 1..`sellers` with a hidden satisfaction; buyers who review 3 sellers and one-time buyers who review one
    (45 % of reviewers: an ordinary marketplace); seller `popular` draws a fifth of all purchases. Each seller's
    operational summary follows its satisfaction. Ages unknown (imported)."""
    chooser = random.Random(seed)
    satisfaction = {seller: 0.55 + 0.4 * chooser.random() for seller in range(1, sellers + 1)}
    satisfaction[1] = 0.3  # the poor seller

    def pick():
        return popular if chooser.random() < 0.2 else chooser.randint(1, sellers)

    def rating(seller):
        return chooser.choice((4, 5, 5)) if chooser.random() < satisfaction[seller] else chooser.choice((1, 2, 2, 3))

    reviews = []
    for buyer in range(1, multi_buyers + 1):
        chosen = set()
        while len(chosen) < 3:
            chosen.add(pick())
        for seller in sorted(chosen):
            reviews.append(
                facts(
                    buyer_id=buyer,
                    seller_id=seller,
                    at=NOW - timedelta(days=chooser.randrange(90)),
                    orders=3,
                    sellers=3,
                    rating=rating(seller),
                    address=f"a{buyer}",
                    card=f"c{buyer}",
                )._replace(buyer_joined_at=None)
            )
    for buyer in range(10_000, 10_000 + single_buyers):
        seller = pick()
        reviews.append(
            facts(
                buyer_id=buyer,
                seller_id=seller,
                at=NOW - timedelta(days=chooser.randrange(90)),
                orders=1,
                sellers=1,
                rating=rating(seller),
                address=f"a{buyer}",
                card=f"c{buyer}",
            )._replace(buyer_joined_at=None)
        )
    operations = {
        seller: SellerOperations(orders=200, adverse=round(200 * (1 - value) * 0.5))
        for seller, value in satisfaction.items()
    }
    return reviews, operations


def test_a_ring_of_accounts_that_bought_only_from_one_poor_seller_is_near_zero():
    # given an ordinary marketplace with many one-time buyers, and 50 accounts whose whole history is one order from
    # the poor seller 1 (its orders often go wrong), each reviewing it 5 stars; no accomplice shop, ages unknown
    reviews, operations = one_time_buyer_marketplace()
    ring = [
        facts(
            buyer_id=50_000 + member,
            seller_id=1,
            at=NOW - timedelta(days=member % 60),
            orders=1,
            sellers=1,
            address=f"r{member}",
            card=f"rc{member}",
        )._replace(buyer_joined_at=None)
        for member in range(50)
    ]

    # when
    result = review_credibility(reviews + ring, today=TODAY, seller_operations=operations)

    # then the ring's reviews weigh next to nothing (below the 500 ‰ under which a positive review adds nothing to the
    # score: evidence.adverse_only) and say why
    assert max(result[review.review_id].permille for review in ring) <= 150
    assert "Single-seller accounts" in result[ring[0].review_id].reasons[0]
    # and the seller's multi-seller and disparaging reviews are untouched
    others = [
        review for review in reviews if review.seller_id == 1 and (review.buyer_seller_count > 1 or review.rating < 4)
    ]
    assert others
    assert {result[review.review_id].permille for review in others} == {1000}


def test_a_slander_campaign_of_one_purchase_accounts_against_a_good_seller_is_near_zero():
    # given the ordinary marketplace and 30 accounts whose whole history is one purchase from the good seller 3, each
    # reviewing it 1 star
    reviews, operations = one_time_buyer_marketplace()
    operations[3] = SellerOperations(orders=200, adverse=2)
    slander = [
        facts(
            buyer_id=70_000 + member,
            seller_id=3,
            at=NOW - timedelta(days=member % 14),
            orders=1,
            sellers=1,
            rating=1,
        )._replace(buyer_joined_at=None)
        for member in range(30)
    ]

    result = review_credibility(reviews + slander, today=TODAY, seller_operations=operations)

    # then the slander weighs next to nothing (below 500 ‰: not a defect either)
    assert max(result[review.review_id].permille for review in slander) < 200
    assert "give it 1 star(s)" in result[slander[0].review_id].reasons[0]
    # and the seller's multi-seller reviews and its other ratings are untouched (its honest one-time 1-star reviews
    # share the slander's factor: they cannot be told apart)
    untouched = [
        review for review in reviews if review.seller_id == 3 and (review.buyer_seller_count > 1 or review.rating > 1)
    ]
    assert len(untouched) > 20
    assert {result[review.review_id].permille for review in untouched} == {1000}


def test_one_time_buyers_of_a_popular_honest_seller_keep_full_credibility():
    # given the same marketplace without a ring: the popular seller 2 has hundreds of one-time buyers
    reviews, operations = one_time_buyer_marketplace()
    popular = [review for review in reviews if review.seller_id == 2 and review.buyer_seller_count == 1]
    assert len(popular) > 80

    result = review_credibility(reviews, today=TODAY, seller_operations=operations)

    # then every review keeps full weight, the popular seller's one-time buyers included
    assert {credibility.permille for credibility in result.values()} == {1000}


def test_single_seller_praise_that_matches_the_sellers_other_reviews_is_not_a_ring():
    # given a seller whose reviewers are unusually often one-time buyers (30 more than the marketplace's share), who
    # rate it as its multi-seller reviewers do
    reviews, operations = one_time_buyer_marketplace(seed=8)
    others = sorted(review.rating for review in reviews if review.seller_id == 5 and review.buyer_seller_count > 1)
    assert len(others) > 20
    loyal = [
        facts(
            buyer_id=60_000 + index,
            seller_id=5,
            at=NOW - timedelta(days=index),
            orders=1,
            sellers=1,
            rating=others[(index * len(others)) // 30],  # the same distribution of ratings
        )._replace(buyer_joined_at=None)
        for index in range(30)
    ]

    result = review_credibility(reviews + loyal, today=TODAY, seller_operations=operations)

    # then the excess of one-time buyers alone discounts nothing
    assert {result[review.review_id].permille for review in loyal} == {1000}


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

    # then every ring review counts 200 ‰ and names the ring (times 250 ‰ more: its accounts were all opened the same
    # day, a cohort)
    assert {result[review.review_id].permille for review in ring} == {50}
    assert "opened within 3 days" in result[ring[0].review_id].reasons[0]
    assert "Review ring" in result[ring[0].review_id].reasons[1]
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


# --- Suspect orders: the unreviewed orders a praise campaign reaches --------------------------------------------


def _unreviewed(order_id, *, buyer_id, seller_id, at=NOW, age_days=400, sellers=3):
    return UnreviewedOrder(order_id, buyer_id, seller_id, at, at - timedelta(days=age_days), sellers)


def test_a_burst_makes_new_accounts_unreviewed_orders_and_the_flagged_buyers_other_orders_suspect():
    # given an honest marketplace, a burst of six 5-star reviews from accounts a few days old on seller 1 and one
    # 1-star review burst (slander) from new accounts on seller 2
    reviews = honest_marketplace(buyers=60)
    burst = [facts(buyer_id=900 + n, seller_id=1, at=NOW - timedelta(hours=n), age_days=3, orders=1) for n in range(6)]
    slander = [
        facts(buyer_id=950 + n, seller_id=2, at=NOW - timedelta(hours=n), age_days=3, orders=1, rating=1)
        for n in range(6)
    ]
    analysis = review_analysis([*reviews, *burst, *slander], today=TODAY)
    assert all(BURST in analysis.signals[review.review_id] for review in burst)
    orders = [
        _unreviewed(1, buyer_id=900, seller_id=1, at=NOW - timedelta(days=2)),  # a burst account's other order
        _unreviewed(2, buyer_id=990, seller_id=1, at=NOW + timedelta(days=1), age_days=5),  # a new account, no review
        _unreviewed(3, buyer_id=991, seller_id=1, at=NOW + timedelta(days=1), age_days=200),  # an old account
        _unreviewed(4, buyer_id=992, seller_id=1, at=NOW - timedelta(days=45), age_days=5),  # long before the burst
        _unreviewed(5, buyer_id=950, seller_id=2, at=NOW - timedelta(days=2)),  # a slanderer's other order
        _unreviewed(6, buyer_id=993, seller_id=2, at=NOW + timedelta(days=1), age_days=5),  # new, slandered seller
        _unreviewed(8, buyer_id=994, seller_id=2, at=NOW + timedelta(days=1), age_days=300),  # established, slandered
        _unreviewed(7, buyer_id=900, seller_id=3, at=NOW),  # the burst account's order elsewhere
    ]

    # when the suspect orders are found
    suspects = suspect_orders([*reviews, *burst, *slander], analysis, orders, threshold_permille=500)

    # then the flagged buyer's other order with the seller and the new account's order during the burst count only
    # against the seller, each with its reason; the slanderer's other order and the new account's order during the
    # burst of complaints are left out (they would count against the victim alone); nothing elsewhere
    assert sorted(suspects) == [1, 2, 5, 6]
    assert suspects[1] == Suspect(1, "The buyer's review of this seller was judged not credible.", True)
    assert suspects[2].seller_id == 1 and "burst of praise" in suspects[2].reason and suspects[2].counts_against_seller
    assert suspects[5] == Suspect(2, "The buyer's review of this seller was judged not credible.", False)
    assert "burst of complaints" in suspects[6].reason and not suspects[6].counts_against_seller
    assert suspect_sellers([*reviews, *burst, *slander], analysis, threshold_permille=500) == {1, 2}


def test_a_single_target_ring_makes_its_sellers_single_seller_buyers_unreviewed_orders_suspect():
    # given a seller whose single-seller 5-star reviews were scaled down (a single-target ring), with an imported
    # history (account ages unknown)
    ring = [facts(buyer_id=700 + n, seller_id=4, age_days=0, sellers=1) for n in range(3)]
    ring = [review._replace(buyer_joined_at=None) for review in ring]
    honest = facts(buyer_id=800, seller_id=4, sellers=5, rating=4)
    analysis = Analysis(
        credibility={
            **{review.review_id: Credibility(20, ["single"]) for review in ring},
            honest.review_id: Credibility(1000),
        },
        signals={review.review_id: frozenset({SINGLE_TARGET}) for review in ring},
    )
    orders = [
        _unreviewed(1, buyer_id=710, seller_id=4, at=NOW + timedelta(days=3), sellers=1),  # alone with the seller
        _unreviewed(2, buyer_id=711, seller_id=4, at=NOW + timedelta(days=3), sellers=2),  # also buys elsewhere
        _unreviewed(3, buyer_id=712, seller_id=4, at=NOW - timedelta(days=40), sellers=1),  # long before
    ]
    orders[0] = orders[0]._replace(buyer_joined_at=None)

    # when / then only the single-seller buyer's order during the campaign is suspect
    assert sorted(suspect_orders([*ring, honest], analysis, orders, threshold_permille=500)) == [1]
    # and inexperience alone (an honest new account) reaches nothing
    inexperienced = Analysis(
        credibility={review.review_id: Credibility(450, ["new"]) for review in ring},
        signals={review.review_id: frozenset({EXPERIENCE}) for review in ring},
    )
    assert suspect_orders(ring, inexperienced, orders, threshold_permille=500) == {}


def test_review_analysis_gives_the_credibility_of_review_credibility():
    reviews = [
        *honest_marketplace(buyers=40),
        *[facts(buyer_id=900 + n, seller_id=1, age_days=2, orders=1) for n in range(6)],
    ]
    assert review_analysis(reviews, today=TODAY).credibility == review_credibility(reviews, today=TODAY)

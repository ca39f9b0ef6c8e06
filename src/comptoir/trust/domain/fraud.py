"""Review credibility: how much each verified-purchase review should count, and why.

Pure: a list of `ReviewFacts` in, one `Credibility` (0–1000 per mille + human-readable reasons) per
review out. The reasons are written for the seller, the moderator and the statement of reasons, so
they state the observed fact and the rule, never a bare score.

Every review starts at 1000 ‰ and is multiplied by the factor of each signal that fires:

1. Reviewer experience. A reviewer is experienced when the account was at least
   `new_account_days` old when reviewing *or* has `experienced_purchase_count` verified purchases;
   below that the weight falls linearly to `inexperienced_floor`. An honest buyer with an ordinary
   account keeps full weight; a throw-away account does not.
2. Purchases concentrated on one seller: a reviewer with at least `concentration_min_orders`
   purchases who has bought from this seller only (diversity of sellers bought from).
3. Burst of new accounts: for each seller, a sliding window of `burst_window_days` in which at
   least `burst_min_reviews` reviews come from accounts younger than `new_account_days` and they are
   at least `burst_min_share` of the seller's reviews in that window. Those reviews are discounted.
4. Shared identity among a seller's reviewers: distinct buyers reviewing the same seller with the
   same payment fingerprint (factor 1/n: n accounts on one card count as one review), or the same
   shipping address (a household of two is tolerated with `household_factor`, three or more
   accounts count together as one review).
5. Self-promotion: a reviewer whose payment fingerprint or shipping address matches one of the
   seller's own (its members' cards and addresses, its business address) — `SellerFingerprints`.
6. Dense co-review groups (review rings), on the bipartite buyer–seller review graph: for every
   pair and every triple of sellers reviewed together by at least `ring_min_shared_reviewers`
   reviewers, compare that count with what the marketplace predicts if reviewers chose sellers
   independently (N · Π |R(S)|/N, N the number of reviewers). An itemset whose lift is at least
   `ring_min_lift` is a dense group. Triples matter: a ring that hides behind popular accomplice shops
   barely moves the pair counts of a popular shop, but the same three sellers reviewed together by
   dozens of accounts is far from chance. A reviewer whose sellers contain a dense group is a ring
   member when at least `ring_min_focus` of their reviews are on that group's sellers (an honest
   buyer who happened to review them but mostly reviews elsewhere keeps full weight); their reviews
   of those sellers are discounted. The lift compares with the marketplace, so popular sellers
   sharing many reviewers by chance are not flagged.

Call it with every review of the sellers concerned plus the other reviews of their reviewers (one
hop in the graph), and `reviewer_count` = the number of distinct reviewers on the marketplace, so
the ring baseline is the marketplace's and not the sample's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from itertools import combinations
from typing import NamedTuple

FULL = 1000
ONE = Decimal(1)


class ReviewFacts(NamedTuple):
    """What the analysis knows of one review (a named tuple: the rebuild builds one per review of the marketplace)."""

    review_id: int
    buyer_id: int
    seller_id: int
    created_at: datetime
    buyer_joined_at: datetime
    buyer_order_count: int  # the buyer's verified purchases (delivered seller orders), all sellers
    shipping_address_hash: str  # "" when unknown
    payment_fingerprint: str  # "" when unknown
    rating: int  # 1–5
    buyer_seller_count: int | None = None  # distinct sellers the buyer bought from; None when unknown


@dataclass(frozen=True)
class SellerFingerprints:
    """What identifies the seller's own people: members' cards and addresses, the business address."""

    payment_fingerprints: frozenset[str] = frozenset()
    address_hashes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Credibility:
    permille: int
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FraudConfig:
    new_account_days: int = 30
    experienced_purchase_count: int = 5
    inexperienced_floor: Decimal = Decimal("0.4")
    concentration_min_orders: int = 3
    concentration_factor: Decimal = Decimal("0.7")
    burst_window_days: int = 7
    burst_min_reviews: int = 5
    burst_min_share: Decimal = Decimal("0.3")
    burst_factor: Decimal = Decimal("0.25")
    household_factor: Decimal = Decimal("0.75")
    self_promotion_payment_factor: Decimal = Decimal("0")
    self_promotion_address_factor: Decimal = Decimal("0.1")
    ring_min_shared_reviewers: int = 5
    ring_min_lift: Decimal = Decimal("3")
    ring_min_focus: Decimal = Decimal("0.75")
    ring_max_degree: int = 30
    ring_factor: Decimal = Decimal("0.2")


DEFAULT_CONFIG = FraudConfig()


def review_credibility(
    reviews: list[ReviewFacts],
    *,
    today: date,
    seller_fingerprints: Mapping[int, SellerFingerprints] | None = None,
    reviewer_count: int | None = None,
    config: FraudConfig = DEFAULT_CONFIG,
) -> dict[int, Credibility]:
    """Credibility of every review in `reviews`. Reviews dated after `today` get a credibility from their
    own facts but are not evidence against the others (bursts, shared identity, rings). Deterministic:
    the same input gives the same permille and the same reasons in the same order."""
    factors: dict[int, Decimal] = {}  # only the reviews a signal discounted: most keep full weight
    reasons: dict[int, list[str]] = {}

    def discount(review_id: int, factor: Decimal, reason: str) -> None:
        factors[review_id] = factors.get(review_id, ONE) * factor
        reasons.setdefault(review_id, []).append(reason)

    for review in reviews:
        _reviewer_experience(review, config, discount)
    _self_promotion(reviews, seller_fingerprints or {}, config, discount)
    evidence = [review for review in reviews if review.created_at.date() <= today]
    _bursts(evidence, config, discount)
    _shared_identity(evidence, config, discount)
    _rings(evidence, reviewer_count, config, discount)

    return {
        review.review_id: Credibility(
            permille=int((factors[review.review_id] * FULL).quantize(ONE, rounding=ROUND_HALF_EVEN)),
            reasons=reasons[review.review_id],
        )
        if review.review_id in factors
        else Credibility(permille=FULL, reasons=[])
        for review in reviews
    }


def account_age_days(review: ReviewFacts) -> int:
    return max(0, (review.created_at - review.buyer_joined_at).days)


def _reviewer_experience(review: ReviewFacts, config: FraudConfig, discount) -> None:
    age = account_age_days(review)
    if (
        age < config.new_account_days and review.buyer_order_count < config.experienced_purchase_count
    ):  # else experienced: full weight
        _inexperienced(review, age, config, discount)
    if review.buyer_seller_count == 1 and review.buyer_order_count >= config.concentration_min_orders:
        discount(
            review.review_id,
            config.concentration_factor,
            f"All {review.buyer_order_count} of the reviewer's purchases are from this one seller.",
        )


def _inexperienced(review: ReviewFacts, age: int, config: FraudConfig, discount) -> None:
    by_age = min(Decimal(1), Decimal(age) / Decimal(config.new_account_days))
    by_purchases = min(
        Decimal(1), Decimal(max(0, review.buyer_order_count)) / Decimal(config.experienced_purchase_count)
    )
    experience = max(by_age, by_purchases)
    if experience < 1:
        factor = config.inexperienced_floor + (1 - config.inexperienced_floor) * experience
        discount(
            review.review_id,
            factor,
            f"Reviewer's account was {age} day(s) old with {review.buyer_order_count} verified purchase(s); "
            f"reviews count fully from {config.new_account_days} days or {config.experienced_purchase_count} "
            "purchases.",
        )


def _bursts(reviews: list[ReviewFacts], config: FraudConfig, discount) -> None:
    window = timedelta(days=config.burst_window_days)
    by_seller: dict[int, list[ReviewFacts]] = defaultdict(list)
    for review in reviews:
        by_seller[review.seller_id].append(review)
    for seller_reviews in by_seller.values():
        seller_reviews.sort(key=lambda review: (review.created_at, review.review_id))
        flagged: dict[int, tuple[int, int]] = {}
        is_new = [account_age_days(review) < config.new_account_days for review in seller_reviews]
        start = 0
        new_in_window = 0
        # Two pointers: each review ends a window holding the reviews at most `window` before it.
        for end, last in enumerate(seller_reviews):
            new_in_window += is_new[end]
            while seller_reviews[start].created_at < last.created_at - window:
                new_in_window -= is_new[start]
                start += 1
            in_window = end + 1 - start
            if (
                new_in_window >= config.burst_min_reviews
                and Decimal(new_in_window) >= config.burst_min_share * in_window
            ):
                # Each review cites the largest burst it belongs to.
                for index in range(start, end + 1):
                    review_id = seller_reviews[index].review_id
                    if is_new[index] and flagged.get(review_id, (0, 0))[0] < new_in_window:
                        flagged[review_id] = (new_in_window, in_window)
        for review in seller_reviews:
            if review.review_id in flagged:
                new_count, total = flagged[review.review_id]
                discount(
                    review.review_id,
                    config.burst_factor,
                    f"Part of a burst: {new_count} of {total} reviews of this seller within "
                    f"{config.burst_window_days} days came from accounts under {config.new_account_days} days old.",
                )


def _shared_identity(reviews: list[ReviewFacts], config: FraudConfig, discount) -> None:
    for attribute, label in (("payment_fingerprint", "payment card"), ("shipping_address_hash", "shipping address")):
        groups: dict[tuple[int, str], set[int]] = defaultdict(set)
        for review in reviews:
            value = getattr(review, attribute)
            if value:
                groups[(review.seller_id, value)].add(review.buyer_id)
        for review in reviews:
            value = getattr(review, attribute)
            if not value:
                continue
            buyers = len(groups[(review.seller_id, value)])
            if buyers < 2:
                continue
            if attribute == "shipping_address_hash" and buyers == 2:
                factor = config.household_factor
            else:
                factor = Decimal(1) / Decimal(buyers)
            discount(
                review.review_id,
                factor,
                f"The reviewer shares a {label} with {buyers - 1} other reviewer account(s) of this seller.",
            )


def _self_promotion(
    reviews: list[ReviewFacts], seller_fingerprints: Mapping[int, SellerFingerprints], config: FraudConfig, discount
) -> None:
    for review in reviews:
        own = seller_fingerprints.get(review.seller_id)
        if own is None:
            continue
        if review.payment_fingerprint and review.payment_fingerprint in own.payment_fingerprints:
            discount(
                review.review_id,
                config.self_promotion_payment_factor,
                "Self-promotion: the reviewer paid with a card used by the seller's own members.",
            )
        elif review.shipping_address_hash and review.shipping_address_hash in own.address_hashes:
            discount(
                review.review_id,
                config.self_promotion_address_factor,
                "Self-promotion: the reviewer's shipping address is the seller's or one of its members'.",
            )


def _rings(reviews: list[ReviewFacts], reviewer_count: int | None, config: FraudConfig, discount) -> None:
    reviewers_of: dict[int, set[int]] = defaultdict(set)
    sellers_of: dict[int, set[int]] = defaultdict(set)
    reviews_by_buyer: dict[int, list[int]] = defaultdict(list)
    for review in reviews:
        reviewers_of[review.seller_id].add(review.buyer_id)
        sellers_of[review.buyer_id].add(review.seller_id)
        reviews_by_buyer[review.buyer_id].append(review.seller_id)
    total_reviewers = max(reviewer_count or 0, len(sellers_of))
    if total_reviewers == 0:
        return
    # Co-review counts of seller pairs and triples, from each buyer's sellers (cost: Σ deg² + Σ deg³ over
    # buyers with at most `ring_max_degree` sellers; heavier reviewers are not what a ring looks like).
    # A triple is reviewed together by at most as many reviewers as each of its pairs, so only the triples whose three
    # pairs reach the minimum are counted (the same dense itemsets as counting every triple, at a fraction of the cost).
    together: dict[tuple[int, ...], int] = defaultdict(int)
    eligible = [sorted(sellers) for sellers in sellers_of.values() if 2 <= len(sellers) <= config.ring_max_degree]
    for sellers in eligible:
        for pair in combinations(sellers, 2):
            together[pair] += 1
    frequent = {pair for pair, count in together.items() if count >= config.ring_min_shared_reviewers}
    for sellers in eligible:
        for triple in _triples_of_frequent_pairs(sellers, frequent):
            together[triple] += 1
    dense: dict[tuple[int, ...], tuple[int, Decimal]] = {}
    for itemset, count in together.items():
        if count < config.ring_min_shared_reviewers:
            continue
        # Independence: a reviewer reviews each seller with probability (its reviewers / all reviewers).
        expected = Decimal(total_reviewers)
        for seller in itemset:
            expected *= Decimal(len(reviewers_of[seller])) / Decimal(total_reviewers)
        lift = Decimal(count) / expected
        if lift >= config.ring_min_lift:
            dense[itemset] = (count, lift)
    if not dense:
        return
    members: dict[int, tuple[set[int], tuple[int, ...]]] = {}
    for buyer, reviewed in sellers_of.items():
        if len(reviewed) < 2 or len(reviewed) > config.ring_max_degree:
            continue
        ordered = sorted(reviewed)
        contained = [
            itemset
            for itemset in (*combinations(ordered, 2), *_triples_of_frequent_pairs(ordered, frequent))
            if itemset in dense
        ]
        if not contained:
            continue
        ring_sellers = set().union(*contained)
        # Focus: the share of the buyer's reviews (not sellers) that went to those sellers, so an honest
        # buyer who happened to review them but mostly reviews elsewhere keeps full weight.
        on_ring = sum(1 for seller in reviews_by_buyer[buyer] if seller in ring_sellers)
        if Decimal(on_ring) / Decimal(len(reviews_by_buyer[buyer])) >= config.ring_min_focus:
            strongest = max(contained, key=lambda itemset: (dense[itemset][0], len(itemset), itemset))
            members[buyer] = (ring_sellers, strongest)
    for review in reviews:
        member = members.get(review.buyer_id)
        if member is None or review.seller_id not in member[0]:
            continue
        itemset = member[1]
        count, lift = dense[itemset]
        discount(
            review.review_id,
            config.ring_factor,
            f"Review ring: the reviewer is one of {count} accounts that reviewed the same {len(itemset)} sellers, "
            f"{lift.quantize(Decimal('0.1'))}× more than the marketplace predicts, and most of the reviewer's reviews "
            "are on them.",
        )


def _triples_of_frequent_pairs(
    sellers: Sequence[int], frequent: set[tuple[int, ...]]
) -> Iterator[tuple[int, int, int]]:
    """The triples (a, b, c), a < b < c, of these sorted sellers whose three pairs are all in `frequent`."""
    for index, first in enumerate(sellers):
        partners = [other for other in sellers[index + 1 :] if (first, other) in frequent]
        for second, third in combinations(partners, 2):
            if (second, third) in frequent:
                yield (first, second, third)

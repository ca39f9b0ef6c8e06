"""Review credibility: how much each verified-purchase review should count, and why.

Pure: a list of `ReviewFacts` in, one `Credibility` (0–1000 per mille + human-readable reasons) per
review out. The reasons are written for the seller, the moderator and the statement of reasons, so
they state the observed fact and the rule, never a bare score.

Every review starts at 1000 ‰ and is multiplied by the factor of each signal that fires (docs/TRUST.md, "Review
credibility", gives each rule's reason). An unknown fact — an address or card fingerprint of "", an account opening
date of None (imported buyers) — is never evidence: "" matches nothing, an unknown age is neither new nor old.

1. Reviewer experience. A reviewer whose age is known is experienced when the account was at least
   `new_account_days` old when reviewing *or* has `experienced_purchase_count` verified purchases;
   below that the weight falls linearly to `inexperienced_floor`. An honest buyer with an ordinary
   account keeps full weight; a throw-away account does not.
2. Burst of new accounts, per direction (praise, 4–5 stars, or slander, 1–2): for each seller, a sliding
   window of `burst_window_days` in which at least `burst_min_reviews` reviews of that direction come from
   accounts younger than `new_account_days` and they are at least `burst_min_share` of the seller's reviews
   in that window. Those reviews are discounted.
3. Cohort: at least `cohort_min_accounts` accounts that praised a seller and were opened within
   `cohort_window_days` of each other, `cohort_min_lift` times more than the marketplace's sign-ups predict.
4. Shared identity among a seller's reviewers: distinct buyers reviewing the same seller with the
   same payment fingerprint (factor 1/n: n accounts on one card count as one review), or the same
   shipping address (a household of two is tolerated with `household_factor`, three or more
   accounts count together as one review).
5. Self-promotion: a reviewer whose payment fingerprint or shipping address matches one of the
   seller's own (its members' cards and addresses, its business address) — `SellerFingerprints`.
6. Dense co-review groups (review rings), on the bipartite buyer–seller review graph of the reviewers of at
   least two sellers: for every pair and every triple of sellers reviewed together by at least
   `ring_min_shared_reviewers` reviewers, compare that count with what the marketplace predicts if reviewers
   chose sellers independently (N · Π |R(S)|/N, N the number of such reviewers). An itemset whose lift is at
   least `ring_min_lift` is a dense group. Triples matter: a ring that hides behind popular accomplice shops
   barely moves the pair counts of a popular shop, but the same three sellers reviewed together by
   dozens of accounts is far from chance. A reviewer whose sellers contain a dense group is a ring
   member when at least `ring_min_focus` of their reviews are on that group's sellers (an honest
   buyer who happened to review them but mostly reviews elsewhere keeps full weight); their reviews
   of those sellers in the ring's direction are discounted. The lift compares with the marketplace, so
   popular sellers sharing many reviewers by chance are not flagged; a second pass leaves the members
   found out of the baseline.
7. Single-target rings (`_single_target`): more single-seller reviewers than the marketplace's share
   predicts, giving 5 stars far more often than the seller's other reviews and its own order facts
   (`SellerOperations`) predict: their 5-star reviews are scaled down to what honest one-time buyers would weigh.

Call it with every review of the sellers concerned plus the other reviews of their reviewers (one
hop in the graph), and `reviewer_count` = the number of distinct reviewers of at least two sellers on the
marketplace (`co_reviewer_count` of all its reviews), so the ring baseline is the marketplace's and not the
sample's.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
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
    buyer_joined_at: datetime | None  # None when the account's opening date is unknown (imported buyers)
    buyer_order_count: int  # the buyer's verified purchases (delivered seller orders), all sellers
    shipping_address_hash: str  # "" when unknown: never equal to anything
    payment_fingerprint: str  # "" when unknown: never equal to anything
    rating: int  # 1–5
    buyer_seller_count: int | None = None  # distinct sellers the buyer bought from; None when unknown


class SellerOperations(NamedTuple):
    """What the seller's own orders say, for comparing its reviews with its facts: its seller orders and those with
    an adverse fact (cancelled by the seller, shipped or delivered late, returned as not described, dispute lost)."""

    orders: int
    adverse: int


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
    positive_min_rating: int = 4  # a review promotes the seller from this rating up
    negative_max_rating: int = 2  # and disparages it up to this one
    burst_window_days: int = 7
    burst_min_reviews: int = 5
    burst_min_share: Decimal = Decimal("0.3")
    burst_factor: Decimal = Decimal("0.25")
    cohort_window_days: int = 3
    cohort_min_accounts: int = 8
    cohort_min_lift: Decimal = Decimal("4")
    cohort_factor: Decimal = Decimal("0.25")
    household_factor: Decimal = Decimal("0.75")
    self_promotion_payment_factor: Decimal = Decimal("0")
    self_promotion_address_factor: Decimal = Decimal("0.1")
    ring_min_shared_reviewers: int = 5
    ring_min_lift: Decimal = Decimal("3")
    ring_min_focus: Decimal = Decimal("0.75")
    ring_max_degree: int = 30
    ring_factor: Decimal = Decimal("0.2")
    single_top_rating: int = 5  # what a fake review gives; honest praise is split between 4 and 5 stars
    single_bottom_rating: int = 1  # and a slander one
    single_min_reviewers: int = 8
    single_min_excess: int = 5
    single_concentration_z: Decimal = Decimal("2")
    single_rating_z: Decimal = Decimal("3")
    single_rating_z_min: Decimal = Decimal("1.5")
    single_prior_reviews: int = 10
    single_floor: Decimal = Decimal("0.02")


DEFAULT_CONFIG = FraudConfig()


def review_credibility(
    reviews: list[ReviewFacts],
    *,
    today: date,
    seller_fingerprints: Mapping[int, SellerFingerprints] | None = None,
    reviewer_count: int | None = None,
    seller_operations: Mapping[int, SellerOperations] | None = None,
    single_seller_share: Decimal | None = None,
    config: FraudConfig = DEFAULT_CONFIG,
) -> dict[int, Credibility]:
    """Credibility of every review in `reviews`. Reviews dated after `today` get a credibility from their
    own facts but are not evidence against the others (bursts, shared identity, rings). Deterministic:
    the same input gives the same permille and the same reasons in the same order.

    `seller_operations`: each seller's own order facts, which the single-target rule compares its reviews with
    (without them it compares with the marketplace's ratings only). `single_seller_share`: the marketplace's share of
    reviewers who bought from one seller only (default: measured on `reviews`, right when they are the whole
    marketplace)."""
    return review_analysis(
        reviews,
        today=today,
        seller_fingerprints=seller_fingerprints,
        reviewer_count=reviewer_count,
        seller_operations=seller_operations,
        single_seller_share=single_seller_share,
        config=config,
    ).credibility


class Analysis(NamedTuple):
    """`review_credibility`'s result with, for each discounted review, the signals that fired (EXPERIENCE, BURST,
    COHORT, SHARED_IDENTITY, SELF_PROMOTION, RING, SINGLE_TARGET): what `suspect_orders` reads."""

    credibility: dict[int, Credibility]
    signals: dict[int, frozenset[str]]


EXPERIENCE, BURST, COHORT, SHARED_IDENTITY = "experience", "burst", "cohort", "shared_identity"
SELF_PROMOTION, RING, SINGLE_TARGET = "self_promotion", "ring", "single_target"


def review_analysis(
    reviews: list[ReviewFacts],
    *,
    today: date,
    seller_fingerprints: Mapping[int, SellerFingerprints] | None = None,
    reviewer_count: int | None = None,
    seller_operations: Mapping[int, SellerOperations] | None = None,
    single_seller_share: Decimal | None = None,
    config: FraudConfig = DEFAULT_CONFIG,
) -> Analysis:
    """`review_credibility`, with the signals behind each discount. Pure."""
    factors: dict[int, Decimal] = {}  # only the reviews a signal discounted: most keep full weight
    reasons: dict[int, list[str]] = {}
    signals: dict[int, set[str]] = {}

    def signal(name: str):
        def discount(review_id: int, factor: Decimal, reason: str) -> None:
            factors[review_id] = factors.get(review_id, ONE) * factor
            reasons.setdefault(review_id, []).append(reason)
            signals.setdefault(review_id, set()).add(name)

        return discount

    experience = signal(EXPERIENCE)
    for review in reviews:
        _reviewer_experience(review, config, experience)
    _self_promotion(reviews, seller_fingerprints or {}, config, signal(SELF_PROMOTION))
    evidence = [review for review in reviews if review.created_at.date() <= today]
    _bursts(evidence, config, signal(BURST))
    _cohorts(evidence, config, signal(COHORT))
    _shared_identity(evidence, config, signal(SHARED_IDENTITY))
    _rings(evidence, reviewer_count, config, signal(RING))
    _single_target(evidence, seller_operations or {}, single_seller_share, config, signal(SINGLE_TARGET))

    credibility = {
        review.review_id: Credibility(
            permille=int((factors[review.review_id] * FULL).quantize(ONE, rounding=ROUND_HALF_EVEN)),
            reasons=reasons[review.review_id],
        )
        if review.review_id in factors
        else Credibility(permille=FULL, reasons=[])
        for review in reviews
    }
    return Analysis(credibility, {review_id: frozenset(names) for review_id, names in signals.items()})


class UnreviewedOrder(NamedTuple):
    """A seller order without a review, as `suspect_orders` judges it."""

    seller_order_id: int
    buyer_id: int
    seller_id: int
    placed_at: datetime
    buyer_joined_at: datetime | None  # None when unknown (imported buyers)
    buyer_seller_count: int | None  # distinct sellers the buyer ordered from (any status); None when unknown


class Suspect(NamedTuple):
    seller_id: int
    reason: str
    counts_against_seller: bool = True  # a praise campaign's order: adverse facts only; False: left out (slander)


_FRAUD_SIGNALS = frozenset({BURST, COHORT, SHARED_IDENTITY, SELF_PROMOTION, RING, SINGLE_TARGET})


def _untrusted(
    reviews: Iterable[ReviewFacts], analysis: Analysis, threshold_permille: int, config: FraudConfig
) -> Iterator[tuple[ReviewFacts, frozenset[str], int]]:
    """The praising (direction 1) and disparaging (-1) reviews a fraud signal (not inexperience alone) put under the
    threshold, with their signals and direction."""
    for review in reviews:
        names = analysis.signals.get(review.review_id)
        if not names or not names & _FRAUD_SIGNALS:
            continue
        direction = _direction(review.rating, config)
        credibility = analysis.credibility.get(review.review_id)
        if direction and credibility is not None and credibility.permille < threshold_permille:
            yield review, names, direction


def suspect_sellers(
    reviews: Iterable[ReviewFacts], analysis: Analysis, *, threshold_permille: int, config: FraudConfig = DEFAULT_CONFIG
) -> set[int]:
    """The sellers whose unreviewed orders `suspect_orders` may reach (the only ones whose orders it needs). Pure."""
    return {review.seller_id for review, _names, _sense in _untrusted(reviews, analysis, threshold_permille, config)}


def suspect_orders(
    reviews: Iterable[ReviewFacts],
    analysis: Analysis,
    orders: Iterable[UnreviewedOrder],
    *,
    threshold_permille: int,
    config: FraudConfig = DEFAULT_CONFIG,
) -> dict[int, Suspect]:
    """The unreviewed orders a review campaign found by the analysis reaches: seller order id -> Suspect. Pure.

    A praise campaign's orders count only against their seller (docs/TRUST.md, "Low-credibility orders"): fake orders
    are fulfilled perfectly, and those not reviewed yet would otherwise lift the seller's operational rates.
    - A flagged buyer: a buyer whose praise of a seller (4–5 stars) fell under `threshold_permille` through a fraud
      signal (not inexperience alone): their other unreviewed orders with that seller.
    - A burst of new accounts praising a seller: the seller's unreviewed orders placed by accounts younger than
      `new_account_days` (known age), from `new_account_days` before the burst's first review on.
    - A single-target ring on a seller: its unreviewed orders placed by buyers who ordered from it alone, from
      `new_account_days` before the first discounted review on.

    A slander campaign's orders are left out (`counts_against_seller` false): its accounts' orders that went well are
    reviewed 1 star and left out with their review, so the ones that did not (cancelled, lost: never reviewed) would
    count against the victim alone. Reached: a slanderer's other unreviewed orders with the seller, and those of new
    accounts (known age) during a burst of complaints. Not the single-seller buyers of a single-target slander: a seller
    could slander itself to have its one-time buyers' failed orders left out."""
    flagged_pairs: dict[tuple[int, int], int] = {}  # (buyer, seller) -> direction
    campaign_start: dict[tuple[int, str, int], datetime] = {}  # (seller, BURST or SINGLE_TARGET, direction) -> first
    for review, names, sense in _untrusted(reviews, analysis, threshold_permille, config):
        flagged_pairs.setdefault((review.buyer_id, review.seller_id), sense)
        for name in names & ({BURST, SINGLE_TARGET} if sense > 0 else {BURST}):
            key = (review.seller_id, name, sense)
            if key not in campaign_start or review.created_at < campaign_start[key]:
                campaign_start[key] = review.created_at
    if not flagged_pairs:
        return {}
    lead = timedelta(days=config.new_account_days)
    suspects: dict[int, Suspect] = {}
    for order in orders:
        flagged = flagged_pairs.get((order.buyer_id, order.seller_id))
        if flagged is not None:
            suspects[order.seller_order_id] = Suspect(
                order.seller_id, "The buyer's review of this seller was judged not credible.", flagged > 0
            )
            continue
        is_new = (
            order.buyer_joined_at is not None
            and order.buyer_joined_at <= order.placed_at < order.buyer_joined_at + lead
        )
        for sense in (1, -1):
            burst_start = campaign_start.get((order.seller_id, BURST, sense))
            if is_new and burst_start is not None and order.placed_at >= burst_start - lead:
                suspects[order.seller_order_id] = Suspect(
                    order.seller_id,
                    f"Placed by an account under {config.new_account_days} days old during a burst of "
                    f"{'praise' if sense > 0 else 'complaints'} about this seller from new accounts.",
                    sense > 0,
                )
                break
        if order.seller_order_id in suspects:
            continue
        single_start = campaign_start.get((order.seller_id, SINGLE_TARGET, 1))
        if single_start is not None and order.placed_at >= single_start - lead and order.buyer_seller_count == 1:
            suspects[order.seller_order_id] = Suspect(
                order.seller_id,
                "Placed by an account that ordered from this seller alone, while single-seller accounts' reviews of "
                "it were judged not credible.",
            )
    return suspects


def co_reviewer_count(reviews: Iterable[ReviewFacts]) -> int:
    """The number of distinct reviewers who reviewed at least two sellers: `review_credibility`'s `reviewer_count` when
    `reviews` are the whole marketplace."""
    sellers_of: dict[int, set[int]] = defaultdict(set)
    for review in reviews:
        sellers_of[review.buyer_id].add(review.seller_id)
    return sum(1 for sellers in sellers_of.values() if len(sellers) >= 2)


def account_age_days(review: ReviewFacts) -> int | None:
    """The reviewer's account age in days when reviewing; None when its opening date is unknown, or when the review
    predates the account (history imported for a buyer whose live account opened later: its age then is not known,
    and must not read as a brand-new account)."""
    if review.buyer_joined_at is None or review.created_at < review.buyer_joined_at:
        return None
    return (review.created_at - review.buyer_joined_at).days


def _direction(rating: int, config: FraudConfig) -> int:
    """+1 for a review that promotes the seller, -1 for one that disparages it, 0 for neither."""
    return 1 if rating >= config.positive_min_rating else -1 if rating <= config.negative_max_rating else 0


def _reviewer_experience(review: ReviewFacts, config: FraudConfig, discount) -> None:
    age = account_age_days(review)
    # An unknown age (an imported buyer) is neither new nor old: no discount, whatever the number of purchases that
    # history holds (most buyers of a real marketplace bought once or twice).
    if (
        age is not None
        and age < config.new_account_days
        and review.buyer_order_count < config.experienced_purchase_count
    ):
        _inexperienced(review, age, config, discount)


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
    """Bursts of new accounts, one direction at a time: a burst of promoting reviews discounts the promoting reviews
    of new accounts in it, a burst of disparaging ones (slander) the disparaging ones; a new account's review of the
    other direction in the same window is not part of the campaign. Unknown ages are never new."""
    window = timedelta(days=config.burst_window_days)
    by_seller: dict[int, list[ReviewFacts]] = defaultdict(list)
    for review in reviews:
        by_seller[review.seller_id].append(review)
    for seller_reviews in by_seller.values():
        seller_reviews.sort(key=lambda review: (review.created_at, review.review_id))
        flagged: dict[int, tuple[int, int]] = {}
        ages = [account_age_days(review) for review in seller_reviews]
        directions = [_direction(review.rating, config) for review in seller_reviews]
        for direction in (1, -1):
            is_new = [
                age is not None and age < config.new_account_days and sense == direction
                for age, sense in zip(ages, directions, strict=True)
            ]
            if sum(is_new) < config.burst_min_reviews:
                continue
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
                    f"{config.burst_window_days} days came from accounts under {config.new_account_days} days old "
                    "and rated it alike.",
                )


def _cohorts(reviews: list[ReviewFacts], config: FraudConfig, discount) -> None:
    """Accounts opened together: among a seller's promoting reviewers whose opening date is known, at least
    `cohort_min_accounts` opened within `cohort_window_days` of each other, `cohort_min_lift` times more than the
    marketplace's own sign-ups in that window predict for that many reviewers (so a marketplace's launch wave, when
    everyone joined, is not a cohort). Catches a ring whose accounts were made in one go and aged before use."""
    window = timedelta(days=config.cohort_window_days)
    joined_by_buyer: dict[int, datetime] = {}
    positive_by_seller: dict[int, dict[int, datetime]] = defaultdict(dict)
    for review in reviews:
        if review.buyer_joined_at is None:
            continue
        joined_by_buyer[review.buyer_id] = review.buyer_joined_at
        if _direction(review.rating, config) > 0:
            positive_by_seller[review.seller_id][review.buyer_id] = review.buyer_joined_at
    if not joined_by_buyer:
        return
    marketplace = sorted(joined_by_buyer.values())
    total = len(marketplace)
    flagged: dict[tuple[int, int], tuple[int, Decimal]] = {}  # (seller, buyer) -> (accounts, lift)
    for seller_id, joined in positive_by_seller.items():
        if len(joined) < config.cohort_min_accounts:
            continue
        ordered = sorted(joined.items(), key=lambda item: (item[1], item[0]))
        start = 0
        for end in range(len(ordered)):
            while ordered[start][1] < ordered[end][1] - window:
                start += 1
            count = end + 1 - start
            if count < config.cohort_min_accounts:
                continue
            first, last = ordered[start][1], ordered[end][1]
            signed_up = bisect_right(marketplace, last) - bisect_left(marketplace, first)
            expected = Decimal(len(ordered)) * Decimal(signed_up) / Decimal(total)
            lift = Decimal(count) / max(expected, Decimal(1))
            if lift < config.cohort_min_lift:
                continue
            for buyer_id, _joined in ordered[start : end + 1]:
                if flagged.get((seller_id, buyer_id), (0, 0))[0] < count:
                    flagged[(seller_id, buyer_id)] = (count, lift)
    if not flagged:
        return
    for review in reviews:
        cohort = flagged.get((review.seller_id, review.buyer_id))
        if cohort is None or _direction(review.rating, config) <= 0:
            continue
        count, lift = cohort
        discount(
            review.review_id,
            config.cohort_factor,
            f"The reviewer is one of {count} accounts opened within {config.cohort_window_days} days that rated this "
            f"seller highly, {lift.quantize(Decimal('0.1'))}× more than the marketplace's sign-ups predict.",
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
        sellers_of[review.buyer_id].add(review.seller_id)
        reviews_by_buyer[review.buyer_id].append(review.seller_id)
    # The baseline counts co-reviewers only (reviewers of at least two sellers): a reviewer of one seller can be in no
    # group, and counting them would let accounts added to a seller (a single-target ring) dilute its groups' lift.
    for buyer, reviewed in sellers_of.items():
        if len(reviewed) >= 2:
            for seller in reviewed:
                reviewers_of[seller].add(buyer)
    total_reviewers = max(reviewer_count or 0, sum(1 for reviewed in sellers_of.values() if len(reviewed) >= 2))
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

    def dense_itemsets(excluded: set[int]) -> dict[tuple[int, ...], tuple[int, Decimal]]:
        """The itemsets reviewed together `ring_min_lift` times more than independence predicts, the reviewers in
        `excluded` left out of the baseline (N and each |R(S)|)."""
        population = total_reviewers - len(excluded)
        if population <= 0:
            return {}
        dense: dict[tuple[int, ...], tuple[int, Decimal]] = {}
        for itemset, count in together.items():
            if count < config.ring_min_shared_reviewers:
                continue
            # Independence: a reviewer reviews each seller with probability (its reviewers / all reviewers).
            expected = Decimal(population)
            for seller in itemset:
                size = len(reviewers_of[seller] - excluded) if excluded else len(reviewers_of[seller])
                expected *= Decimal(max(size, 1)) / Decimal(population)
            lift = Decimal(count) / expected
            if lift >= config.ring_min_lift:
                dense[itemset] = (count, lift)
        return dense

    def members_of(dense) -> dict[int, tuple[set[int], tuple[int, ...]]]:
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
        return members

    dense = dense_itemsets(set())
    if not dense:
        return
    members = members_of(dense)
    if members:
        # Second pass, the members found left out of the baseline: a ring's accounts inflate its sellers' reviewer
        # counts, which would hide (or, once added, un-hide) the other groups those sellers are in.
        dense = dense_itemsets(set(members))
        members = members_of(dense)
    # A ring promotes (or slanders): only its members' reviews in the ring's own direction — the majority of their
    # reviews of its sellers — are discounted, so a member's honest complaint about a ring seller still counts.
    sense = sum(
        _direction(review.rating, config)
        for review in reviews
        if review.buyer_id in members and review.seller_id in members[review.buyer_id][0]
    )
    ring_direction = 1 if sense >= 0 else -1
    for review in reviews:
        member = members.get(review.buyer_id)
        if member is None or review.seller_id not in member[0] or _direction(review.rating, config) != ring_direction:
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


def _single_target(
    reviews: list[ReviewFacts],
    operations: Mapping[int, SellerOperations],
    share: Decimal | None,
    config: FraudConfig,
    discount,
) -> None:
    """Single-target rings: accounts whose whole history is one seller, rating it highly, with no accomplice shop to
    give them away to `_rings`. A real marketplace has many one-time buyers, so buying from one seller only is no
    evidence by itself; two excesses together are:

    - concentration: the seller has more single-seller reviewers than the marketplace's share of them predicts
      (binomial z of at least `single_concentration_z`, and at least `single_min_excess` more);
    - rating mismatch: those reviewers' share of top ratings (`single_top_rating`, what fake reviews give) is far
      above what the seller's other evidence predicts (z of at least `single_rating_z`, down to `single_rating_z_min`
      as the concentration grows): its multi-seller reviewers' share, shrunk toward what its own orders predict — the
      marketplace's relation between sellers' adverse-order rates and their multi-seller reviewers' share, fitted
      here — so a seller whose orders go wrong but whose one-time reviewers are unanimous stands out.

    Then the single-seller top-rated reviews are scaled down together so that they weigh what honest one-time buyers
    would: (expected honest ones) / (observed), at least `single_floor`. A large ring is thus near zero, a marginal
    excess barely discounted; the seller's other reviews are untouched.

    Slander is the mirror: single-seller accounts giving the bottom rating (`single_bottom_rating`) far more often
    than the seller's other evidence predicts, on the fixed z of `single_rating_z` (never relaxed: adding fake praise
    to a seller raises its concentration, and must not get its honest complaints discounted)."""
    reviewers: dict[int, set[int]] = defaultdict(set)
    exclusive: dict[int, set[int]] = defaultdict(set)
    for review in reviews:
        reviewers[review.seller_id].add(review.buyer_id)
        if review.buyer_seller_count == 1:
            exclusive[review.seller_id].add(review.buyer_id)
    pairs = sum(len(buyers) for buyers in reviewers.values())
    if pairs == 0:
        return
    base = share if share is not None else Decimal(sum(len(buyers) for buyers in exclusive.values())) / pairs
    if not 0 < base < 1:
        return
    concentrated = {}
    for seller_id, buyers_alone in exclusive.items():
        total = len(reviewers[seller_id])
        expected_alone = total * base
        excess = len(buyers_alone) - expected_alone
        concentration = excess / _binomial_spread(total, base)
        if excess >= config.single_min_excess and concentration >= config.single_concentration_z:
            concentrated[seller_id] = (concentration, expected_alone)
    if not concentrated:
        return
    # Praise (the top rating) and slander (the bottom one). The rating evidence needed falls with the concentration
    # for praise only: slander is discounted only on strong evidence, so that adding fake praise to a seller can never
    # lift it by discounting its honest complaints.
    for rating, sense, relaxed in ((config.single_top_rating, 1, True), (config.single_bottom_rating, -1, False)):

        def matches(value: int, rating: int = rating, sense: int = sense) -> bool:
            return value >= rating if sense > 0 else value <= rating

        # per seller: [multi-seller reviews, those with the rating, single-seller reviews, those with the rating]
        counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for review in reviews:
            tally = counts[review.seller_id]
            offset = 2 if review.buyer_seller_count == 1 else 0
            tally[offset] += 1
            tally[offset + 1] += matches(review.rating)
        suspects = [seller_id for seller_id in concentrated if counts[seller_id][3] >= config.single_min_reviewers]
        if not suspects:
            continue
        predict = _rating_share_model(counts, operations, sense)
        prior = Decimal(config.single_prior_reviews)
        for seller_id in sorted(suspects):
            multi, multi_rated, single, single_rated = counts[seller_id]
            concentration, expected_alone = concentrated[seller_id]
            total, alone = len(reviewers[seller_id]), len(exclusive[seller_id])
            reference = (Decimal(multi_rated) + prior * predict(seller_id)) / (Decimal(multi) + prior)
            reference = min(Decimal("0.98"), max(Decimal("0.02"), reference))
            # The stronger the concentration, the less rating evidence praise takes (a ring on a good seller cannot
            # rate it much above its honest buyers), never less than `single_rating_z_min`.
            needed = (
                max(
                    config.single_rating_z_min,
                    config.single_rating_z - (concentration - config.single_concentration_z) / 2,
                )
                if relaxed
                else config.single_rating_z
            )
            if (single_rated - single * reference) / _binomial_spread(single, reference) < needed:
                continue
            # The honest single-seller reviewers this seller's multi-seller reviewers predict, their reviews, and the
            # share of those reviews with that rating.
            honest_alone = min(Decimal(alone), Decimal(total - alone) * base / (1 - base))
            expected_rated = honest_alone * Decimal(single) / Decimal(alone) * reference
            factor = max(config.single_floor, min(ONE, expected_rated / Decimal(single_rated)))
            factor = factor.quantize(Decimal("0.001"), rounding=ROUND_HALF_EVEN)
            if factor >= ONE:
                continue
            reason = (
                f"Single-seller accounts: {alone} of this seller's {total} reviewers bought from it alone (the "
                f"marketplace predicts {expected_alone.quantize(ONE)}), and {single_rated} of their {single} reviews "
                f"give it {rating} star(s) where its other reviews and its orders predict "
                f"{(single * reference).quantize(ONE)}; those reviews count together as "
                f"{expected_rated.quantize(ONE)}."
            )
            for review in reviews:
                if review.seller_id == seller_id and review.buyer_seller_count == 1 and matches(review.rating):
                    discount(review.review_id, factor, reason)


def _binomial_spread(trials: int, probability: Decimal) -> Decimal:
    return max(Decimal("0.5"), (Decimal(trials) * probability * (1 - probability)).sqrt())


def _rating_share_model(counts: Mapping[int, list[int]], operations: Mapping[int, SellerOperations], sense: int):
    """seller -> the share of reviews with the rating (top for `sense` 1, bottom for -1) its own orders predict: the
    marketplace's weighted least-squares line of the multi-seller reviewers' share over the sellers' adverse-order rates
    (never rising with the rate for the top rating, never falling for the bottom one); the marketplace's share alone
    for a seller without known operations or when there is no line to fit."""
    points: list[tuple[Decimal, Decimal, int]] = []  # (adverse rate, share, weight = multi-seller reviews)
    for seller_id, tally in counts.items():
        facts = operations.get(seller_id)
        if tally[0] and facts is not None and facts.orders:
            points.append((Decimal(facts.adverse) / Decimal(facts.orders), Decimal(tally[1]) / tally[0], tally[0]))
    multi = sum(tally[0] for tally in counts.values())
    overall = Decimal(sum(tally[1] for tally in counts.values())) / multi if multi else Decimal("0.5")
    weight = sum(point[2] for point in points)
    slope, intercept = Decimal(0), overall
    if weight:
        mean_x = sum((point[0] * point[2] for point in points), Decimal(0)) / weight
        mean_y = sum((point[1] * point[2] for point in points), Decimal(0)) / weight
        spread = sum((point[2] * (point[0] - mean_x) ** 2 for point in points), Decimal(0))
        if spread > 0:
            fitted = (
                sum((point[2] * (point[0] - mean_x) * (point[1] - mean_y) for point in points), Decimal(0)) / spread
            )
            slope = min(Decimal(0), fitted) if sense > 0 else max(Decimal(0), fitted)
            intercept = mean_y - slope * mean_x

    def predict(seller_id: int) -> Decimal:
        facts = operations.get(seller_id)
        if facts is None or not facts.orders:
            return overall
        return intercept + slope * Decimal(facts.adverse) / Decimal(facts.orders)

    return predict


def _triples_of_frequent_pairs(
    sellers: Sequence[int], frequent: set[tuple[int, ...]]
) -> Iterator[tuple[int, int, int]]:
    """The triples (a, b, c), a < b < c, of these sorted sellers whose three pairs are all in `frequent`."""
    for index, first in enumerate(sellers):
        partners = [other for other in sellers[index + 1 :] if (first, other) in frequent]
        for second, third in combinations(partners, 2):
            if (second, third) in frequent:
                yield (first, second, third)

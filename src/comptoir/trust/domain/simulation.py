"""A marketplace simulation that measures how well trust ranks sellers by their hidden true quality.

Pure and deterministic for a seed (random.Random only, no clock, no database). Sellers get a hidden
quality that sets their probabilities of cancelling, shipping late and sending items not as
described, and of satisfying a buyer. Buyers place orders over `days`; each order produces the same
evidence the real system records — `DayEvidence` counters per seller and day (orders on the day
placed, shipments on the day shipped, deliveries and returns on their day, reviews on theirs, times
to accept and to answer) and one `ReviewFacts` per review — then reviews get their credibility from
`fraud.review_credibility` and every seller its score from `score.compute_trust`.

Attacks (added on top of the same honest marketplace, from their own random stream):
- ring: 50 colluding accounts, aged 3–5 months so they are not "new", each buys twice from a poor
  seller and once from each of two accomplice shops, every order fulfilled perfectly (fake orders
  are easy to ship on time), every review 5 stars; they ship to 10 drop addresses and pay with their
  own cards.
- burst: 40 accounts created in the last two weeks, one perfectly fulfilled order and one 5-star
  review each at the same poor seller.
- single_ring: 50 established accounts (opened 2 months to 2 years ago, on different days) whose whole
  history is one or two perfectly fulfilled orders from the same poor seller, each reviewed 5 stars; own
  cards and addresses, no accomplice shop (so no co-review group for the ring rule to find).

The report compares, by Spearman rank correlation with the true quality, the trust score and the
plain mean rating, and follows the attacked seller: its score, tier and rank in its category.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from comptoir.trust.domain.config import dec, trust_config
from comptoir.trust.domain.evidence import DayEvidence, SecurityPosture, SellerEvidence, adverse_only
from comptoir.trust.domain.fraud import ReviewFacts, SellerOperations, co_reviewer_count, review_credibility
from comptoir.trust.domain.score import compute_trust, config_with_estimated_priors

START = dt.date(2025, 1, 1)
ATTACKS = ("none", "ring", "burst", "single_ring", "all")
RING_SIZE = 50
BURST_SIZE = 40
SINGLE_RING_SIZE = 50
TOP_CATEGORY_RESULTS = 10


# ---------------------------------------------------------------- Spearman


def average_ranks(values: list[float]) -> list[float]:
    """Ranks 1..n, ties sharing the average of the ranks they span."""
    order = sorted(range(len(values)), key=lambda index: values[index])
    ranks = [0.0] * len(values)
    position = 0
    while position < len(order):
        end = position
        while end + 1 < len(order) and values[order[end + 1]] == values[order[position]]:
            end += 1
        shared = (position + end) / 2 + 1
        for index in order[position : end + 1]:
            ranks[index] = shared
        position = end + 1
    return ranks


def spearman(first: list[float], second: list[float]) -> float:
    """Spearman's rank correlation: Pearson's correlation of the average ranks (correct with ties)."""
    if len(first) != len(second) or len(first) < 2:
        raise ValueError("two samples of the same length, at least 2, are needed")
    rank_first, rank_second = average_ranks(first), average_ranks(second)
    mean_first, mean_second = sum(rank_first) / len(rank_first), sum(rank_second) / len(rank_second)
    covariance = sum((a - mean_first) * (b - mean_second) for a, b in zip(rank_first, rank_second, strict=True))
    spread_first = math.sqrt(sum((a - mean_first) ** 2 for a in rank_first))
    spread_second = math.sqrt(sum((b - mean_second) ** 2 for b in rank_second))
    if spread_first == 0 or spread_second == 0:
        return 0.0
    return covariance / (spread_first * spread_second)


# ---------------------------------------------------------------- the marketplace


@dataclass(frozen=True)
class SimulatedSeller:
    seller_id: int
    category: int
    popularity: float
    cancellation: float
    late_shipment: float
    not_as_described: float
    satisfaction: float
    tracking: float
    accept_hours: float
    listing_completeness: Decimal
    security: SecurityPosture

    @property
    def true_quality(self) -> float:
        """The chance that an order goes well: not cancelled, on time, as described, and the buyer satisfied."""
        return (1 - self.cancellation) * (1 - self.late_shipment) * (1 - self.not_as_described) * self.satisfaction


@dataclass(frozen=True)
class SimulatedBuyer:
    buyer_id: int
    joined_at: dt.datetime
    address_hash: str
    card_fingerprint: str


@dataclass
class _OrderRecord:
    """One order's contribution to its seller's day buckets ({day: {counter: int, duration list: [...]}}) and its
    review."""

    buckets: dict = field(default_factory=dict)
    review_id: int | None = None
    is_fake: bool = False


@dataclass(frozen=True)
class SimulationOptions:
    sellers: int = 60
    buyers: int = 2000
    days: int = 180
    seed: int = 7
    categories: int = 4
    orders_per_buyer_per_day: float = 0.05
    review_probability: float = 0.35


@dataclass
class Marketplace:
    options: SimulationOptions
    sellers: list[SimulatedSeller]
    buyers: dict[int, SimulatedBuyer]
    orders: dict[int, list[_OrderRecord]]  # seller -> its orders
    reviews: list[ReviewFacts]
    fake_review_ids: set[int]
    purchases: dict[int, list[int]]  # buyer -> seller of each verified purchase, in order
    target_seller_id: int | None = None

    @property
    def today(self) -> dt.date:
        return START + dt.timedelta(days=self.options.days - 1)


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _make_sellers(options: SimulationOptions, rng: random.Random) -> list[SimulatedSeller]:
    sellers = []
    for index in range(options.sellers):
        quality = rng.betavariate(4, 1.5)  # most sellers decent, a tail of poor ones
        flaw = (1 - quality) ** 2

        def noisy(value: float, scale: float = 0.2) -> float:
            return value * math.exp(rng.gauss(0, scale))

        members = rng.randint(1, 4)
        sellers.append(
            SimulatedSeller(
                seller_id=index + 1,
                category=index % options.categories,
                popularity=math.exp(rng.gauss(0, 0.6)),
                cancellation=_clamp(noisy(0.005 + 0.10 * flaw), 0, 0.5),
                late_shipment=_clamp(noisy(0.01 + 0.30 * flaw), 0, 0.8),
                not_as_described=_clamp(noisy(0.004 + 0.12 * flaw), 0, 0.5),
                satisfaction=_clamp(0.55 + 0.42 * quality + rng.gauss(0, 0.05), 0.05, 0.99),
                tracking=_clamp(0.995 - 0.2 * flaw, 0.5, 1),
                accept_hours=noisy(1 + 40 * flaw, 0.3),
                listing_completeness=Decimal(str(round(_clamp(0.45 + 0.5 * quality + rng.gauss(0, 0.1), 0, 1), 3))),
                security=SecurityPosture(
                    members_total=members,
                    members_with_2fa=sum(rng.random() < 0.3 + 0.6 * quality for _ in range(members)),
                    api_keys_total=1,
                    api_keys_older_than_90_days=int(rng.random() > quality),
                ),
            )
        )
    return sellers


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour=rng.randrange(8, 22), minute=rng.randrange(60)), tzinfo=dt.UTC)


def _fulfil(
    market: Marketplace,
    seller: SimulatedSeller,
    buyer: SimulatedBuyer,
    placed: dt.date,
    rng: random.Random,
    *,
    is_fake: bool,
    review_at: dt.date | None = None,
) -> None:
    """One order's whole life, every fact counted on the day it happens (and only if it happened by today)."""
    today = market.today
    record = _OrderRecord(is_fake=is_fake)
    market.orders[seller.seller_id].append(record)

    def count(day: dt.date, **increments) -> dict | None:
        if day > today:
            return None
        bucket = record.buckets.setdefault(day, {})
        for name, value in increments.items():
            if isinstance(value, list):
                bucket.setdefault(name, []).extend(value)
            elif value:
                bucket[name] = bucket.get(name, 0) + value
        return bucket

    accept_hours = 0.5 if is_fake else seller.accept_hours * math.exp(rng.gauss(0, 0.5))
    count(placed, orders=1, accept_seconds=[int(accept_hours * 3600)])
    if not is_fake and rng.random() < seller.cancellation:
        count(placed, cancelled_by_seller=1)
        return
    is_late = not is_fake and rng.random() < seller.late_shipment
    shipped = placed + dt.timedelta(days=rng.randint(0, 1) + (rng.randint(2, 4) if is_late else 0))
    has_tracking = is_fake or rng.random() < seller.tracking
    count(shipped, shipped=1, shipped_late=int(is_late), shipped_with_valid_tracking=int(has_tracking))
    is_on_time = not is_late and (is_fake or rng.random() > 0.02)
    delivered = shipped + dt.timedelta(days=rng.randint(1, 3) + (0 if is_on_time else rng.randint(1, 3)))
    if count(delivered, delivered=1, delivered_on_time=int(is_on_time)) is None:
        return
    market.purchases[buyer.buyer_id].append(seller.seller_id)
    is_not_as_described = not is_fake and rng.random() < seller.not_as_described
    if is_not_as_described:
        count(delivered + dt.timedelta(days=2), returns=1, returns_not_as_described=1)
        if rng.random() < 0.3:
            count(delivered + dt.timedelta(days=20), disputes_lost=1, defects=1)
    elif not is_fake and rng.random() < 0.03:
        count(delivered + dt.timedelta(days=3), returns=1)
    if not is_fake and rng.random() < 0.1:  # a question to the seller
        count(placed, response_seconds=[int(seller.accept_hours * 0.8 * 3600 * math.exp(rng.gauss(0, 0.6)))])
    if is_fake:
        rating = 5
    else:
        if rng.random() >= market.options.review_probability:
            return
        happy = rng.random() < seller.satisfaction * (0.4 if is_late or is_not_as_described else 1.0)
        rating = rng.choice((4, 5, 5)) if happy else rng.choice((1, 2, 2, 3))
    reviewed = review_at or delivered + dt.timedelta(days=rng.randint(1, 7))
    if reviewed > today:
        return
    purchases = market.purchases[buyer.buyer_id]
    review = ReviewFacts(
        review_id=len(market.reviews) + 1,
        buyer_id=buyer.buyer_id,
        seller_id=seller.seller_id,
        created_at=_moment(reviewed, rng),
        buyer_joined_at=buyer.joined_at,
        buyer_order_count=len(purchases),
        shipping_address_hash=buyer.address_hash,
        payment_fingerprint=buyer.card_fingerprint,
        rating=rating,
        buyer_seller_count=len(set(purchases)),
    )
    market.reviews.append(review)
    record.review_id = review.review_id
    if is_fake:
        market.fake_review_ids.add(review.review_id)


def build_marketplace(options: SimulationOptions) -> Marketplace:
    """The honest marketplace for a seed: sellers, buyers and every order of `options.days` days."""
    rng = random.Random(options.seed)
    sellers = _make_sellers(options, rng)
    buyers = {}
    for index in range(options.buyers):
        joined = dt.datetime.combine(START, dt.time(9), tzinfo=dt.UTC) + dt.timedelta(
            days=rng.randint(-720, options.days - 1), hours=rng.randrange(12)
        )
        household = index - 1 if index and rng.random() < 0.05 else index  # a few households share an address
        buyers[index + 1] = SimulatedBuyer(
            buyer_id=index + 1,
            joined_at=joined,
            address_hash=f"address-{household + 1}",
            card_fingerprint=f"card-{index + 1}",
        )
    market = Marketplace(
        options=options,
        sellers=sellers,
        buyers=buyers,
        orders={seller.seller_id: [] for seller in sellers},
        reviews=[],
        fake_review_ids=set(),
        purchases=defaultdict(list),
    )
    by_joining = sorted(buyers.values(), key=lambda buyer: (buyer.joined_at, buyer.buyer_id))
    joined_dates = [buyer.joined_at.date() for buyer in by_joining]
    cumulative, running = [], 0.0
    for seller in sellers:
        running += seller.popularity
        cumulative.append(running)
    per_day = options.buyers * options.orders_per_buyer_per_day
    for offset in range(options.days):
        day = START + dt.timedelta(days=offset)
        present = bisect.bisect_right(joined_dates, day)
        if present == 0:
            continue
        orders = max(0, round(rng.gauss(per_day, math.sqrt(per_day))))
        for _ in range(orders):
            buyer = by_joining[rng.randrange(present)]
            seller = sellers[bisect.bisect_left(cumulative, rng.random() * running)]
            _fulfil(market, seller, buyer, day, rng, is_fake=False)
    return market


def _poorest_in_largest_category(market: Marketplace) -> SimulatedSeller:
    by_category = defaultdict(list)
    for seller in market.sellers:
        by_category[seller.category].append(seller)
    category = max(sorted(by_category), key=lambda key: len(by_category[key]))
    return min(by_category[category], key=lambda seller: seller.true_quality)


def add_attack(
    market: Marketplace,
    attack: str,
    *,
    target_id: int | None = None,
    size: int | None = None,
    stream: int = 1,
) -> None:
    """Add the attack's accounts, orders and reviews to the marketplace (its own random stream, `stream`). The target
    is the poorest seller of the largest category unless `target_id` is given; `size` replaces the number of accounts
    of each attack (RING_SIZE, BURST_SIZE, SINGLE_RING_SIZE)."""
    if attack == "none":
        return
    rng = random.Random(market.options.seed * 7919 + stream)
    target = (
        _poorest_in_largest_category(market)
        if target_id is None
        else next(seller for seller in market.sellers if seller.seller_id == target_id)
    )
    market.target_seller_id = target.seller_id
    today = market.today
    next_buyer = max(market.buyers) + 1
    if attack in ("ring", "all"):
        others = [seller for seller in market.sellers if seller.seller_id != target.seller_id]
        accomplices = rng.sample(others, 2)
        for member in range(size or RING_SIZE):
            buyer = SimulatedBuyer(
                buyer_id=next_buyer,
                joined_at=dt.datetime.combine(
                    today - dt.timedelta(days=rng.randint(90, 150)), dt.time(10), tzinfo=dt.UTC
                ),
                address_hash=f"drop-{member % 10}",
                card_fingerprint=f"ring-card-{member}",
            )
            market.buyers[next_buyer] = buyer
            next_buyer += 1
            plan = [accomplices[0], target, accomplices[1], target]
            for step, seller in enumerate(plan):
                placed = today - dt.timedelta(days=75 - 15 * step + rng.randint(0, 5))
                _fulfil(market, seller, buyer, placed, rng, is_fake=True)
    if attack in ("burst", "all"):
        for _ in range(size or BURST_SIZE):
            joined = dt.datetime.combine(today - dt.timedelta(days=rng.randint(7, 14)), dt.time(10), tzinfo=dt.UTC)
            buyer = SimulatedBuyer(
                buyer_id=next_buyer,
                joined_at=joined,
                address_hash=f"burst-address-{next_buyer}",
                card_fingerprint=f"burst-card-{next_buyer}",
            )
            market.buyers[next_buyer] = buyer
            next_buyer += 1
            placed = joined.date() + dt.timedelta(days=rng.randint(0, 1))
            _fulfil(
                market,
                target,
                buyer,
                placed,
                rng,
                is_fake=True,
                review_at=min(today, placed + dt.timedelta(days=rng.randint(4, 6))),
            )
    if attack in ("single_ring", "all"):
        for _ in range(size or SINGLE_RING_SIZE):
            buyer = SimulatedBuyer(
                buyer_id=next_buyer,
                joined_at=dt.datetime.combine(
                    today - dt.timedelta(days=rng.randint(60, 730)), dt.time(10), tzinfo=dt.UTC
                ),
                address_hash=f"single-address-{next_buyer}",
                card_fingerprint=f"single-card-{next_buyer}",
            )
            market.buyers[next_buyer] = buyer
            next_buyer += 1
            for _order in range(rng.randint(1, 2)):
                placed = today - dt.timedelta(days=rng.randint(20, 120))
                _fulfil(market, target, buyer, placed, rng, is_fake=True)


# ---------------------------------------------------------------- scoring and the report


@dataclass(frozen=True)
class SellerOutcome:
    seller_id: int
    category: int
    true_quality: float
    score: Decimal
    tier: str
    mean_rating: float | None
    score_without_fraud_discount: Decimal
    satisfaction: Decimal = Decimal(50)
    evidence_orders: int = 0


@dataclass(frozen=True)
class TargetOutcome:
    seller_id: int
    true_quality_rank_in_category: int
    category_size: int
    score: Decimal
    tier: str
    rank_by_trust: int
    rank_by_search_ranking: int | None
    rank_by_mean_rating: int
    score_without_fraud_discount: Decimal
    tier_without_fraud_discount: str
    rank_by_trust_without_fraud_discount: int
    fake_reviews: int
    fake_review_mean_credibility: float


@dataclass(frozen=True)
class ScenarioResult:
    attack: str
    sellers: list[SellerOutcome]
    spearman_trust: float
    spearman_mean_rating: float
    spearman_trust_without_fraud_discount: float
    orders: int
    reviews: int
    honest_review_mean_credibility: float
    honest_reviews_at_full_credibility: float
    target: TargetOutcome | None


def _evidence(
    market: Marketplace, seller: SimulatedSeller, credibility: dict[int, int], config: dict
) -> SellerEvidence:
    """The seller's day buckets: each order's facts plus its reviews weighted by credibility; an order whose review is
    not credible keeps only its adverse facts when the review praises, and nothing when it complains (the production
    rule of `evidence.order_contribution`)."""
    negative_max = dec(config["negative_review_max_rating"])
    defect_min = int(config["defect_min_credibility_permille"])
    order_min = int(config.get("order_evidence_min_credibility_permille", 0))
    ratings = {review.review_id: review.rating for review in market.reviews if review.seller_id == seller.seller_id}
    counters: dict[dt.date, dict] = defaultdict(dict)
    for record in market.orders[seller.seller_id]:
        buckets = record.buckets
        if record.review_id is not None and credibility[record.review_id] < order_min:
            complaint = ratings.get(record.review_id, 5) <= negative_max
            buckets = {} if complaint else adverse_only(buckets, config=config)
        for day, values in buckets.items():
            merged = counters[day]
            for name, value in values.items():
                merged[name] = merged.get(name, [] if isinstance(value, list) else 0) + value
    reviews_by_day: dict[dt.date, list[tuple[int, int]]] = defaultdict(list)
    for review in market.reviews:
        if review.seller_id == seller.seller_id:
            permille = credibility[review.review_id]
            if permille < order_min:
                continue  # a review judged not credible: its praise adds nothing, its complaint is left out
            reviews_by_day[review.created_at.date()].append((review.rating, permille))
    days = []
    for day in sorted(set(counters) | set(reviews_by_day)):
        values = {
            name: value
            for name, value in counters.get(day, {}).items()
            if name not in ("accept_seconds", "response_seconds")
        }
        durations = counters.get(day, {})
        for rating, permille in reviews_by_day.get(day, ()):
            values["reviews"] = values.get("reviews", 0) + 1
            values["review_weight_permille"] = values.get("review_weight_permille", 0) + permille
            values["rating_weighted_sum_permille"] = values.get("rating_weighted_sum_permille", 0) + permille * rating
            if rating <= negative_max:
                values["negative_reviews"] = values.get("negative_reviews", 0) + 1
                if permille >= defect_min:
                    values["defects"] = values.get("defects", 0) + 1
        days.append(
            DayEvidence(
                day=day,
                accept_seconds=tuple(durations.get("accept_seconds", ())),
                response_seconds=tuple(durations.get("response_seconds", ())),
                **values,
            )
        )
    return SellerEvidence(days=tuple(days), listing_completeness=seller.listing_completeness, security=seller.security)


def seller_operations(market: Marketplace) -> dict[int, SellerOperations]:
    """Each seller's orders and those with an adverse fact (cancelled by the seller, shipped or delivered late,
    returned as not described, dispute lost): what the rebuild reads from the seller orders."""
    operations = {}
    for seller_id, records in market.orders.items():
        adverse = 0
        for record in records:
            totals: dict[str, int] = defaultdict(int)
            for values in record.buckets.values():
                for name in ("cancelled_by_seller", "shipped_late", "delivered", "delivered_on_time"):
                    totals[name] += values.get(name, 0)
                totals["adverse"] += values.get("returns_not_as_described", 0) + values.get("disputes_lost", 0)
            adverse += bool(
                totals["cancelled_by_seller"]
                or totals["shipped_late"]
                or totals["delivered"] > totals["delivered_on_time"]
                or totals["adverse"]
            )
        operations[seller_id] = SellerOperations(orders=len(records), adverse=adverse)
    return operations


def market_credibility(market: Marketplace) -> dict[int, int]:
    """review id -> credibility ‰ from `fraud.review_credibility`, given the facts the rebuild gives it: each buyer's
    verified purchases and distinct sellers over the whole history (not as of the review), and the sellers' own
    order facts."""
    reviews = [
        review._replace(
            buyer_order_count=len(market.purchases[review.buyer_id]),
            buyer_seller_count=len(set(market.purchases[review.buyer_id])),
        )
        for review in market.reviews
    ]
    return {
        review_id: value.permille
        for review_id, value in review_credibility(
            reviews,
            today=market.today,
            reviewer_count=co_reviewer_count(reviews),
            seller_operations=seller_operations(market),
        ).items()
    }


def seller_score(market: Marketplace, seller_id: int, *, config: dict | None = None) -> Decimal:
    """The production score (`score.compute_trust`) of one seller of `market`, every review's credibility from
    `market_credibility`."""
    config = config or trust_config()
    credibility = market_credibility(market)
    evidences = {seller.seller_id: _evidence(market, seller, credibility, config) for seller in market.sellers}
    config = config_with_estimated_priors(evidences.values(), today=market.today, config=config)
    return compute_trust(evidences[seller_id], today=market.today, config=config).score


def _rank_in_category(outcomes: list[SellerOutcome], seller_id: int, key) -> int:
    target = next(outcome for outcome in outcomes if outcome.seller_id == seller_id)
    peers = [outcome for outcome in outcomes if outcome.category == target.category]
    # Ties resolved against the target: it ranks after every peer with the same key.
    return 1 + sum(1 for peer in peers if peer.seller_id != seller_id and key(peer) >= key(target))


# Where the storefront's search ranking would place the target among its category's sellers: given by the caller
# (search.domain.simulated.rank_seller_by_search), since trust does not import search; None leaves it out.
SearchRank = Callable[[list[SellerOutcome], int, dict], int]


def run_scenario(
    options: SimulationOptions, attack: str, *, config: dict | None = None, search_rank: SearchRank | None = None
) -> ScenarioResult:
    if attack not in ATTACKS:
        raise ValueError(f"attack must be one of {', '.join(ATTACKS)}")
    config = config or trust_config()
    market = build_marketplace(options)
    add_attack(market, attack)
    today = market.today
    credibility = market_credibility(market)
    full = {review.review_id: 1000 for review in market.reviews}
    ratings = defaultdict(list)
    for review in market.reviews:
        ratings[review.seller_id].append(review.rating)
    outcomes, tiers_without = [], {}
    evidences = {seller.seller_id: _evidence(market, seller, credibility, config) for seller in market.sellers}
    naive_evidences = {seller.seller_id: _evidence(market, seller, full, config) for seller in market.sellers}
    # As a full recompute: the rates' prior strengths estimated from every seller first (empirical_prior); the
    # counterfactual without the fraud discount estimates them from its own evidence.
    scoring = config_with_estimated_priors(evidences.values(), today=today, config=config)
    naive_scoring = config_with_estimated_priors(naive_evidences.values(), today=today, config=config)
    for seller in market.sellers:
        result = compute_trust(evidences[seller.seller_id], today=today, config=scoring)
        naive = compute_trust(naive_evidences[seller.seller_id], today=today, config=naive_scoring)
        tiers_without[seller.seller_id] = naive.tier
        mean = sum(ratings[seller.seller_id]) / len(ratings[seller.seller_id]) if ratings[seller.seller_id] else None
        outcomes.append(
            SellerOutcome(
                seller_id=seller.seller_id,
                category=seller.category,
                true_quality=seller.true_quality,
                score=result.score,
                tier=result.tier,
                mean_rating=mean,
                score_without_fraud_discount=naive.score,
                satisfaction=result.pillars.get("satisfaction", Decimal(50)),
                evidence_orders=result.evidence_orders,
            )
        )
    quality = [outcome.true_quality for outcome in outcomes]
    # A seller without reviews has no mean rating: the marketplace would show it at the neutral 3 stars.
    mean_ratings = [outcome.mean_rating if outcome.mean_rating is not None else 3.0 for outcome in outcomes]
    honest = [
        credibility[review.review_id] for review in market.reviews if review.review_id not in market.fake_review_ids
    ]
    target = None
    if market.target_seller_id is not None:
        target_id = market.target_seller_id
        fake = [credibility[review_id] for review_id in market.fake_review_ids]
        mine = next(outcome for outcome in outcomes if outcome.seller_id == target_id)
        target = TargetOutcome(
            seller_id=target_id,
            true_quality_rank_in_category=_rank_in_category(outcomes, target_id, lambda outcome: outcome.true_quality),
            category_size=sum(1 for outcome in outcomes if outcome.category == mine.category),
            score=mine.score,
            tier=mine.tier,
            rank_by_trust=_rank_in_category(outcomes, target_id, lambda outcome: outcome.score),
            rank_by_search_ranking=search_rank(outcomes, target_id, config) if search_rank else None,
            rank_by_mean_rating=_rank_in_category(outcomes, target_id, lambda outcome: outcome.mean_rating or 3.0),
            score_without_fraud_discount=mine.score_without_fraud_discount,
            tier_without_fraud_discount=tiers_without[target_id],
            rank_by_trust_without_fraud_discount=_rank_in_category(
                outcomes, target_id, lambda outcome: outcome.score_without_fraud_discount
            ),
            fake_reviews=len(fake),
            fake_review_mean_credibility=sum(fake) / len(fake) if fake else 0.0,
        )
    return ScenarioResult(
        attack=attack,
        sellers=outcomes,
        spearman_trust=spearman([float(outcome.score) for outcome in outcomes], quality),
        spearman_mean_rating=spearman(mean_ratings, quality),
        spearman_trust_without_fraud_discount=spearman(
            [float(outcome.score_without_fraud_discount) for outcome in outcomes], quality
        ),
        orders=sum(
            bucket.get("orders", 0)
            for records in market.orders.values()
            for record in records
            for bucket in record.buckets.values()
        ),
        reviews=len(market.reviews),
        honest_review_mean_credibility=sum(honest) / len(honest) if honest else 0.0,
        honest_reviews_at_full_credibility=sum(1 for value in honest if value == 1000) / len(honest) if honest else 0.0,
        target=target,
    )


def run_simulation(
    options: SimulationOptions,
    attacks: tuple[str, ...] = ATTACKS,
    *,
    config: dict | None = None,
    search_rank: SearchRank | None = None,
) -> list[ScenarioResult]:
    return [run_scenario(options, attack, config=config, search_rank=search_rank) for attack in attacks]


def render_report(
    options: SimulationOptions, results: list[ScenarioResult], *, command: str, seconds: float | None = None
) -> str:
    lines = [
        "## Results",
        "",
        f"Command: `{command}`" + (f" (ran in {seconds:.1f} s)" if seconds is not None else ""),
        "",
        f"{options.sellers} sellers in {options.categories} categories, {options.buyers} buyers, {options.days} days, "
        f"seed {options.seed}; today = {START + dt.timedelta(days=options.days - 1)}.",
        "",
        "Spearman rank correlation with the hidden true quality (1 = perfect order, 0 = none):",
        "",
        "| attack | orders | reviews | trust score | trust without fraud discount | plain mean rating "
        "| honest reviews at full credibility | honest mean credibility ‰ |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        lines.append(
            f"| {result.attack} | {result.orders} | {result.reviews} | {result.spearman_trust:.3f} "
            f"| {result.spearman_trust_without_fraud_discount:.3f} | {result.spearman_mean_rating:.3f} "
            f"| {100 * result.honest_reviews_at_full_credibility:.1f} % | {result.honest_review_mean_credibility:.0f} |"
        )
    attacked = [(result, result.target) for result in results if result.target is not None]
    if attacked:
        lines += [
            "",
            f"The attacked seller (the poorest of the largest category; top {TOP_CATEGORY_RESULTS} = the first results "
            "of its category):",
            "",
            "| attack | fake reviews | their mean credibility ‰ | score | tier | rank in category by trust "
            "| by search ranking | by mean rating | score without fraud discount | tier without | rank without |",
            "|---|---:|---:|---:|---|---:|---:|---:|---:|---|---:|",
        ]
        for result, target in attacked:
            lines.append(
                f"| {result.attack} | {target.fake_reviews} | {target.fake_review_mean_credibility:.0f} "
                f"| {target.score} | {target.tier} | {target.rank_by_trust} / {target.category_size} "
                f"| {'—' if target.rank_by_search_ranking is None else target.rank_by_search_ranking} "
                f"/ {target.category_size} "
                f"| {target.rank_by_mean_rating} / {target.category_size} | {target.score_without_fraud_discount} "
                f"| {target.tier_without_fraud_discount} | {target.rank_by_trust_without_fraud_discount} / "
                f"{target.category_size} |"
            )
        baseline = next((result for result in results if result.attack == "none"), None)
        if baseline is not None:
            first = attacked[0][1]
            target_id = first.seller_id
            before = next(outcome for outcome in baseline.sellers if outcome.seller_id == target_id)
            lines += [
                "",
                f"Without any attack the same seller scores {before.score} ({before.tier}); its true quality ranks "
                f"{first.true_quality_rank_in_category} / {first.category_size} in its category.",
            ]
    tiers: defaultdict[str, int] = defaultdict(int)
    for outcome in results[0].sellers:
        tiers[outcome.tier] += 1
    lines += [
        "",
        f"Tiers ({results[0].attack}): " + ", ".join(f"{name} {count}" for name, count in sorted(tiers.items())) + ".",
    ]
    return "\n".join(lines) + "\n"


__all__ = [
    "ATTACKS",
    "ScenarioResult",
    "SimulationOptions",
    "TargetOutcome",
    "add_attack",
    "average_ranks",
    "build_marketplace",
    "market_credibility",
    "render_report",
    "run_scenario",
    "run_simulation",
    "seller_score",
    "spearman",
]

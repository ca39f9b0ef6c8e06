"""Search ranking. Pure: candidates (text relevance plus quality signals) in, ordered results with the
contribution of every parameter out. The parameters and their weights are public (P2B Art. 5, DSA Art. 27);
docs/SEARCH.md and the /ranking page describe them."""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

FACTORS = ("relevance", "trust", "conversion", "delivery", "price", "satisfaction")


@dataclass(frozen=True)
class RankingConfig:
    weights: dict[str, float] = field(
        default_factory=lambda: {
            "relevance": 40.0,
            "trust": 20.0,
            "conversion": 10.0,
            "delivery": 10.0,
            "price": 10.0,
            "satisfaction": 10.0,
        }
    )
    conversion_prior_orders: float = (
        1.0  # Beta(α, β) prior on the view → order rate: a product without history sits at α/(α+β)
    )
    conversion_prior_views: float = 50.0  # α + β
    delivery_fast_days: int = 2  # business days to the latest promised date that earn the full delivery signal
    delivery_slow_days: int = 15  # …and none
    price_ratio_best: float = 0.7  # landed price / category median earning the full price signal
    price_ratio_worst: float = 1.3

    @classmethod
    def from_settings(cls, values: dict | None) -> RankingConfig:
        values = dict(values or {})
        weights = {
            **cls().weights,
            **{name: float(value) for name, value in (values.pop("weights", None) or {}).items() if name in FACTORS},
        }
        known = {
            name: values[name]
            for name in (
                "conversion_prior_orders",
                "conversion_prior_views",
                "delivery_fast_days",
                "delivery_slow_days",
                "price_ratio_best",
                "price_ratio_worst",
            )
            if name in values
        }
        return cls(weights=weights, **known)

    def shares(self) -> dict[str, float]:
        """Each factor's relative weight (sums to 1)."""
        total = sum(max(0.0, self.weights.get(name, 0.0)) for name in FACTORS) or 1.0
        return {name: max(0.0, self.weights.get(name, 0.0)) / total for name in FACTORS}


@dataclass(frozen=True)
class Candidate:
    """What ranking knows about one matching product, for the buyer's destination."""

    product_id: int
    category_id: int
    relevance: float  # from the text backend, higher is better; 0 when there is no text query
    views: int = 0
    orders: int = 0
    delivery_days: int | None = None  # business days to the latest promised delivery of the fastest offer
    landed_price: int | None = None  # lowest landed price, minor units
    seller_trust: float = 50.0  # 0–100, of the seller of the lowest landed price
    visibility_multiplier: float = 1.0  # from the seller's tier (top rated > 1, below standard < 1)
    seller_tier: str = "new"
    satisfaction: float = 50.0  # buyer satisfaction pillar of that seller, 0–100


@dataclass(frozen=True)
class Contribution:
    factor: str
    weight: float  # relative weight, 0–1
    signal: float  # the candidate's normalised value, 0–1
    points: float  # weight × signal (sums to the base score)


@dataclass(frozen=True)
class RankedResult:
    product_id: int
    score: float
    base_score: float
    visibility_multiplier: float
    seller_tier: str
    contributions: tuple[Contribution, ...]


def _clamp(value: float) -> float:
    return 0.0 if value < 0 else 1.0 if value > 1 else value


def conversion_rate(views: int, orders: int, config: RankingConfig) -> float:
    """Orders per view with a Beta prior, so a product seen twice and bought once is not a 50 % converter."""
    return (min(orders, views) + config.conversion_prior_orders) / (views + config.conversion_prior_views)


def conversion_signal(views: int, orders: int, config: RankingConfig) -> float:
    """0.5 at the prior rate, towards 1 for products converting far better, towards 0 far worse."""
    rate = conversion_rate(views, orders, config)
    prior = config.conversion_prior_orders / config.conversion_prior_views
    return rate / (rate + prior)


def delivery_signal(days: int | None, config: RankingConfig) -> float:
    if days is None:
        return 0.0
    span = max(1, config.delivery_slow_days - config.delivery_fast_days)
    return _clamp((config.delivery_slow_days - days) / span)


def price_signal(price: int | None, category_median: float | None, config: RankingConfig) -> float:
    """0.5 at the category median; full marks at `price_ratio_best` × median or cheaper, none at
    `price_ratio_worst` × median."""
    if price is None or not category_median:
        return 0.5
    ratio = price / category_median
    return _clamp((config.price_ratio_worst - ratio) / (config.price_ratio_worst - config.price_ratio_best))


def category_medians(candidates: list[Candidate]) -> dict[int, float]:
    """Median lowest landed price per category among the candidates (minor units). Prices enter the ranking only
    as a dimensionless ratio to this median, so a float is fine here: no amount of money is ever computed from it."""
    prices: dict[int, list[int]] = {}
    for candidate in candidates:
        if candidate.landed_price is not None:
            prices.setdefault(candidate.category_id, []).append(candidate.landed_price)
    return {category_id: float(median(values)) for category_id, values in prices.items()}


@dataclass(frozen=True)
class RankingContext:
    """What a candidate's signals depend on besides itself: the query's best relevance and the category medians."""

    best_relevance: float
    medians: dict[int, float]
    has_text_query: bool


def ranking_context(candidates: list[Candidate], *, has_text_query: bool) -> RankingContext:
    return RankingContext(
        max((candidate.relevance for candidate in candidates), default=0.0),
        category_medians(candidates),
        has_text_query,
    )


def signals(candidate: Candidate, context: RankingContext, config: RankingConfig) -> tuple[float, ...]:
    """The candidate's signal per factor (in FACTORS order), each in 0–1."""
    if context.has_text_query:
        relevance = candidate.relevance / context.best_relevance if context.best_relevance > 0 else 0.0
    else:
        relevance = 1.0
    return (
        _clamp(relevance),
        _clamp(candidate.seller_trust / 100),
        _clamp(conversion_signal(candidate.views, candidate.orders, config)),
        _clamp(delivery_signal(candidate.delivery_days, config)),
        _clamp(price_signal(candidate.landed_price, context.medians.get(candidate.category_id), config)),
        _clamp(candidate.satisfaction / 100),
    )


def score(candidate: Candidate, context: RankingContext, config: RankingConfig, shares: tuple[float, ...]) -> float:
    """visibility multiplier × Σ share × signal — the number `rank` orders by, without building the explanation."""
    return candidate.visibility_multiplier * sum(
        share * signal for share, signal in zip(shares, signals(candidate, context, config), strict=True)
    )


def ranked_result(candidate: Candidate, context: RankingContext, config: RankingConfig) -> RankedResult:
    """The candidate's score with the contribution of every factor (for the explanation)."""
    shares = config.shares()
    contributions = tuple(
        Contribution(name, shares[name], signal, shares[name] * signal)
        for name, signal in zip(FACTORS, signals(candidate, context, config), strict=True)
    )
    base = sum(item.points for item in contributions)
    return RankedResult(
        candidate.product_id,
        base * candidate.visibility_multiplier,
        base,
        candidate.visibility_multiplier,
        candidate.seller_tier,
        contributions,
    )


def order(
    candidates: list[Candidate], *, config: RankingConfig, has_text_query: bool = True
) -> tuple[list[tuple[Candidate, float]], RankingContext]:
    """Candidates with their scores in ranking order (score, then relevance, then product id) — what `rank` returns,
    without the per-factor explanation, which `ranked_result` builds for the results actually shown."""
    context = ranking_context(candidates, has_text_query=has_text_query)
    shares = tuple(config.shares()[name] for name in FACTORS)
    scored = [(candidate, score(candidate, context, config, shares)) for candidate in candidates]
    scored.sort(key=lambda pair: (-pair[1], -pair[0].relevance, pair[0].product_id))
    return scored, context


# The factors whose signal is the seller's (its trust snapshot), not the product's: a trust change moves only these.
SELLER_FACTORS = ("trust", "satisfaction")


def seller_points(seller_trust: float, satisfaction: float, config: RankingConfig) -> float:
    """What the seller's own signals add to a score before the visibility multiplier: Σ share × signal over
    SELLER_FACTORS."""
    shares = config.shares()
    return shares["trust"] * _clamp(seller_trust / 100) + shares["satisfaction"] * _clamp(satisfaction / 100)


@dataclass(frozen=True)
class BrowseQuality:
    score: float  # visibility multiplier × (base + seller points)
    base: float  # the points of the product's own factors (relevance, conversion, delivery, price)
    seller_points: float


def browse_quality(candidate: Candidate, config: RankingConfig) -> BrowseQuality:
    """The score of a candidate ranked alone without a text query (full relevance; its price is its own median, so the
    price signal is 0.5): the `quality` the index stores to browse without text. Split so that a trust change can
    recompute it from the stored base: score = multiplier × (base + seller_points(trust, satisfaction)), equal to
    `rank([candidate], has_text_query=False)[0].score` up to float rounding."""
    context = ranking_context([candidate], has_text_query=False)
    shares = config.shares()
    base = sum(
        shares[name] * signal
        for name, signal in zip(FACTORS, signals(candidate, context, config), strict=True)
        if name not in SELLER_FACTORS
    )
    points = seller_points(candidate.seller_trust, candidate.satisfaction, config)
    return BrowseQuality(candidate.visibility_multiplier * (base + points), base, points)


def rank(candidates: list[Candidate], *, config: RankingConfig, has_text_query: bool = True) -> list[RankedResult]:
    """Candidates ordered by score = visibility multiplier × Σ weight × signal (ties: relevance, then product id).

    Text relevance is normalised per query (the best match of this query scores 1); without a text query every
    candidate gets the full relevance signal, so only the quality signals order them."""
    scored, context = order(candidates, config=config, has_text_query=has_text_query)
    return [ranked_result(candidate, context, config) for candidate, _score in scored]

"""The trust score: four pillars (transparency, operational excellence, data security, buyer satisfaction)
combined with configured weights into 0–100 with an uncertainty band. Pure.

Each rate is a Beta posterior: the decayed evidence of the horizon (weight 0.5 ** (age / half-life))
plus `prior_strength` pseudo-observations of a mediocre seller, so a young seller is shrunk toward 50
(neither buried nor boosted) and old evidence fades. A metric maps to points with one piecewise-linear
curve anchored on its target: perfect = 100, at target = 75, twice the target = 50, four times = 0."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_EVEN, Decimal
from operator import attrgetter

from comptoir.trust.domain.config import dec
from comptoir.trust.domain.evidence import DayEvidence, SecurityPosture, SellerEvidence
from comptoir.trust.domain.metrics import (
    DURATION_FIELDS,
    RATE_FIELDS,
    MetricResult,
    beta_posterior,
    decay_weight,
    median_of,
    metrics_compute,
)
from comptoir.trust.domain.tiers import tier_decide

TWO_PLACES = Decimal("0.01")
PILLARS = ("transparency", "operations", "security", "satisfaction")


@dataclass(frozen=True)
class TrustResult:
    score: Decimal
    low: Decimal
    high: Decimal
    pillars: dict[str, Decimal]
    tier: str
    metrics: dict[str, MetricResult]
    evidence_orders: int = 0
    pillar_bands: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    # True when the recent window disagreed with the older record beyond both windows' uncertainty, so the score
    # weighed the recent evidence more (a seller whose quality changed: see `recent_window_half_life`).
    is_recent_window_weighted: bool = False


def points_for_bad_rate(rate: float, target: float, curve: float | None = None, zero_at: float = 4.0) -> float:
    """0 bad → 100; at target → 75 (linear in between). Above the target, without `curve`: 2 × target → 50,
    3 × target → 25 (linear), then linearly down to 0 at `zero_at` × target (at least 3; the default 4 keeps one slope
    from the target to 0; a larger one gives a long tail that still orders sellers far beyond the standard). With
    `curve` = c: 75 × (target / rate) ** c, which never reaches 0 — worse is always worse, so sellers far beyond a
    standard stay ordered (with c = log2(1.5), 2 × target → 50 as well)."""
    if target <= 0:
        return 100.0 if rate <= 0 else 0.0
    if rate <= target:
        return 100 - 25 * rate / target
    if curve is not None:
        return 75 * (target / rate) ** curve
    if rate <= 3 * target or zero_at <= 3:
        return max(0.0, 75 - 25 * (rate - target) / target)
    return max(0.0, 25 - 25 * (rate - 3 * target) / ((zero_at - 3) * target))


def points_for_rating(mean: float) -> float:
    return max(0.0, min(100.0, (mean - 1) / 4 * 100))


def _two(value: float) -> Decimal:
    return Decimal(str(max(0.0, min(100.0, value)))).quantize(TWO_PLACES, rounding=ROUND_HALF_EVEN)


def _bad_target(spec: dict) -> float:
    target = float(dec(spec["target"]))
    return 1 - target if spec["direction"] == "above" else target


def _rate_points(
    name: str, spec: dict, weighted: list[tuple[float, DayEvidence]], config: dict
) -> tuple[float, float, float]:
    numerator_field, denominator_field = RATE_FIELDS[name]
    good_or_bad = sum(weight * getattr(day, numerator_field) for weight, day in weighted)
    trials = sum(weight * getattr(day, denominator_field) for weight, day in weighted)
    bad = good_or_bad if spec["direction"] == "below" else trials - good_or_bad
    target = _bad_target(spec)
    # The prior is the rate worth 50 points: twice the target; its strength is configured, or estimated from the
    # marketplace's sellers (`rate_prior_strengths`, empirical Bayes: see `prior_strengths_estimate`).
    prior_mean = min(0.5, 2 * target)
    strength = (config.get("rate_prior_strengths") or {}).get(name, config["prior_strength"])
    mean, low, high = beta_posterior(
        bad,
        trials,
        prior_mean=prior_mean,
        prior_strength=float(strength),
        z=float(dec(config["confidence_z"])),
    )
    curve = _curve(config)
    # Where the points reach 0, as a multiple of the target (`points_zero_at`, default 4; docs/TRUST.md, "Score").
    zero_at = float(dec(spec.get("points_zero_at", 4)))
    return (
        points_for_bad_rate(mean, target, curve, zero_at),
        points_for_bad_rate(high, target, curve, zero_at),
        points_for_bad_rate(low, target, curve, zero_at),
    )


def _curve(config: dict) -> float | None:
    curve = config.get("points_curve")
    return None if curve in (None, "") else float(dec(curve))


def _duration_points(
    name: str, spec: dict, days: list[DayEvidence], today: dt.date, config: dict
) -> tuple[float, float, float] | None:
    first = today - dt.timedelta(days=int(spec["window_days"]) - 1)
    samples = sorted(
        seconds for day in days if first <= day.day <= today for seconds in getattr(day, DURATION_FIELDS[name])
    )
    strength = float(config["duration_prior_strength"])
    target = float(dec(spec["target"]))
    if not samples:
        return None  # never measured (an imported history without acceptance times): unknown, not average
    count = len(samples)
    curve = _curve(config)

    def blend(hours: float) -> float:
        return (strength * 50 + count * points_for_bad_rate(hours, target, curve)) / (strength + count)

    upper_quartile = samples[min(count - 1, (3 * count) // 4)] / 3600
    lower_quartile = samples[count // 4] / 3600
    return blend(median_of(samples) / 3600), blend(upper_quartile), blend(lower_quartile)


def _rating_points(weighted: list[tuple[float, DayEvidence]], config: dict) -> tuple[float, float, float]:
    weight = sum(w * day.review_weight_permille for w, day in weighted) / 1000
    total = sum(w * day.rating_weighted_sum_permille for w, day in weighted) / 1000
    strength = float(config["rating_prior_strength"])
    mean = (strength * float(dec(config["rating_prior"])) + total) / (strength + weight)
    spread = float(dec(config["confidence_z"])) * 1.2 / math.sqrt(strength + weight)
    return points_for_rating(mean), points_for_rating(mean - spread), points_for_rating(mean + spread)


def security_points(posture: SecurityPosture, config: dict) -> float | None:
    """2FA share of members, share of API keys younger than the rotation age, no shared login suspected; None when
    the seller has no member account (nothing known: an imported seller)."""
    if posture.members_total == 0:
        return None
    weights = {key: float(dec(value)) for key, value in config["security"]["weights"].items()}
    two_factor = posture.members_with_2fa / posture.members_total
    keys = 1 - posture.api_keys_older_than_90_days / posture.api_keys_total if posture.api_keys_total else 1.0
    shared = 0.0 if posture.shared_login_suspected else 1.0
    total = sum(weights.values())
    return (
        100
        * (weights["two_factor"] * two_factor + weights["api_keys"] * keys + weights["shared_logins"] * shared)
        / total
    )


def rate_fields(config: dict) -> tuple[str, ...]:
    """The DayEvidence counters the scored rates read (each once), in a fixed order."""
    fields: list[str] = []
    for name, spec in config["metrics"].items():
        if name in RATE_FIELDS and spec.get("pillar") is not None:
            fields += [field for field in RATE_FIELDS[name] if field not in fields]
    return tuple(fields)


def rate_totals_from_sums(sums: Mapping[str, float], config: dict) -> dict[str, tuple[float, float]]:
    """metric -> (decayed bad events, decayed trials) of each scored rate, from the decayed sum of each of
    `rate_fields(config)`."""
    totals = {}
    for name, spec in config["metrics"].items():
        if name not in RATE_FIELDS or spec.get("pillar") is None:
            continue
        numerator_field, denominator_field = RATE_FIELDS[name]
        events, trials = sums[numerator_field], sums[denominator_field]
        totals[name] = (events if spec["direction"] == "below" else trials - events, trials)
    return totals


def rate_totals(days: Iterable[DayEvidence], *, today: dt.date, config: dict) -> dict[str, tuple[float, float]]:
    """metric -> (decayed bad events, decayed trials) of each scored rate over `days` (those of the horizon ending
    `today`, weighed with the configured half-life): one seller's share of `prior_strengths_estimate`. Several sellers'
    days (an heir's and its prior's) simply add up."""
    half_life = float(config["half_life_days"])
    first = horizon_start(today, config)
    fields = rate_fields(config)
    sums = dict.fromkeys(fields, 0.0)
    for day in days:
        if first <= day.day <= today:
            weight = decay_weight((today - day.day).days, half_life)
            for field in fields:
                sums[field] += weight * getattr(day, field)
    return rate_totals_from_sums(sums, config)


@dataclass(frozen=True)
class PriorEstimate:
    """The prior strength of each scored rate estimated from `sellers` sellers (those with at least one trial)."""

    strengths: dict[str, float]
    sellers: int


def prior_strengths_estimate(
    totals: Iterable[Mapping[str, tuple[float, float]]], *, config: dict, minimum: float | None = None
) -> PriorEstimate:
    """The prior strength of each scored rate from every seller's `rate_totals` (empirical Bayes).

    Method of moments of the beta-binomial: over the sellers' decayed evidence (x_i bad of n_i), mu = Σx / Σn and the
    spread of the sellers' rates beyond what sampling explains is the between-seller variance
    tau² = (Σ n_i (x_i / n_i − mu)² − (k − 1) mu (1 − mu)) / (Σn − Σn_i² / Σn); a Beta prior of that variance is worth
    mu (1 − mu) / tau² − 1 observations. The result is clamped to [minimum (`empirical_prior.minimum_strength`, 2),
    the configured `prior_strength`]: a rate that tells sellers apart is shrunk less, so a few dozen orders can rank
    two solid sellers, and never more than the configured prior (whose mean, a mediocre seller's rate, stays: an
    unknown seller still scores the prior). A seller counts for a rate from one (decayed) trial on."""
    if minimum is None:
        minimum = float((config.get("empirical_prior") or {}).get("minimum_strength", 2))
    maximum = float(config["prior_strength"])
    pairs: dict[str, list[tuple[float, float]]] = {}
    sellers = 0
    for seller in totals:
        counted = False
        for name, (bad, trials) in seller.items():
            if trials >= 1:
                pairs.setdefault(name, []).append((bad, trials))
                counted = True
        sellers += counted
    strengths = {}
    for name, rate_pairs in pairs.items():
        total = sum(trials for _, trials in rate_pairs)
        if len(rate_pairs) < 2 or not total:
            continue
        mu = sum(bad for bad, _ in rate_pairs) / total
        if mu <= 0 or mu >= 1:
            continue
        spread = sum(trials * (bad / trials - mu) ** 2 for bad, trials in rate_pairs)
        tau_squared = (spread - (len(rate_pairs) - 1) * mu * (1 - mu)) / (
            total - sum(t * t for _, t in rate_pairs) / total
        )
        strength = maximum if tau_squared <= 0 else mu * (1 - mu) / tau_squared - 1
        strengths[name] = max(minimum, min(maximum, strength))
    return PriorEstimate(strengths=strengths, sellers=sellers)


def empirical_prior_strengths(
    evidences: Iterable[SellerEvidence], *, today: dt.date, config: dict, minimum: float = 2.0
) -> dict[str, float]:
    """metric -> prior strength of each scored rate, estimated from these sellers' evidence (own and inherited days)
    by `prior_strengths_estimate`."""
    return prior_strengths_estimate(
        (rate_totals(_horizon_days(evidence, today, config), today=today, config=config) for evidence in evidences),
        config=config,
        minimum=minimum,
    ).strengths


def config_with_prior_estimate(config: dict, estimate: PriorEstimate | None) -> dict:
    """`config` with `rate_prior_strengths` from `estimate` when the empirical prior is on (`empirical_prior`, not
    None), the estimate came from at least `empirical_prior.minimum_sellers` sellers and the operator did not set
    `rate_prior_strengths` themselves; else `config` itself (every rate shrunk with the fixed `prior_strength`)."""
    rule = config.get("empirical_prior")
    if not rule or estimate is None or config.get("rate_prior_strengths"):
        return config
    if estimate.sellers < int(rule.get("minimum_sellers", 30)) or not estimate.strengths:
        return config
    return {**config, "rate_prior_strengths": dict(estimate.strengths)}


def config_with_estimated_priors(evidences: Iterable[SellerEvidence], *, today: dt.date, config: dict) -> dict:
    """`config_with_prior_estimate` of the estimate from these sellers: what a full recompute of exactly these sellers
    scores them with (the simulations score every seller of a marketplace in memory this way)."""
    if not config.get("empirical_prior") or config.get("rate_prior_strengths"):
        return config
    estimate = prior_strengths_estimate(
        (rate_totals(_horizon_days(evidence, today, config), today=today, config=config) for evidence in evidences),
        config=config,
    )
    return config_with_prior_estimate(config, estimate)


def horizon_start(today: dt.date, config: dict) -> dt.date:
    """The first day of the score's horizon ending `today`: older days are not evidence."""
    return today - dt.timedelta(days=int(config["score_horizon_days"]) - 1)


def _horizon_days(evidence: SellerEvidence, today: dt.date, config: dict) -> list[DayEvidence]:
    first = horizon_start(today, config)
    days = [day for day in evidence.days if first <= day.day <= today]
    if evidence.prior is not None:
        days += [day for day in evidence.prior.days if first <= day.day <= today]
    return days


def _half_width(result: TrustResult) -> float:
    return float(result.high - result.low) / 2


def recent_window_half_life(evidence: SellerEvidence, *, today: dt.date, config: dict) -> float | None:
    """The shorter half-life to score `evidence` with when its recent window clearly differs from its older record,
    else None (the configured half-life stands).

    The last `recent_window.days` days (up to `today`) and the days before them (scored as of the day before the
    window, so both are fresh) are each scored alone with the configured half-life, own and inherited days alike.
    They disagree when the gap between the two scores exceeds `recent_window.disagreement` times the combined
    half-width of their bands (sqrt(h_recent² + h_older²)): a seller whose quality changed — better or worse — is
    then scored with `recent_window.half_life_days`, so its old quality fades faster. A thin window has a wide band
    and never disagrees; a seller without evidence on both sides keeps the configured half-life. The other inputs
    (listing, security) are the same on both sides. Tuned on seeds 1–5 only (docs/SIMULATION.md, tenth session)."""
    rule = config.get("recent_window")
    if not rule:
        return None
    days = _horizon_days(evidence, today, config)
    boundary = today - dt.timedelta(days=int(rule["days"]))
    recent_days = tuple(day for day in days if day.day > boundary)
    older_days = tuple(day for day in days if day.day <= boundary)
    if not any(day.orders for day in recent_days) or not any(day.orders for day in older_days):
        return None
    half_life = float(config["half_life_days"])
    recent = _compute(replace(evidence, days=recent_days, prior=None), today=today, config=config, half_life=half_life)
    older = _compute(replace(evidence, days=older_days, prior=None), today=boundary, config=config, half_life=half_life)
    uncertainty = math.hypot(_half_width(recent), _half_width(older))
    gap = abs(float(recent.score - older.score))
    if gap > float(dec(rule["disagreement"])) * uncertainty:
        return float(rule["half_life_days"])
    return None


# The rates a seller's changing quality moves (the change test), each as (bad events, trials) of DayEvidence; valid
# tracking counts its failures: shipped minus shipped with valid tracking ("" as the bad field).
CHANGE_TEST_RATES = {
    "late_shipment": ("shipped_late", "shipped"),
    "untracked": ("", "shipped"),
    "not_as_described": ("returns_not_as_described", "delivered"),
    "negative_reviews": ("negative_reviews", "reviews"),
    "cancellations": ("cancelled_by_seller", "orders"),
    "disputes_lost": ("disputes_lost", "orders"),
}


def _untracked(day: DayEvidence) -> int:
    return day.shipped - day.shipped_with_valid_tracking


def change_test_p_values(evidence: SellerEvidence, *, today: dt.date, config: dict) -> dict[str, float]:
    """rate -> two-sided p-value of "this rate did not move over time" for each of `change_test.metrics`.

    The Cochran–Armitage test for trend: one pass over the seller's daily counts of the score's horizon (own and
    inherited days), the covariate being each day's age. With n_d trials and x_d bad events on day d at age t_d, N and
    X their totals and p = X / N, T = Σ t_d (x_d − n_d p) has variance p (1 − p) (Σ n_d t_d² − (Σ n_d t_d)² / N) when
    the rate is constant; T / √variance is compared with the standard normal. A drift (rising or falling) and a step
    both move T; a rate with fewer than `change_test.minimum_trials` trials, or without any variation (no bad event,
    or only bad events), is not tested."""
    rule = config["change_test"]
    minimum = int(rule.get("minimum_trials", 20))
    # Per rate: its running sums N, X, Σ n t, Σ n t², Σ x t, and how to read its trials and bad events off a day.
    sums = {name: [0.0, 0.0, 0.0, 0.0, 0.0] for name in rule["metrics"]}
    columns = [
        (sums[name], attrgetter(bad) if bad else _untracked, attrgetter(trials))
        for name, (bad, trials) in ((name, CHANGE_TEST_RATES[name]) for name in rule["metrics"])
    ]
    for day in _horizon_days(evidence, today, config):
        age = (today - day.day).days
        for totals, bad_of, trials_of in columns:
            trials = trials_of(day)
            if not trials:
                continue
            bad = bad_of(day)
            totals[0] += trials
            totals[1] += bad
            totals[2] += trials * age
            totals[3] += trials * age * age
            totals[4] += bad * age
    p_values = {}
    for name, (trials, bad, trials_age, trials_age_squared, bad_age) in sums.items():
        if trials < minimum or bad <= 0 or bad >= trials:
            continue
        rate = bad / trials
        variance = rate * (1 - rate) * (trials_age_squared - trials_age * trials_age / trials)
        if variance <= 0:
            continue
        statistic = (bad_age - rate * trials_age) / math.sqrt(variance)
        p_values[name] = math.erfc(abs(statistic) / math.sqrt(2))
    return p_values


def change_test_fires(evidence: SellerEvidence, *, today: dt.date, config: dict) -> bool:
    """True when at least one tested rate moved over time, by Holm's procedure over the tested rates at family-wise
    level `change_test.alpha` (for "any rate moved", Holm's first step decides: the smallest p-value times the number
    of tested rates is at most alpha). False when `change_test` is off (None)."""
    if not config.get("change_test"):
        return False
    p_values = change_test_p_values(evidence, today=today, config=config)
    return bool(p_values) and min(p_values.values()) * len(p_values) <= float(dec(config["change_test"]["alpha"]))


def compute_trust(evidence: SellerEvidence, *, today: dt.date, config: dict) -> TrustResult:
    """Score, band, pillars, tier and window metrics of one seller from its evidence. Pure and deterministic.

    Evidence fades with the configured half-life, or with `change_test.half_life_days` when one of the seller's rates
    moved over time (`change_test_fires`), or else with the recent window's shorter one when its recent evidence
    clearly differs from its older record (`recent_window_half_life`, off by default)."""
    if change_test_fires(evidence, today=today, config=config):
        rule = config["change_test"]
        result = _compute(evidence, today=today, config=config, half_life=float(rule["half_life_days"]))
        return replace(result, is_recent_window_weighted=True)
    recent_half_life = recent_window_half_life(evidence, today=today, config=config)
    if recent_half_life is None:
        return _compute(evidence, today=today, config=config, half_life=float(config["half_life_days"]))
    result = _compute(evidence, today=today, config=config, half_life=recent_half_life)
    return replace(result, is_recent_window_weighted=True)


def _compute(evidence: SellerEvidence, *, today: dt.date, config: dict, half_life: float) -> TrustResult:
    days = _horizon_days(evidence, today, config)
    weighted = [(decay_weight((today - day.day).days, half_life), day) for day in days]
    metric_weights = {name: float(dec(value)) for name, value in config["metric_weights"].items()}

    contributions: dict[str, list[tuple[float, float, float, float]]] = {pillar: [] for pillar in PILLARS}
    for name, spec in config["metrics"].items():
        pillar = spec.get("pillar")
        if pillar is None or name not in metric_weights:
            continue
        points: tuple[float, float, float] | None
        if name in RATE_FIELDS:
            points = _rate_points(name, spec, weighted, config)
        elif name in DURATION_FIELDS:
            points = _duration_points(name, spec, days, today, config)
        elif name == "seller_rating":
            points = _rating_points(weighted, config)
        else:
            continue
        if points is not None:
            contributions[pillar].append((metric_weights[name], *points))
    if evidence.listing_completeness is not None:
        completeness = 100 * float(evidence.listing_completeness)
        contributions["transparency"].append((metric_weights["listing_completeness"], *(completeness,) * 3))
    secure = security_points(evidence.security, config)
    if secure is not None:
        contributions["security"].append((1.0, secure, secure, secure))

    # An input never measured (no listing yet, no member account, no acceptance time: an imported history) is left
    # out, and the weights of what is known are renormalised: unknown is neither good nor bad, and it does not pull
    # every seller toward 50 (which capped imported sellers' scores below the top-rated line). A pillar with nothing
    # known shows the prior's 50 and does not count.
    pillars, bands = {}, {}
    pillar_weights = {name: float(dec(value)) for name, value in config["pillar_weights"].items()}
    for pillar, parts in contributions.items():
        total = sum(part[0] for part in parts)
        if not total:
            pillars[pillar], bands[pillar] = 50.0, (50.0, 50.0)
            pillar_weights[pillar] = 0.0
            continue
        pillars[pillar] = sum(part[0] * part[1] for part in parts) / total
        bands[pillar] = (
            sum(part[0] * part[2] for part in parts) / total,
            sum(part[0] * part[3] for part in parts) / total,
        )
    weight_total = sum(pillar_weights.values())
    score = sum(pillar_weights[p] * pillars[p] for p in PILLARS) / weight_total
    low = sum(pillar_weights[p] * bands[p][0] for p in PILLARS) / weight_total
    high = sum(pillar_weights[p] * bands[p][1] for p in PILLARS) / weight_total

    metrics = metrics_compute(days, today=today, config=config)
    evidence_orders = sum(day.orders for day in days)
    score_d, low_d, high_d = _two(score), _two(min(low, score)), _two(max(high, score))
    tier = tier_decide(
        score=score_d, low=low_d, high=high_d, evidence_orders=evidence_orders, metrics=metrics, config=config
    )
    return TrustResult(
        score=score_d,
        low=low_d,
        high=high_d,
        pillars={p: _two(v) for p, v in pillars.items()},
        tier=tier,
        metrics=metrics,
        evidence_orders=evidence_orders,
        pillar_bands={p: (_two(b[0]), _two(b[1])) for p, b in bands.items()},
    )

"""Tiers from a score, its band and the metrics, and the search visibility they earn. Pure; thresholds in
configuration (documented in docs/TRUST.md "Tiers" and "Visibility").

A tier restricts only on confident evidence: "below standard" needs the whole score band under
`at_risk_min_score` or the order defect rate's lower confidence bound above the published standard; a low point
estimate on a thin sample is "at risk" at worst. Visibility grows with evidence from the newcomer's floor, so a
fresh identity never ranks above what its evidence has earned (the "dues" of Friedman and Resnick, The Social Cost
of Cheap Pseudonyms, 2001)."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from comptoir.trust.domain.config import dec
from comptoir.trust.domain.metrics import MetricResult, Status

THREE_PLACES = Decimal("0.001")


class Tier:
    NEW = "new"
    TOP_RATED = "top_rated"
    GOOD = "good"
    AT_RISK = "at_risk"
    BELOW_STANDARD = "below_standard"


def defect_rate_confidently_above_standard(metrics: dict[str, MetricResult], config: dict, factor: int = 1) -> bool:
    """The order defect rate's lower confidence bound is above `factor` × `below_standard_defect_rate` (enough data
    only)."""
    defect = metrics.get("order_defect_rate")
    return (
        defect is not None
        and defect.status != Status.INSUFFICIENT
        and defect.low is not None
        and defect.low > factor * dec(config["tiers"]["below_standard_defect_rate"])
    )


def severely_failing(metric: MetricResult) -> bool:
    """The metric misses its target by more than the target's own margin, with confidence: a rate of bad outcomes
    whose lower bound is above twice the target (a cancellation rate above 5 % where 2.5 % is the standard), a rate of
    good outcomes whose upper bound leaves twice the allowed shortfall, a median duration whose lower quartile is
    above twice the target, a rating whose upper bound falls short of 5 stars by twice the target's shortfall (under
    3 for a target of 4). Enough data only."""
    if metric.status != Status.FAILING or metric.low is None or metric.high is None:
        return False
    target = metric.target
    if metric.direction in ("below", "median_hours"):
        return metric.low > 2 * target
    if metric.direction == "above":
        return metric.high < 1 - 2 * (1 - target)
    return metric.high < 5 - 2 * (5 - target)  # a rating: the margin is the shortfall from 5 stars


def tier_decide(
    *,
    score: Decimal,
    low: Decimal,
    evidence_orders: int,
    metrics: dict[str, MetricResult],
    config: dict,
    high: Decimal | None = None,
) -> str:
    """new: too little evidence to judge (fewer than `minimum_orders`, own plus inherited).
    below_standard: the score band's upper end `high` under `at_risk_min_score` (confidently poor); or the score
    under `at_risk_min_score` with the whole band under `good_min_score` (poor, and confidently not in good standing);
    or a published standard confidently breached — the order defect rate's lower bound above
    `below_standard_defect_rate`, or any metric `severely_failing` — while the score is under `good_min_score` (the
    rest of the record does not outweigh it).
    at_risk: the whole band under `good_min_score`, the score under `at_risk_min_score` on a thin record, such a
    breach alone, or at least `at_risk_failing_metrics`
    metrics confidently failing their targets (one metric of ten failing at 95 % confidence is expected by chance
    for one seller in five that meets every target).
    top_rated: score ≥ `top_rated_min_score`, band's low end ≥ `top_rated_min_low`, ≥ `top_rated_min_orders` orders
    and no metric failing. good: everything else. Without `high`, the score itself stands for it."""
    rules = config["tiers"]
    if evidence_orders < int(rules["minimum_orders"]):
        return Tier.NEW
    # Goals (a metric whose spec says "enforced": False) show on the health page and count in the score, not here.
    specs = config["metrics"]
    metrics = {name: metric for name, metric in metrics.items() if specs.get(name, {}).get("enforced", True)}
    upper = score if high is None else high
    good_score = score >= dec(rules["good_min_score"])
    defect_breach = defect_rate_confidently_above_standard(metrics, config)
    confidently_under_good = upper < dec(rules["good_min_score"])
    poor_score = score < dec(rules["at_risk_min_score"])
    # The defect rate's own line is `below_standard_defect_rate` (defect_breach), not twice its target.
    severe = defect_breach or any(
        severely_failing(metric) for name, metric in metrics.items() if name != "order_defect_rate"
    )
    # A defect rate confidently above twice the line is below standard whatever the rest of the record (twelve orders
    # of twelve lost in disputes: the prior still holds the score of so short a record near good standing).
    egregious = defect_rate_confidently_above_standard(metrics, config, factor=2)
    if (
        upper < dec(rules["at_risk_min_score"])
        or (poor_score and confidently_under_good)
        or (severe and not good_score)
        or egregious
    ):
        return Tier.BELOW_STANDARD
    failing = sum(1 for metric in metrics.values() if metric.status == Status.FAILING)
    if confidently_under_good or poor_score or severe or failing >= int(rules.get("at_risk_failing_metrics", 1)):
        return Tier.AT_RISK
    if (
        score >= dec(rules["top_rated_min_score"])
        and low >= dec(rules["top_rated_min_low"])
        and evidence_orders >= int(rules["top_rated_min_orders"])
        and not failing
    ):
        return Tier.TOP_RATED
    return Tier.GOOD


def visibility_multiplier(
    *, tier: str, is_restricted: bool, config: dict, evidence_orders: int | None = None
) -> Decimal:
    """Search visibility factor. A seller with `evidence_orders` orders of evidence (own + inherited) earns its tier's
    factor linearly from the newcomer's floor (`visibility.new`) at 0 orders to the full value at
    `visibility.full_evidence_orders`; a tier "new" earns toward "good". A tier whose factor is under the floor
    (restricted) keeps it. `evidence_orders=None` means "established" (the tier's full value; a "new" seller then
    sits at the floor). An active reduced-visibility action caps the factor at `restricted`."""
    table = config["visibility"]
    floor = dec(table["new"])
    earned = dec(table["good"] if tier == Tier.NEW else table.get(tier, table["good"]))
    if evidence_orders is None:
        value = floor if tier == Tier.NEW else earned
    elif earned <= floor:
        value = earned
    else:
        full = max(1, int(table.get("full_evidence_orders", 1)))
        share = min(Decimal(1), Decimal(max(0, evidence_orders)) / Decimal(full))
        value = (floor + (earned - floor) * share).quantize(THREE_PLACES, rounding=ROUND_HALF_EVEN)
    return min(value, dec(table["restricted"])) if is_restricted else value

"""Tiers from a score, its band and the metrics. Pure; thresholds in configuration (documented in docs/TRUST.md)."""

from __future__ import annotations

from decimal import Decimal

from comptoir.trust.domain.config import dec
from comptoir.trust.domain.metrics import MetricResult, Status


class Tier:
    NEW = "new"
    TOP_RATED = "top_rated"
    GOOD = "good"
    AT_RISK = "at_risk"
    BELOW_STANDARD = "below_standard"


def tier_decide(
    *, score: Decimal, low: Decimal, evidence_orders: int, metrics: dict[str, MetricResult], config: dict
) -> str:
    """new: too little evidence to judge (fewer than `minimum_orders`, own plus inherited).
    below_standard: score under `at_risk_min_score`, or the order defect rate's lower bound above
    `below_standard_defect_rate`.
    at_risk: score under `good_min_score`, or any metric confidently failing its target.
    top_rated: score ≥ `top_rated_min_score`, band's low end ≥ `top_rated_min_low`, ≥ `top_rated_min_orders` orders
    and no metric missing its target. good: everything else."""
    rules = config["tiers"]
    if evidence_orders < int(rules["minimum_orders"]):
        return Tier.NEW
    defect = metrics.get("order_defect_rate")
    defect_confidently_high = (
        defect is not None
        and defect.status != Status.INSUFFICIENT
        and defect.low is not None
        and defect.low > dec(rules["below_standard_defect_rate"])
    )
    if score < dec(rules["at_risk_min_score"]) or defect_confidently_high:
        return Tier.BELOW_STANDARD
    if score < dec(rules["good_min_score"]) or any(metric.status == Status.FAILING for metric in metrics.values()):
        return Tier.AT_RISK
    if (
        score >= dec(rules["top_rated_min_score"])
        and low >= dec(rules["top_rated_min_low"])
        and evidence_orders >= int(rules["top_rated_min_orders"])
        and not any(metric.status in (Status.FAILING, Status.AT_RISK) for metric in metrics.values())
    ):
        return Tier.TOP_RATED
    return Tier.GOOD


def visibility_multiplier(*, tier: str, is_restricted: bool, config: dict) -> Decimal:
    """Search visibility factor: the tier's, or the restricted factor under an active reduced-visibility action."""
    table = config["visibility"]
    value = dec(table.get(tier, "1"))
    return min(value, dec(table["restricted"])) if is_restricted else value

"""The enforcement ladder and its statements of reasons (DSA Art. 17). Pure.

below standard → a warning at once; still below standard after `visibility_after_days` → reduced visibility;
still below after `suspension_after_days` → suspension. Leaving below standard lifts the automated warning and
reduced visibility; a suspension is lifted only by an operator (appeal or reinstatement). The plan never opens a
kind that is already active, so running it twice opens nothing twice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from comptoir.trust.domain.metrics import MetricResult, Status
from comptoir.trust.domain.tiers import Tier

WARNING, VISIBILITY_REDUCED, SUSPENSION = "warning", "visibility_reduced", "suspension"
LADDER = (WARNING, VISIBILITY_REDUCED, SUSPENSION)


@dataclass(frozen=True)
class EnforcementPlan:
    open: tuple[str, ...]
    lift: tuple[str, ...]


def enforcement_plan(
    *,
    tier: str,
    below_standard_since: dt.date | None,
    today: dt.date,
    active_kinds: frozenset[str],
    config: dict,
    paused_until: dt.date | None = None,
) -> EnforcementPlan:
    rules = config["enforcement"]
    if tier != Tier.BELOW_STANDARD:
        return EnforcementPlan(
            open=(), lift=tuple(kind for kind in (WARNING, VISIBILITY_REDUCED) if kind in active_kinds)
        )
    if paused_until is not None and today < paused_until:
        return EnforcementPlan(open=(), lift=())
    days_below = (today - (below_standard_since or today)).days
    due = [WARNING]
    if days_below >= int(rules["visibility_after_days"]):
        due.append(VISIBILITY_REDUCED)
    if days_below >= int(rules["suspension_after_days"]):
        due.append(SUSPENSION)
    return EnforcementPlan(open=tuple(kind for kind in due if kind not in active_kinds), lift=())


METRIC_LABELS = {
    "order_defect_rate": "Order defect rate",
    "cancellation_rate": "Seller cancellation rate",
    "late_shipment_rate": "Late shipment rate (30 days)",
    "late_shipment_rate_10d": "Late shipment rate (10 days)",
    "valid_tracking_rate": "Valid tracking rate",
    "on_time_delivery_rate": "On-time delivery rate",
    "not_as_described_rate": "Not-as-described return rate",
    "accept_time_hours": "Median time to accept an order (hours)",
    "response_time_hours": "Median time to answer a message (hours)",
    "seller_rating": "Average seller rating",
}


@dataclass(frozen=True)
class StatementOfReasons:
    facts: dict
    facts_text: str
    rule: str
    is_automated: bool
    redress: str


def statement_of_reasons(
    *,
    kind: str,
    score,
    tier: str,
    metrics: dict[str, MetricResult],
    days_below: int,
    config: dict,
    is_automated: bool = True,
) -> StatementOfReasons:
    """The facts (score, tier, the metrics missing their targets with values and sample sizes), the rule with its
    thresholds, whether the decision was automated, and how to appeal."""
    rules, tiers = config["enforcement"], config["tiers"]
    missed = {
        name: metric.as_dict() for name, metric in metrics.items() if metric.status in (Status.FAILING, Status.AT_RISK)
    }
    lines = [f"Trust score {score} (tier: {tier.replace('_', ' ')}), below standard for {days_below} day(s)."]
    for name, metric in missed.items():
        lines.append(
            f"{METRIC_LABELS.get(name, name)}: {metric['value']} over {metric['window_days']} days "
            f"({metric['count']} observations; "
            f"target {'≤' if metric['direction'] in ('below', 'median_hours') else '≥'} {metric['target']})."
        )
    rule = {
        WARNING: f"A seller whose trust score falls below {tiers['at_risk_min_score']}, or whose order defect rate "
        f"is above {tiers['below_standard_defect_rate']} with 95 % confidence, is below standard and receives a "
        "warning.",
        VISIBILITY_REDUCED: f"A seller below standard for {rules['visibility_after_days']} days or more has its search "
        f"visibility reduced (factor {config['visibility']['restricted']}) and cannot hold the featured offer.",
        SUSPENSION: f"A seller below standard for {rules['suspension_after_days']} days or more is suspended: its "
        "offers are no longer sold.",
    }[kind]
    redress = (
        f"You can appeal this decision within {rules['appeal_days']} days from your seller center (Account health → "
        "Enforcement) or through the API (POST /api/v1/seller/enforcement/{id}/appeal). A person at the marketplace "
        "reviews every appeal and answers with reasons. You may also use an out-of-court dispute settlement body "
        "(DSA Art. 21) or the courts."
    )
    facts = {"score": str(score), "tier": tier, "days_below_standard": days_below, "metrics": missed}
    return StatementOfReasons(
        facts=facts, facts_text="\n".join(lines), rule=rule, is_automated=is_automated, redress=redress
    )

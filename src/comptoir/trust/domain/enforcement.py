"""The enforcement ladder and its statements of reasons (DSA Art. 17). Pure.

below standard → a warning at once; still below standard after `visibility_after_days` → reduced visibility;
still below after `suspension_after_days` → suspension. Leaving below standard lifts the automated warning and
reduced visibility; a suspension is lifted only by an operator (appeal or reinstatement). The plan never opens a
kind that is already active, so running it twice opens nothing twice.

After a history import, the grace period (`import_grace_days`) holds the ladder: a below-standard run that began
inside it opens nothing, what it would open is proposed to an operator instead, and its days below standard count
from the period's end, so imported history alone never imposes nor escalates anything."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from comptoir.trust.domain.metrics import MetricResult, Status
from comptoir.trust.domain.tiers import Tier, severely_failing

WARNING, VISIBILITY_REDUCED, SUSPENSION = "warning", "visibility_reduced", "suspension"
LADDER = (WARNING, VISIBILITY_REDUCED, SUSPENSION)
# A tier set by hand below the computed one (or to at risk / below standard) is a restriction of its own.
TIER_OVERRIDE = "tier_override"
# What an operator may impose by hand (the tier override goes through its own form).
MANUAL_KINDS = (WARNING, VISIBILITY_REDUCED, SUSPENSION)

# The grounds an operator cites for a manual measure (DSA Art. 17(3)(d)-(e): the legal or contractual ground),
# each with the English wording stored on the statement; the web rebuilds it in the reader's language.
GROUNDS = {
    "terms_breach": "Breach of the marketplace's terms and conditions.",
    "illegal_content": "Illegal products or content (a notice under DSA Art. 16 or an order of an authority).",
    "fraud_suspected": "Suspected fraud or misuse of the marketplace.",
    "trader_information": "Incomplete or false trader information (DSA Art. 30).",
    "performance": "Persistent failure to meet the published seller standards.",
}

# What made a seller below standard (the ground of an automated measure), most specific first.
GROUND_TIER_OVERRIDE, GROUND_SCORE, GROUND_DEFECT_RATE = "tier_override", "score_below", "order_defect_rate_above"
GROUND_METRIC = "metric_far_off_target"  # another metric beyond twice its target's margin, with confidence


@dataclass(frozen=True)
class EnforcementPlan:
    open: tuple[str, ...]
    lift: tuple[str, ...]
    # What the ladder would open but, inside the grace period after a history import, only proposes to an operator.
    propose: tuple[str, ...] = ()


def import_grace_until(imported_at: dt.date | None, config: dict) -> dt.date | None:
    """The first day after the grace period that follows a history import on `imported_at` (None: no import)."""
    if imported_at is None:
        return None
    return imported_at + dt.timedelta(days=int(config["enforcement"].get("import_grace_days", 0)))


def enforcement_plan(
    *,
    tier: str,
    below_standard_since: dt.date | None,
    today: dt.date,
    active_kinds: frozenset[str],
    config: dict,
    paused_until: dt.date | None = None,
    grace_until: dt.date | None = None,
) -> EnforcementPlan:
    """What to open and lift today. `grace_until` (from `import_grace_until`): a below-standard run that began before
    that day stands on imported evidence, so its measures are only proposed (to an operator, who confirms or
    dismisses), before and after that day, until the seller leaves below standard; its days below standard count
    from that day (never from the imported past), so inside the grace period only a warning is proposed. A run that
    begins on or after that day is the ordinary ladder's."""
    rules = config["enforcement"]
    if tier != Tier.BELOW_STANDARD:
        return EnforcementPlan(
            open=(), lift=tuple(kind for kind in (WARNING, VISIBILITY_REDUCED) if kind in active_kinds)
        )
    if paused_until is not None and today < paused_until:
        return EnforcementPlan(open=(), lift=())
    since = below_standard_since or today
    imported_run = grace_until is not None and since < grace_until
    if grace_until is not None:
        since = max(since, grace_until)
    days_below = (today - since).days
    due = [WARNING]
    if days_below >= int(rules["visibility_after_days"]):
        due.append(VISIBILITY_REDUCED)
    if days_below >= int(rules["suspension_after_days"]):
        due.append(SUSPENSION)
    kinds = tuple(kind for kind in due if kind not in active_kinds)
    if imported_run:
        return EnforcementPlan(open=(), lift=(), propose=kinds)
    return EnforcementPlan(open=kinds, lift=())


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


def below_standard_grounds(
    *, score, metrics: dict[str, MetricResult] | dict[str, dict], tier_override: str, config: dict, high=None
) -> list[dict]:
    """Which rule of `tier_decide` actually put the seller below standard, each with the measured value and the
    threshold of that rule (strings of decimals): the trust score under `at_risk_min_score` with its whole band (its
    upper end `high`) under `good_min_score`, the order defect rate whose lower confidence bound is above
    `below_standard_defect_rate`, or a tier set by hand. Several can hold at once; none when the seller is not below
    standard. `metrics` are MetricResults or their stored dicts. Without `high` (older callers), the score itself
    stands for it."""
    tiers = config["tiers"]
    grounds: list[dict] = []
    if tier_override == Tier.BELOW_STANDARD:
        grounds.append({"rule": GROUND_TIER_OVERRIDE})
    at_risk = Decimal(str(tiers["at_risk_min_score"]))
    good = Decimal(str(tiers["good_min_score"]))
    upper = score if high in (None, "") else high
    if score not in (None, "") and Decimal(str(score)) < at_risk and Decimal(str(upper)) < good:
        ground = {"rule": GROUND_SCORE, "value": str(score), "threshold": str(at_risk)}
        grounds.append(ground if high in (None, "") else ground | {"high": str(high), "good": str(good)})
    if score not in (None, "") and Decimal(str(score)) < good:
        for name, metric in metrics.items():
            stored = metric if isinstance(metric, dict) else metric.as_dict()
            if name == "order_defect_rate" or not _severely_failing(stored):
                continue
            if not config["metrics"].get(name, {}).get("enforced", True):
                continue  # a goal, not a standard (tiers.tier_decide)
            grounds.append(
                {
                    "rule": GROUND_METRIC,
                    "metric": name,
                    "value": stored.get("value"),
                    "low": stored.get("low"),
                    "high": stored.get("high"),
                    "target": stored.get("target"),
                    "direction": stored.get("direction"),
                    "count": stored.get("count"),
                    "window_days": stored.get("window_days"),
                }
            )
    defect = metrics.get("order_defect_rate")
    if defect is not None:
        stored = defect if isinstance(defect, dict) else defect.as_dict()
        threshold = Decimal(str(tiers["below_standard_defect_rate"]))
        low = stored.get("low")
        if stored.get("status") != Status.INSUFFICIENT and low not in (None, "") and Decimal(str(low)) > threshold:
            grounds.append(
                {
                    "rule": GROUND_DEFECT_RATE,
                    "value": stored.get("value"),
                    "low": str(low),
                    "threshold": str(threshold),
                    "count": stored.get("count"),
                    "window_days": stored.get("window_days"),
                }
            )
    return grounds


def _severely_failing(stored: dict) -> bool:
    if any(stored.get(key) in (None, "") for key in ("value", "low", "high", "target")):
        return False
    return severely_failing(
        MetricResult(
            str(stored.get("name", "")),
            Decimal(str(stored["value"])),
            Decimal(str(stored["low"])),
            Decimal(str(stored["high"])),
            int(stored.get("count") or 0),
            int(stored.get("events") or 0),
            Decimal(str(stored["target"])),
            str(stored.get("direction", "")),
            int(stored.get("window_days") or 0),
            str(stored.get("status", "")),
        )
    )


def tier_override_is_restrictive(*, override: str, computed: str, config: dict) -> bool:
    """A hand-set tier restricts the seller when it is at risk or below standard, or when it lowers the search
    visibility below the computed tier's (top rated set to good, say). Clearing it (\"\") restricts nothing."""
    if not override:
        return False
    if override in (Tier.AT_RISK, Tier.BELOW_STANDARD):
        return True
    table = config["visibility"]
    return Decimal(str(table.get(override, "1"))) < Decimal(str(table.get(computed, "1")))


def _ground_sentence(ground: dict, *, kind: str) -> str:
    rule = ground["rule"]
    if rule == GROUND_SCORE:
        if ground.get("high") is not None:
            return (
                f"trust score {ground['value']}, below the threshold of {ground['threshold']}, with its whole 95 % "
                f"band (up to {ground['high']}) under good standing ({ground.get('good', '60')})"
            )
        return f"trust score {ground['value']}, below the threshold of {ground['threshold']}"
    if rule == GROUND_METRIC:
        label = METRIC_LABELS.get(ground["metric"], ground["metric"])
        return (
            f"{label} {ground['value']} over {ground['window_days']} days ({ground['count']} observations), beyond "
            f"twice the margin of its target {ground['target']} with 95 % confidence"
        )
    if rule == GROUND_DEFECT_RATE:
        return (
            f"order defect rate {ground['value']} over {ground['window_days']} days ({ground['count']} orders), "
            f"above {ground['threshold']} with 95 % confidence (lower bound {ground['low']})"
        )
    return "tier set to below standard by the marketplace"


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
    grounds: list[dict] | None = None,
) -> StatementOfReasons:
    """The facts (score, tier, the metrics missing their targets with values and sample sizes, and the grounds that
    actually put the seller below standard), the rule that triggered with its threshold, whether the decision was
    automated, and how to appeal."""
    rules = config["enforcement"]
    grounds = grounds or []
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
    triggered = "; ".join(_ground_sentence(ground, kind=kind) for ground in grounds) or "tier below standard"
    rule = {
        WARNING: f"A seller below standard receives a warning. Below standard because: {triggered}.",
        VISIBILITY_REDUCED: f"A seller below standard for {rules['visibility_after_days']} days or more has its search "
        f"visibility reduced (factor {config['visibility']['restricted']}) and cannot hold the featured offer.",
        SUSPENSION: f"A seller below standard for {rules['suspension_after_days']} days or more is suspended: its "
        "offers are no longer sold.",
    }[kind]
    redress = redress_text(config)
    facts = {
        "score": str(score),
        "tier": tier,
        "days_below_standard": days_below,
        "metrics": missed,
        "grounds": grounds,
    }
    return StatementOfReasons(
        facts=facts, facts_text="\n".join(lines), rule=rule, is_automated=is_automated, redress=redress
    )


def redress_text(config: dict) -> str:
    return (
        f"You can appeal this decision within {config['enforcement']['appeal_days']} days from your seller center "
        "(Account health → Notices and appeals) or through the API (POST /api/v1/seller/enforcement/{id}/appeal). A "
        "person at the marketplace reviews every appeal and answers with reasons. You may also use an out-of-court "
        "dispute settlement body (DSA Art. 21) or the courts."
    )


MANUAL_RULES = {
    WARNING: "The marketplace warns a seller whose conduct breaches its terms before any restriction.",
    VISIBILITY_REDUCED: "The marketplace may reduce the search visibility of a seller (factor {restricted}) and "
    "withdraw the featured offer from it.",
    SUSPENSION: "The marketplace may suspend a seller: its offers are no longer sold until it is reinstated.",
    TIER_OVERRIDE: "The marketplace may set a seller's tier by hand; the tier sets the search visibility.",
}


def manual_statement_of_reasons(
    *, kind: str, ground: str, reason: str, config: dict, tier: str = "", computed_tier: str = ""
) -> StatementOfReasons:
    """The statement of a measure a person decided: the operator's own account of the facts, the ground cited, the
    rule of the terms that allows the measure, not automated, and how to appeal. `tier`/`computed_tier` for a
    tier override."""
    facts: dict = {"manual": True, "ground": ground, "reason": reason}
    if kind == TIER_OVERRIDE:
        facts |= {"tier": tier, "computed_tier": computed_tier}
    ground_text = GROUNDS.get(ground, ground)
    rule = f"{ground_text} {MANUAL_RULES[kind].format(restricted=config['visibility']['restricted'])}"
    return StatementOfReasons(
        facts=facts, facts_text=reason, rule=rule, is_automated=False, redress=redress_text(config)
    )

"""Presentation shared by the seller center's trust pages: metric cards, inline SVG trend lines, the
statement of reasons in the reader's language, error messages of the trust services."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from comptoir.trust import errors as trust_errors
from comptoir.trust import selectors
from comptoir.web.storefront import trust_labels

ERRORS = {
    trust_errors.INVALID_REPLY: _("Write a reply of 1 to 5,000 characters."),
    trust_errors.REPLY_EXISTS: _("This review already has a reply."),
    trust_errors.REVIEW_NOT_FOUND: _("No such review."),
    trust_errors.INVALID_MESSAGE: _("Write a message of 1 to 5,000 characters."),
    trust_errors.APPEAL_TEXT_REQUIRED: _("Explain why the decision should change."),
    trust_errors.APPEAL_PERIOD_ENDED: _("The appeal period has ended."),
    trust_errors.APPEAL_OPEN: _("An appeal of this decision is already open."),
    trust_errors.ENFORCEMENT_NOT_FOUND: _("No such decision."),
}

SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 200, 50, 4


@dataclass(frozen=True)
class Sparkline:
    points: str  # "x,y x,y …" for <polyline>
    last_x: float
    last_y: float
    target_y: float | None
    is_empty: bool
    summary: str  # the first and last values, for screen readers


def sparkline(name: str, history, target) -> Sparkline:
    """The metric's daily values (from SellerTrustHistory) as a polyline in a 200×50 box, with the target as a line."""
    values = []
    for row in history:
        raw = (row.metrics or {}).get(name, {}).get("value")
        if raw not in (None, ""):
            values.append(float(Decimal(str(raw))))
    if len(values) < 2:
        return Sparkline("", 0, 0, None, True, "")
    target_value = float(Decimal(str(target))) if target not in (None, "") else None
    low = min(values + ([target_value] if target_value is not None else []))
    high = max(values + ([target_value] if target_value is not None else []))
    if high == low:
        high, low = high + 1, low - 1

    def y(value: float) -> float:
        return round(SPARK_PAD + (high - value) / (high - low) * (SPARK_HEIGHT - 2 * SPARK_PAD), 2)

    step = (SPARK_WIDTH - 2 * SPARK_PAD) / (len(values) - 1)
    coordinates = [(round(SPARK_PAD + index * step, 2), y(value)) for index, value in enumerate(values)]
    first = trust_labels.metric_value_text(name, values[0])
    last = trust_labels.metric_value_text(name, values[-1])
    return Sparkline(
        " ".join(f"{x},{y_}" for x, y_ in coordinates),
        coordinates[-1][0],
        coordinates[-1][1],
        y(target_value) if target_value is not None else None,
        False,
        f"{first} → {last}",
    )


def metric_cards(trust, history, *, seller_id: int, with_orders: bool = True) -> list[dict]:
    cards = []
    stored = (trust.metrics if trust else {}) or {}
    for name in selectors.HEALTH_METRICS:
        metric = stored.get(name)
        if metric is None:
            continue
        status = metric.get("status", "insufficient_data")
        bad_events = (metric.get("direction") == "below" and metric.get("events")) or (
            metric.get("direction") == "above" and metric.get("count", 0) - metric.get("events", 0) > 0
        )
        orders = selectors.seller_metric_orders(seller_id=seller_id, metric=name) if with_orders and bad_events else []
        cards.append(
            {
                "name": name,
                "label": trust_labels.METRICS.get(name, name),
                "help": trust_labels.METRIC_HELP.get(name, ""),
                "advice": trust_labels.METRIC_ADVICE.get(name, ""),
                "value": trust_labels.metric_value_text(name, metric.get("value"), direction=metric.get("direction")),
                "low": trust_labels.metric_value_text(name, metric.get("low"), direction=metric.get("direction"))
                if metric.get("low") not in (None, "")
                else "",
                "high": trust_labels.metric_value_text(name, metric.get("high"), direction=metric.get("direction"))
                if metric.get("high") not in (None, "")
                else "",
                "count": metric.get("count", 0),
                "events": metric.get("events", 0),
                "window_days": metric.get("window_days"),
                "target": trust_labels.target_text(name, metric),
                "status": status,
                "status_label": trust_labels.STATUSES.get(status, status),
                "tone": trust_labels.STATUS_TONES.get(status, ""),
                "spark": sparkline(name, history, metric.get("target")),
                "orders": orders,
                "direction": metric.get("direction"),
            }
        )
    return cards


def statement(action) -> dict:
    """The statement of reasons of an enforcement action, rebuilt in the reader's language from its stored facts."""
    config = selectors.config()
    facts = action.facts or {}
    rows = []
    for name, metric in (facts.get("metrics") or {}).items():
        rows.append(
            {
                "label": trust_labels.METRICS.get(name, name),
                "value": trust_labels.metric_value_text(name, metric.get("value"), direction=metric.get("direction")),
                "target": trust_labels.target_text(name, metric),
                "count": metric.get("count"),
                "window_days": metric.get("window_days"),
            }
        )
    days = {
        "visibility_reduced": config["enforcement"]["visibility_after_days"],
        "suspension": config["enforcement"]["suspension_after_days"],
    }
    rule = trust_labels.ENFORCEMENT_RULES.get(action.kind)
    rule_text = (
        str(rule)
        % {
            "at_risk": config["tiers"]["at_risk_min_score"],
            "defect": f"{Decimal(str(config['tiers']['below_standard_defect_rate'])) * 100:g} %",
            "days": days.get(action.kind, ""),
        }
        if rule
        else action.rule
    )
    tier = facts.get("tier") or ""
    return {
        "action": action,
        "kind_label": trust_labels.ENFORCEMENT_KINDS.get(action.kind, action.kind),
        "score": facts.get("score"),
        "tier_label": trust_labels.TIERS.get(tier, tier),
        "days_below": facts.get("days_below_standard"),
        "metrics": rows,
        "rule": rule_text,
        "appeal_days": config["enforcement"]["appeal_days"],
    }

"""Presentation shared by the seller center's trust pages (and the console's): metric cards, inline SVG trend lines,
the statement of reasons in the reader's language, error messages of the trust services."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_decimal
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext_lazy as _

from comptoir.trust import errors as trust_errors
from comptoir.trust import selectors
from comptoir.trust.domain.enforcement import (
    GROUND_DEFECT_RATE,
    GROUND_METRIC,
    GROUND_SCORE,
    GROUND_TIER_OVERRIDE,
    below_standard_grounds,
)
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


GROUNDS = {
    "terms_breach": _("Breach of the marketplace's terms and conditions."),
    "illegal_content": _("Illegal products or content (a notice under DSA Art. 16 or an order of an authority)."),
    "fraud_suspected": _("Suspected fraud or misuse of the marketplace."),
    "trader_information": _("Incomplete or false trader information (DSA Art. 30)."),
    "performance": _("Persistent failure to meet the published seller standards."),
}
MANUAL_RULES = {
    "warning": _("The marketplace warns a seller whose conduct breaches its terms before any restriction."),
    "visibility_reduced": _(
        "The marketplace may reduce the search visibility of a seller and withdraw the featured offer from it."
    ),
    "suspension": _("The marketplace may suspend a seller: its offers are no longer sold until it is reinstated."),
    "tier_override": _("The marketplace may set a seller's tier by hand; the tier sets the search visibility."),
}
AUTOMATED_WARNING_RULE = _("A seller below standard receives a warning.")


def number_text(value, *, pattern: str = "#,##0.#") -> str:
    """A decimal in the reader's locale (58.2 in English, 58,2 in French); "—" without a value."""
    if value in (None, ""):
        return "—"
    return format_decimal(Decimal(str(value)), format=pattern, locale=to_locale(get_language() or "en"))


def ground_text(ground: dict) -> str:
    """One rule that put the seller below standard, with the value measured and the threshold of that rule."""
    rule = ground.get("rule")
    if rule == GROUND_METRIC:
        name = str(ground.get("metric"))
        direction = ground.get("direction")
        return _(
            "%(metric)s %(value)s over %(days)s days (%(count)s observations): with 95 %% confidence it misses its "
            "target (%(target)s) by more than twice the target's own margin."
        ) % {
            "metric": trust_labels.METRICS.get(name, name),
            "value": trust_labels.metric_value_text(name, ground.get("value"), direction=direction),
            "days": ground.get("window_days"),
            "count": number_text(ground.get("count"), pattern="#,##0"),
            "target": trust_labels.metric_value_text(name, ground.get("target"), direction=direction),
        }
    if rule == GROUND_SCORE and ground.get("high") not in (None, ""):
        return _(
            "Trust score %(value)s, below the threshold of %(threshold)s, and even the upper end of its 95 %% "
            "confidence band (%(high)s) is under the %(good)s of good standing."
        ) % {
            "value": number_text(ground.get("value")),
            "threshold": number_text(ground.get("threshold")),
            "high": number_text(ground.get("high")),
            "good": number_text(ground.get("good") or "60"),
        }
    if rule == GROUND_SCORE:
        return _(
            "Trust score %(value)s, below the threshold of %(threshold)s under which a seller is below standard."
        ) % {"value": number_text(ground.get("value")), "threshold": number_text(ground.get("threshold"))}
    if rule == GROUND_DEFECT_RATE:

        def rate(value):
            return trust_labels.metric_value_text("order_defect_rate", value, direction="below")

        return _(
            "Order defect rate %(value)s over %(days)s days (%(count)s orders): even the lower bound of its 95 %% "
            "confidence interval (%(low)s) is above the threshold of %(threshold)s under which a seller stays in "
            "standing."
        ) % {
            "value": rate(ground.get("value")),
            "days": ground.get("window_days"),
            "count": number_text(ground.get("count"), pattern="#,##0"),
            "low": rate(ground.get("low")),
            "threshold": rate(ground.get("threshold")),
        }
    if rule == GROUND_TIER_OVERRIDE:
        return str(_("The marketplace set your tier to “Below standard” by hand (see that decision's statement)."))
    return str(rule)


def statement(action) -> dict:
    """The statement of reasons of an enforcement action, rebuilt in the reader's language from its stored facts:
    for an automated measure the rule that actually triggered, with the measured value and that rule's threshold
    (older statements without stored grounds get them from their stored score and metrics); for a manual one the
    ground cited and the operator's own account of the facts. Numbers in the reader's locale."""
    config = selectors.config()
    facts = action.facts or {}
    is_manual = not action.is_automated
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
    grounds: list[str] = []
    if is_manual:
        ground = facts.get("ground") or action.ground
        rule_text = (
            " ".join(str(part) for part in (GROUNDS.get(ground, ""), MANUAL_RULES.get(action.kind, "")) if part)
            or action.rule
        )
    else:
        stored = facts.get("grounds")
        if stored is None:  # stored before statements named their grounds
            stored = below_standard_grounds(
                score=facts.get("score"), metrics=facts.get("metrics") or {}, tier_override="", config=config
            )
        grounds = [ground_text(ground) for ground in stored]
        days = {
            "visibility_reduced": config["enforcement"]["visibility_after_days"],
            "suspension": config["enforcement"]["suspension_after_days"],
        }
        rule = AUTOMATED_WARNING_RULE if action.kind == "warning" else trust_labels.ENFORCEMENT_RULES.get(action.kind)
        rule_text = str(rule) % {"days": days.get(action.kind, "")} if rule else action.rule
    tier = facts.get("tier") or ""
    return {
        "action": action,
        "kind_label": trust_labels.ENFORCEMENT_KINDS.get(action.kind) or action.get_kind_display(),
        "is_manual": is_manual,
        "ground_label": GROUNDS.get(facts.get("ground") or action.ground, "") if is_manual else "",
        "reason": (facts.get("reason") or action.facts_text) if is_manual else "",
        "score": number_text(facts.get("score")) if facts.get("score") not in (None, "") else "",
        "tier_label": trust_labels.TIERS.get(tier, tier),
        "computed_tier_label": trust_labels.TIERS.get(facts.get("computed_tier") or "", ""),
        "days_below": facts.get("days_below_standard"),
        "grounds": grounds,
        "metrics": rows,
        "rule": rule_text,
        "appeal_days": config["enforcement"]["appeal_days"],
    }

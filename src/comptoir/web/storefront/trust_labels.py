"""Words for the trust pages, shared by the storefront, the seller center and the console: tier names,
metric names, how each metric is read, what a seller can do about it, and the statement of reasons
rebuilt in the reader's language from the facts the enforcement stored."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

TIERS = {
    "new": _("New seller"),
    "top_rated": _("Top rated"),
    "good": _("Good standing"),
    "at_risk": _("At risk"),
    "below_standard": _("Below standard"),
}
TIER_TONES = {"new": "", "top_rated": "success", "good": "brand", "at_risk": "warning", "below_standard": "danger"}

METRICS = {
    "order_defect_rate": _("Order defect rate"),
    "cancellation_rate": _("Seller cancellation rate"),
    "late_shipment_rate": _("Late shipment rate (30 days)"),
    "late_shipment_rate_10d": _("Late shipment rate (10 days)"),
    "valid_tracking_rate": _("Valid tracking rate"),
    "on_time_delivery_rate": _("On-time delivery rate"),
    "not_as_described_rate": _("“Not as described” return rate"),
    "accept_time_hours": _("Median time to accept an order"),
    "response_time_hours": _("Median time to answer a message"),
    "seller_rating": _("Average seller rating"),
}
METRIC_HELP = {
    "order_defect_rate": _(
        "Orders with a negative review, a dispute decided for the buyer or a chargeback, among the orders placed in "
        "the window."
    ),
    "cancellation_rate": _("Orders you cancelled before shipping, among the orders placed in the window."),
    "late_shipment_rate": _(
        "Parcels handed to the carrier after the ship-by date, among the parcels shipped in the window."
    ),
    "late_shipment_rate_10d": _("The same rate over the last 10 days: the early warning."),
    "valid_tracking_rate": _("Parcels shipped with a carrier and a tracking number buyers can follow."),
    "on_time_delivery_rate": _("Parcels delivered by the promised date."),
    "not_as_described_rate": _("Returns where the buyer said the item was not as described."),
    "accept_time_hours": _("Half of your orders are accepted faster than this."),
    "response_time_hours": _("Half of the buyers' messages are answered faster than this."),
    "seller_rating": _(
        "The mean of the four seller ratings in verified reviews, weighted by each review's credibility."
    ),
}
METRIC_ADVICE = {
    "order_defect_rate": _(
        "Answer buyers before they open a dispute, describe items exactly, and refund quickly when something went "
        "wrong."
    ),
    "cancellation_rate": _(
        "Keep your stock up to date (bulk stock update or the API) so you never sell what you do not have."
    ),
    "late_shipment_rate": _(
        "Set a handling time you can keep on every offer, and ship before the ship-by date shown on each order."
    ),
    "late_shipment_rate_10d": _(
        "Look at the orders to ship today first; raise your handling time if you cannot keep up."
    ),
    "valid_tracking_rate": _("Always enter the carrier and the tracking number when you mark an order as shipped."),
    "on_time_delivery_rate": _("Choose carriers and shipping services whose delays match the dates you promise."),
    "not_as_described_rate": _(
        "Complete your listings: attributes, several photos, dimensions, condition notes. Describe defects honestly."
    ),
    "accept_time_hours": _("Accept new orders every working day; the dashboard lists the orders waiting for you."),
    "response_time_hours": _("Answer every buyer within 24 hours, even just to say you are looking into it."),
    "seller_rating": _("Ship fast, pack carefully, answer messages and reply publicly to reviews to show you care."),
}
STATUSES = {
    "ok": _("Meets target"),
    "at_risk": _("At risk"),
    "failing": _("Misses target"),
    "insufficient_data": _("Not enough data"),
}
STATUS_TONES = {"ok": "success", "at_risk": "warning", "failing": "danger", "insufficient_data": ""}
PILLARS = {
    "transparency": _("Listing transparency"),
    "operations": _("Operational excellence"),
    "security": _("Data security"),
    "satisfaction": _("Buyer satisfaction"),
}
PILLAR_ADVICE = {
    "transparency": _(
        "Fill in every attribute your category expects, add at least three photos, dimensions, weight, origin, a "
        "return policy and a handling time."
    ),
    "operations": _("Accept orders quickly, ship on time with tracking, and never cancel for lack of stock."),
    "security": _(
        "Turn on two-factor authentication for every team member, rotate API keys every 90 days and never share a "
        "login."
    ),
    "satisfaction": _(
        "Buyers' verified reviews and disputes: describe items exactly and solve problems before they escalate."
    ),
}
ENFORCEMENT_KINDS = {
    "warning": _("Warning"),
    "visibility_reduced": _("Reduced visibility"),
    "suspension": _("Suspension"),
}
ENFORCEMENT_RULES = {
    "warning": _(
        "A seller whose trust score falls below %(at_risk)s, or whose order defect rate is above %(defect)s with 95 "
        "%% confidence, is below standard and receives a warning."
    ),
    "visibility_reduced": _(
        "A seller below standard for %(days)s days or more has its search visibility reduced and cannot hold the "
        "featured offer."
    ),
    "suspension": _("A seller below standard for %(days)s days or more is suspended: its offers are no longer sold."),
}
REPORT_REASONS = [
    ("fake", _("Fake or not based on a real experience")),
    ("offensive", _("Offensive or abusive")),
    ("personal_data", _("Contains personal data")),
    ("off_topic", _("Not about the product or the seller")),
    ("conflict_of_interest", _("Written by the seller or a competitor")),
]
RATING_NAMES = {
    "product_rating": _("The product"),
    "item_as_described": _("Item as described"),
    "communication": _("Communication"),
    "shipping_speed": _("Shipping speed"),
    "packaging": _("Packaging"),
}


# Why a badge shows a tier without the score (see templatetags/trust_badges.trust_badge).
TIER_REASON_METRIC = _("a performance target is missed")
TIER_REASON_OVERRIDE = _("set by the marketplace team")


def score_band(score: Decimal, thresholds: dict) -> str:
    """The tier a score alone leads to: below standard under `at_risk_min_score`, at risk under `good_min_score`,
    good standing otherwise (top rated needs more than a score: its band and its metrics)."""
    if score < Decimal(str(thresholds["at_risk_min_score"])):
        return "below_standard"
    if score < Decimal(str(thresholds["good_min_score"])):
        return "at_risk"
    return "good"


def score_explains_tier(score: Decimal, tier: str) -> bool:
    """Whether `tier` is the one the score leads to, so that showing the score beside the tier's name reads true.
    False when a metric missing its target (or an operator) set the tier."""
    from comptoir.trust.selectors import config

    return score_band(score, config()["tiers"]) == ("good" if tier == "top_rated" else tier)


def metric_value_text(name: str, value, *, direction: str | None = None) -> str:
    """'0.8 %', '5.2 h' or '4.3 / 5' in the active locale; '—' without a value."""
    from babel.numbers import format_decimal
    from django.utils.translation import get_language, to_locale

    if value in (None, ""):
        return "—"
    locale = to_locale(get_language() or "en")
    number = Decimal(str(value))
    kind = direction or ("median_hours" if name.endswith("_hours") else "rating" if name == "seller_rating" else "rate")
    if kind == "median_hours":
        return f"{format_decimal(number, format='#,##0.0', locale=locale)} h"
    if kind == "rating":
        return f"{format_decimal(number, format='0.0', locale=locale)} / 5"
    return f"{format_decimal(number * 100, format='#,##0.0', locale=locale)} %"


def target_text(name: str, metric: dict) -> str:
    direction = metric.get("direction", "below")
    sign = "≥" if direction in ("above", "rating") else "<"
    return f"{sign} {metric_value_text(name, metric.get('target'), direction=direction)}"

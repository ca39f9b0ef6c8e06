"""Seller metrics over their windows, with confidence bounds. Pure.

A rate is never shown bare: it carries its Wilson score interval, and below `minimum_count`
observations its status is "insufficient_data" (it can neither fail nor shine). Durations are medians."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from comptoir.trust.domain.config import dec
from comptoir.trust.domain.evidence import DayEvidence

FOUR_PLACES = Decimal("0.0001")


class Status:
    OK = "ok"
    AT_RISK = "at_risk"  # the estimate misses the target but the interval still includes it
    FAILING = "failing"  # the whole interval misses the target
    INSUFFICIENT = "insufficient_data"


@dataclass(frozen=True)
class MetricResult:
    name: str
    value: Decimal | None  # a rate 0–1, a median in hours, or a mean rating 1–5; None without data
    low: Decimal | None
    high: Decimal | None
    count: int  # observations in the window (denominator)
    events: int  # numerator (bad outcomes for "below", good ones for "above")
    target: Decimal
    direction: str
    window_days: int
    status: str

    def as_dict(self) -> dict:
        def text(value):
            return None if value is None else str(value)

        return {
            "name": self.name,
            "value": text(self.value),
            "low": text(self.low),
            "high": text(self.high),
            "count": self.count,
            "events": self.events,
            "target": str(self.target),
            "direction": self.direction,
            "window_days": self.window_days,
            "status": self.status,
        }


def quantize(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(FOUR_PLACES, rounding=ROUND_HALF_EVEN)


def wilson_interval(successes: float, trials: float, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for a proportion; (0, 1) without trials. Works with decayed (fractional) counts."""
    if trials <= 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    margin = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)


def beta_posterior(
    successes: float, trials: float, *, prior_mean: float, prior_strength: float, z: float = 1.96
) -> tuple[float, float, float]:
    """Mean and normal-approximation interval of the Beta posterior Beta(a + s, b + n - s) with a prior of
    mean `prior_mean` worth `prior_strength` observations: the Bayesian shrinkage of a small sample."""
    alpha = prior_mean * prior_strength + successes
    beta = (1 - prior_mean) * prior_strength + (trials - successes)
    total = alpha + beta
    mean = alpha / total
    spread = z * math.sqrt(mean * (1 - mean) / (total + 1))
    return mean, max(0.0, mean - spread), min(1.0, mean + spread)


def median(values: list[int] | tuple[int, ...]) -> float | None:
    """The median of `values`; None when there are none."""
    return median_of(values) if values else None


def median_of(values: list[int] | tuple[int, ...]) -> float:
    """The median of `values`, which are not empty."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return float(ordered[middle]) if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def decay_weight(age_days: int, half_life_days: float) -> float:
    """Exponential time decay: evidence `age_days` old weighs 0.5 ** (age / half-life)."""
    return 0.5 ** (max(age_days, 0) / half_life_days)


# name -> (numerator field, denominator field); numerator counts bad outcomes for "below", good for "above".
RATE_FIELDS = {
    "order_defect_rate": ("defects", "orders"),
    "cancellation_rate": ("cancelled_by_seller", "orders"),
    "late_shipment_rate_10d": ("shipped_late", "shipped"),
    "late_shipment_rate": ("shipped_late", "shipped"),
    "valid_tracking_rate": ("shipped_with_valid_tracking", "shipped"),
    "on_time_delivery_rate": ("delivered_on_time", "delivered"),
    "not_as_described_rate": ("returns_not_as_described", "delivered"),
}
DURATION_FIELDS = {"accept_time_hours": "accept_seconds", "response_time_hours": "response_seconds"}


def days_in_window(days, *, today: dt.date, window_days: int) -> list[DayEvidence]:
    first = today - dt.timedelta(days=window_days - 1)
    return [day for day in days if first <= day.day <= today]


def _rate_status(value: float, low: float, high: float, target: float, direction: str) -> str:
    if direction == "below":
        return Status.OK if value <= target else (Status.FAILING if low > target else Status.AT_RISK)
    return Status.OK if value >= target else (Status.FAILING if high < target else Status.AT_RISK)


def metric_compute(name: str, days, *, today: dt.date, config: dict) -> MetricResult:
    """One metric over its window (plain counts, no decay: what the seller sees on the health page)."""
    spec = config["metrics"][name]
    window, target, direction = int(spec["window_days"]), dec(spec["target"]), spec["direction"]
    in_window = days_in_window(days, today=today, window_days=window)
    z = float(dec(config["confidence_z"]))
    minimum = int(config["minimum_count"])
    if name in RATE_FIELDS:
        numerator_field, denominator_field = RATE_FIELDS[name]
        events = sum(getattr(day, numerator_field) for day in in_window)
        count = sum(getattr(day, denominator_field) for day in in_window)
        if count == 0:
            return MetricResult(name, None, None, None, 0, 0, target, direction, window, Status.INSUFFICIENT)
        low, high = wilson_interval(events, count, z)
        value = events / count
        status = Status.INSUFFICIENT if count < minimum else _rate_status(value, low, high, float(target), direction)
        return MetricResult(
            name, quantize(value), quantize(low), quantize(high), count, events, target, direction, window, status
        )
    if name in DURATION_FIELDS:
        samples = [seconds for day in in_window for seconds in getattr(day, DURATION_FIELDS[name])]
        if not samples:
            return MetricResult(name, None, None, None, 0, 0, target, direction, window, Status.INSUFFICIENT)
        hours = median_of(samples) / 3600
        ordered = sorted(samples)
        low = ordered[len(ordered) // 4] / 3600
        high = ordered[min(len(ordered) - 1, (3 * len(ordered)) // 4)] / 3600
        status = (
            Status.INSUFFICIENT
            if len(samples) < minimum
            else (Status.OK if hours <= float(target) else Status.FAILING if low > float(target) else Status.AT_RISK)
        )
        return MetricResult(
            name, quantize(hours), quantize(low), quantize(high), len(samples), 0, target, direction, window, status
        )
    if name == "seller_rating":
        weight = sum(day.review_weight_permille for day in in_window)
        reviews = sum(day.reviews for day in in_window)
        if weight == 0:
            return MetricResult(name, None, None, None, reviews, 0, target, direction, window, Status.INSUFFICIENT)
        mean = sum(day.rating_weighted_sum_permille for day in in_window) / weight
        spread = z * 1.2 / math.sqrt(weight / 1000)  # a rating's standard deviation is about 1.2 stars
        low, high = max(1.0, mean - spread), min(5.0, mean + spread)
        status = (
            Status.INSUFFICIENT
            if reviews < minimum
            else (Status.OK if mean >= float(target) else Status.FAILING if high < float(target) else Status.AT_RISK)
        )
        return MetricResult(
            name, quantize(mean), quantize(low), quantize(high), reviews, 0, target, direction, window, status
        )
    raise KeyError(name)


def metrics_compute(days, *, today: dt.date, config: dict) -> dict[str, MetricResult]:
    return {name: metric_compute(name, days, today=today, config=config) for name in config["metrics"]}

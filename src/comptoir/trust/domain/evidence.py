"""The evidence a trust score is computed from: pure dataclasses, no ORM.

DayEvidence mirrors one SellerDailyStats row; SellerEvidence gathers the days of the score's horizon
with the seller's listing completeness, security posture and (anti-whitewashing) inherited prior."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from decimal import Decimal

COUNTER_FIELDS = (
    "orders", "cancelled_by_seller", "shipped", "shipped_late", "shipped_with_valid_tracking", "delivered", "delivered_on_time",
    "defects", "returns", "returns_not_as_described", "disputes_lost", "reviews", "review_weight_permille",
    "rating_weighted_sum_permille", "negative_reviews",
)
LIST_FIELDS = ("accept_seconds", "response_seconds")


@dataclass(frozen=True)
class DayEvidence:
    day: dt.date
    orders: int = 0
    cancelled_by_seller: int = 0
    shipped: int = 0
    shipped_late: int = 0
    shipped_with_valid_tracking: int = 0
    delivered: int = 0
    delivered_on_time: int = 0
    defects: int = 0
    returns: int = 0
    returns_not_as_described: int = 0
    disputes_lost: int = 0
    reviews: int = 0
    review_weight_permille: int = 0
    rating_weighted_sum_permille: int = 0
    negative_reviews: int = 0
    accept_seconds: tuple[int, ...] = ()
    response_seconds: tuple[int, ...] = ()

    def counters(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNTER_FIELDS}


@dataclass(frozen=True)
class SecurityPosture:
    members_total: int = 0
    members_with_2fa: int = 0
    api_keys_total: int = 0
    api_keys_older_than_90_days: int = 0
    shared_login_suspected: bool = False


@dataclass(frozen=True)
class PriorEvidence:
    """Evidence inherited from a linked earlier account (anti-whitewashing): its days, replayed as if
    they were this seller's, so a re-registered seller starts where the old one stood."""

    from_seller_id: int
    days: tuple[DayEvidence, ...] = ()


@dataclass(frozen=True)
class SellerEvidence:
    days: tuple[DayEvidence, ...] = ()
    listing_completeness: Decimal | None = None  # 0–1; None when the seller has no listing yet
    security: SecurityPosture = field(default_factory=SecurityPosture)
    prior: PriorEvidence | None = None


def day_evidence_from_mapping(day: dt.date, values: dict) -> DayEvidence:
    known = {item.name for item in fields(DayEvidence)}
    kwargs = {name: value for name, value in values.items() if name in known and name != "day"}
    for name in LIST_FIELDS:
        kwargs[name] = tuple(kwargs.get(name) or ())
    return DayEvidence(day=day, **kwargs)

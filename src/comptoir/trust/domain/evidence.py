"""The evidence a trust score is computed from: pure dataclasses, no ORM.

DayEvidence mirrors one SellerDailyStats row; SellerEvidence gathers the days of the score's horizon
with the seller's listing completeness, security posture and (anti-whitewashing) inherited prior."""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any, NamedTuple

COUNTER_FIELDS = (
    "orders",
    "cancelled_by_seller",
    "shipped",
    "shipped_late",
    "shipped_with_valid_tracking",
    "delivered",
    "delivered_on_time",
    "defects",
    "returns",
    "returns_not_as_described",
    "disputes_lost",
    "reviews",
    "review_weight_permille",
    "rating_weighted_sum_permille",
    "negative_reviews",
)
LIST_FIELDS = ("accept_seconds", "response_seconds")


class DayEvidence(NamedTuple):
    """One day's evidence (a named tuple: the batch recompute builds one per stored bucket, hundreds of thousands)."""

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


_DAY_FIELDS = frozenset(DayEvidence._fields) - {"day"}
DAY_VALUE_FIELDS = COUNTER_FIELDS + LIST_FIELDS  # DayEvidence's fields after `day`, in order
assert DayEvidence._fields == ("day", *DAY_VALUE_FIELDS)


def day_evidence_from_mapping(day: dt.date, values: Mapping[str, Any]) -> DayEvidence:
    kwargs = {name: value for name, value in values.items() if name in _DAY_FIELDS}
    for name in LIST_FIELDS:
        kwargs[name] = tuple(kwargs.get(name) or ())
    return DayEvidence(day=day, **kwargs)


def day_evidence_from_row(day: dt.date, counters, accept_seconds, response_seconds) -> DayEvidence:
    """The DayEvidence of a stored row given its counters in COUNTER_FIELDS order and its two duration lists."""
    return tuple.__new__(DayEvidence, (day, *counters, tuple(accept_seconds or ()), tuple(response_seconds or ())))


def review_verdict_permille(
    product_rating: int, item_as_described: int, communication: int, shipping_speed: int, packaging: int
) -> int:
    """A review's rating as the trust score reads it (× 1000): the mean of the four seller ratings, capped by the
    buyer's overall rating of the purchase. A buyer who rates a purchase 1 star had a bad transaction even when
    they give the packaging and the shipping speed 4–5 stars (most buyers do, whatever happened: averaged alone, the
    four ratings turned such reviews into 3-star ones, and they were never negative). Pure."""
    seller_mean_permille = (item_as_described + communication + shipping_speed + packaging) * 250
    return min(seller_mean_permille, product_rating * 1000)


# --- From one seller order's facts to its contribution to the daily buckets -----------------------

_TRACKING = re.compile(r"[A-Z0-9]{5,40}", re.ASCII)


def is_valid_tracking(carrier: str | None, tracking_number: str | None) -> bool:
    """Valid tracking: a carrier named and a tracking number of 5 to 40 ASCII letters or digits."""
    compact = (tracking_number or "").replace(" ", "").upper()
    return bool((carrier or "").strip()) and _TRACKING.fullmatch(compact) is not None


_NO_DATA: Mapping[str, Any] = MappingProxyType({})


class FactItem(NamedTuple):
    """One source fact about a seller order, ordered by `sort_key` (time, kind rank, id). Immutable. A named tuple
    rather than a dataclass: the batch rebuild builds one per event, review and message of the whole history (millions),
    and a tuple costs a third of a frozen dataclass to build."""

    key: str  # unique source key: "event:12", "review:3", "review_hidden:3", "message:9", "suspect:5"
    at: dt.datetime
    kind: str  # "event", "review", "review_hidden", "message", "suspect"
    rank: int
    source_id: int
    action: str = ""  # event action
    actor_role: str = ""  # event actor role, or message sender role
    data: Mapping = _NO_DATA  # the event's data (read only)
    rating_permille: int = 0  # review: mean seller rating × 1000
    credibility_permille: int = 1000

    @property
    def sort_key(self) -> tuple:
        return (self.at, self.rank, self.source_id)


KIND_RANK = {"event": 0, "review": 1, "review_hidden": 2, "message": 3, "suspect": 4}
SUSPECT = "suspect"  # the kind of the fact "the fraud analysis found this unreviewed order suspect" (SuspectOrder)


SUSPECT_VOID = "void"  # the suspect fact's `action` when the order is left out entirely (a slander campaign's)


def suspect_item(seller_order_id: int, at: dt.datetime, *, counts_against_seller: bool = True) -> FactItem:
    """The fact that a seller order is suspect (a `SuspectOrder` row): its key is the order's, one per order. A praise
    campaign's order counts only against its seller; a slander campaign's (`counts_against_seller` false) not at
    all."""
    return FactItem(
        key=f"{SUSPECT}:{seller_order_id}",
        at=at,
        kind=SUSPECT,
        rank=KIND_RANK[SUSPECT],
        source_id=seller_order_id,
        action="" if counts_against_seller else SUSPECT_VOID,
    )


# The event actions `order_contribution` reads; any other event changes nothing (a batch may leave it out).
ORDER_FACT_ACTIONS = (
    "payment_captured",
    "cancel",
    "accept",
    "ship",
    "deliver",
    "request_return",
    "dispute_decided",
    "chargeback",
)
METRIC_ACTIONS = frozenset(ORDER_FACT_ACTIONS)  # the same, as a set: the subscriber enqueues only these
ORDER_FACT_ACTIONS_WITH_DATA = ("ship", "request_return", "dispute_decided")  # the only ones whose `data` it reads


_SORT_KEY = operator.attrgetter(
    "at", "rank", "source_id"
)  # FactItem.sort_key, computed in C (the batch rebuild sorts millions)


@functools.lru_cache(maxsize=64)
def _review_limits(negative_max_rating, defect_min_credibility, order_min_credibility) -> tuple[int, int, int]:
    """The configuration's review thresholds as integers (permille), parsed once per distinct configuration."""
    return int(Decimal(str(negative_max_rating)) * 1000), int(defect_min_credibility), int(order_min_credibility)


class OrderFacts(NamedTuple):
    seller_order_id: int
    placed_on: dt.date
    ship_by: dt.date
    deliver_by: dt.date
    items: tuple[FactItem, ...]


def order_contribution(
    order: OrderFacts,
    *,
    config: dict,
    upto: tuple | None = None,
    before: tuple | None = None,
    into: dict[dt.date, dict] | None = None,
) -> dict[dt.date, dict]:
    """What one seller order adds to the daily buckets given its facts up to and including `upto` (or strictly
    before `before`; all of them when both are None). Pure.

    Applying contribution(≤ fact) − contribution(< fact) for each fact, in any order, sums to the contribution of
    all facts: that is why the incremental update and the batch recompute agree. Attribution: an order, its
    seller cancellation, its acceptance time and its defect count on the day it was placed; a shipment on the day
    it shipped (late when shipped after ship_by); a delivery on its day (on time when not after deliver_by); a
    return request on its day; a review on its day; a response time on the day of the buyer's message.

    `into`: one seller's buckets (day -> values) to add the contribution to, in place, and return — what the batch
    rebuild does for every order of the history — instead of a new mapping."""
    items = sorted(order.items, key=_SORT_KEY)
    if upto is not None:
        items = [item for item in items if item.sort_key <= upto]
    if before is not None:
        items = [item for item in items if item.sort_key < before]
    negative_max, defect_min_credibility, threshold = _review_limits(
        config["negative_review_max_rating"],
        config["defect_min_credibility_permille"],
        config.get("order_evidence_min_credibility_permille", 0),
    )
    # Straight into `into` unless a review or a suspect mark may make the order adverse-only or void (below), which
    # needs its contribution apart.
    direct = into is not None and not any(
        (item.kind == "review" and item.credibility_permille < threshold) or item.kind == SUSPECT for item in items
    )
    buckets: dict[dt.date, dict] = into if into is not None and direct else {}

    def add(day: dt.date, name: str) -> None:  # a counter (COUNTER_FIELDS)
        bucket = buckets.get(day)
        if bucket is None:
            buckets[day] = {name: 1}
        else:
            bucket[name] = bucket.get(name, 0) + 1

    def append(day: dt.date, name: str, value: int) -> None:  # a duration (LIST_FIELDS)
        bucket = buckets.get(day)
        if bucket is None:
            buckets[day] = {name: [value]}
        elif name in bucket:
            bucket[name].append(value)
        else:
            bucket[name] = [value]

    def add_amount(day: dt.date, name: str, amount: int) -> None:
        bucket = buckets.get(day)
        if bucket is None:
            buckets[day] = {name: amount}
        else:
            bucket[name] = bucket.get(name, 0) + amount

    placed_at = None
    is_suspect = is_void = False
    defect_facts = False
    reviews: dict[int, FactItem] = {}
    waiting_buyer_message_at = None
    for item in items:
        if item.kind == "event":
            if item.action == "payment_captured":
                placed_at = item.at
                add(order.placed_on, "orders")
            elif placed_at is None:
                continue  # never placed (payment failed): nothing to judge
            elif item.action == "cancel" and item.actor_role == "seller":
                add(order.placed_on, "cancelled_by_seller")
            elif item.action == "accept":
                append(order.placed_on, "accept_seconds", max(0, int((item.at - placed_at).total_seconds())))
            elif item.action == "ship":
                day = item.at.date()
                add(day, "shipped")
                if day > order.ship_by:
                    add(day, "shipped_late")
                if is_valid_tracking(item.data.get("carrier"), item.data.get("tracking_number")):
                    add(day, "shipped_with_valid_tracking")
            elif item.action == "deliver":
                day = item.at.date()
                add(day, "delivered")
                if day <= order.deliver_by:
                    add(day, "delivered_on_time")
            elif item.action == "request_return":
                add(item.at.date(), "returns")
                if item.data.get("return_reason") == "not_as_described":
                    add(item.at.date(), "returns_not_as_described")
            elif item.action == "dispute_decided" and item.data.get("in_favour_of") == "buyer":
                add(order.placed_on, "disputes_lost")
                defect_facts = True
            elif item.action == "chargeback":
                defect_facts = True
        elif item.kind == "review":
            reviews[item.source_id] = item
        elif item.kind == "review_hidden":
            reviews.pop(item.source_id, None)
        elif item.kind == SUSPECT:
            is_suspect = True
            is_void = item.action == SUSPECT_VOID
        elif item.kind == "message":
            if item.actor_role == "buyer" and waiting_buyer_message_at is None:
                waiting_buyer_message_at = item.at
            elif item.actor_role == "seller" and waiting_buyer_message_at is not None:
                append(
                    waiting_buyer_message_at.date(),
                    "response_seconds",
                    max(0, int((item.at - waiting_buyer_message_at).total_seconds())),
                )
                waiting_buyer_message_at = None
    for review in reviews.values():
        day = review.at.date()
        add(day, "reviews")
        add_amount(day, "review_weight_permille", review.credibility_permille)
        add_amount(day, "rating_weighted_sum_permille", review.credibility_permille * review.rating_permille // 1000)
        if review.rating_permille <= negative_max:
            add(day, "negative_reviews")
            if review.credibility_permille >= defect_min_credibility:
                defect_facts = True
    if defect_facts and placed_at is not None:
        add(order.placed_on, "defects")
    untrusted = [review for review in reviews.values() if review.credibility_permille < threshold]
    if any(review.rating_permille <= negative_max for review in untrusted) or (is_void and not reviews):
        # An untrusted complaint (slander: a burst, a ring, single-seller accounts, a shared identity) must not hurt:
        # the whole order is left out, its rating and the facts tied to it, not only its stars. So is a slander
        # campaign's unreviewed order (SuspectOrder): the campaign's orders that went well are reviewed and left out.
        buckets = {}
    elif untrusted or (is_suspect and not reviews):
        # An untrusted praise, or an unreviewed order the fraud analysis ties to a campaign (SuspectOrder: a flagged
        # buyer's other order, a burst's or a single-seller ring's order not reviewed yet): only against the seller.
        # A review written later judges the order instead, as the rebuild would.
        buckets = adverse_only(buckets, config=config)
    if into is not None and not direct:
        return contribution_add(into, buckets)
    return buckets


def contribution_add(into: dict[dt.date, dict], contribution: dict[dt.date, dict]) -> dict[dt.date, dict]:
    """Add a contribution to buckets (day -> values), in place; returns them. The contribution's dicts may be
    adopted."""
    for day, values in contribution.items():
        bucket = into.get(day)
        if bucket is None:
            into[day] = values
            continue
        for name, value in values.items():
            if name in LIST_FIELDS:
                bucket.setdefault(name, []).extend(value)
            else:
                bucket[name] = bucket.get(name, 0) + value
    return into


def contribution_subtract(into: dict[dt.date, dict], contribution: dict[dt.date, dict]) -> dict[dt.date, dict]:
    """Take a contribution that was added to buckets (day -> values) away again, in place; returns them. A day left
    with nothing is dropped, as if the contribution had never been added (the rebuild's correction of an order folded
    before the fraud analysis found it suspect)."""
    for day, values in contribution.items():
        bucket = into[day]
        for name, value in values.items():
            if name in LIST_FIELDS:
                remaining = bucket[name]
                for one in value:
                    remaining.remove(one)
            else:
                bucket[name] = bucket.get(name, 0) - value
        if not any(bucket.values()):
            del into[day]
    return into


# Facts that only ever count against a seller: kept whatever the order's credibility.
ADVERSE_FIELDS = (
    "cancelled_by_seller",
    "shipped_late",
    "defects",
    "disputes_lost",
    "returns_not_as_described",
    "negative_reviews",
)
REVIEW_FIELDS = ("reviews", "review_weight_permille", "rating_weighted_sum_permille")


def adverse_only(buckets: dict[dt.date, dict], *, config: dict) -> dict[dt.date, dict]:
    """The contribution of a low-credibility order (its review was judged not credible: ring, burst of new
    accounts, shared card or address, self-promotion): it can count against the seller, never for it. Kept: its
    adverse facts (seller cancellation, late shipment, defect, lost dispute, not-as-described return), the
    observation each belongs to (the order for a cancellation or defect, the shipment when late or without valid
    tracking, the delivery when late or returned as not described), acceptance and response times above their
    target, and its review counters (already weighted by credibility) when the review is negative. Dropped:
    everything that would dilute the seller's rates — an on-time, tracked, as-described order — or lift its rating —
    a review above the negative threshold, however small its weight (fifty 5-star reviews at 100 ‰ each would still
    count as five). Pure."""
    metrics = config["metrics"]
    limits = {
        "accept_seconds": float(metrics["accept_time_hours"]["target"]) * 3600,
        "response_seconds": float(metrics["response_time_hours"]["target"]) * 3600,
    }
    has = {
        name: any(bucket.get(name) for bucket in buckets.values())
        for name in ("cancelled_by_seller", "defects", "returns_not_as_described")
    }
    result: dict[dt.date, dict] = {}
    for day, bucket in buckets.items():
        kept = {name: bucket[name] for name in ADVERSE_FIELDS if bucket.get(name)}
        if bucket.get("negative_reviews"):  # a positive review judged not credible must not lift the rating either
            kept.update({name: bucket[name] for name in REVIEW_FIELDS if bucket.get(name)})
        if bucket.get("orders") and (has["cancelled_by_seller"] or has["defects"]):
            kept["orders"] = bucket["orders"]
        shipped = bucket.get("shipped", 0)
        if shipped and (bucket.get("shipped_late", 0) or bucket.get("shipped_with_valid_tracking", 0) < shipped):
            kept["shipped"] = shipped
            if bucket.get("shipped_with_valid_tracking"):
                kept["shipped_with_valid_tracking"] = bucket["shipped_with_valid_tracking"]
        delivered = bucket.get("delivered", 0)
        if delivered and (bucket.get("delivered_on_time", 0) < delivered or has["returns_not_as_described"]):
            kept["delivered"] = delivered
            if bucket.get("delivered_on_time"):
                kept["delivered_on_time"] = bucket["delivered_on_time"]
        if bucket.get("returns_not_as_described"):
            kept["returns"] = bucket.get("returns", 0)
        for name, limit in limits.items():
            slow = [value for value in bucket.get(name, ()) if value > limit]
            if slow:
                kept[name] = slow
        if kept:
            result[day] = kept
    return result


def contribution_delta(after: dict[dt.date, dict], before: dict[dt.date, dict]) -> dict[dt.date, dict]:
    """after − before, per day: counters as differences, lists as {"add": [...], "remove": [...]} multisets."""
    delta: dict[dt.date, dict] = {}
    for day in set(after) | set(before):
        new, old = after.get(day, {}), before.get(day, {})
        changes = {}
        for name in COUNTER_FIELDS:
            difference = new.get(name, 0) - old.get(name, 0)
            if difference:
                changes[name] = difference
        for name in LIST_FIELDS:
            added, removed = list(new.get(name, [])), list(old.get(name, []))
            for value in list(removed):
                if value in added:
                    added.remove(value)
                    removed.remove(value)
            if added or removed:
                changes[name] = {"add": added, "remove": removed}
        if changes:
            delta[day] = changes
    return delta

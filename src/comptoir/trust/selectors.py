"""Trust reads: snapshots for search and the featured offer, the seller's health page, public trust."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Exists, F, OuterRef, Q
from django.db.models.fields.json import KT

from comptoir.orders.models import ReturnReason, SellerOrder, SellerOrderEvent
from comptoir.trust.conf import trust_settings
from comptoir.trust.domain.config import dec
from comptoir.trust.domain.fraud import SellerOperations, UnreviewedOrder
from comptoir.trust.domain.tiers import Tier, visibility_multiplier
from comptoir.trust.models import (
    Appeal,
    AppealStatus,
    EnforcementAction,
    EnforcementKind,
    MeasureProposal,
    Message,
    ProposalStatus,
    Review,
    ReviewReport,
    ReviewReportStatus,
    ReviewStatus,
    SellerTrust,
    SellerTrustHistory,
)


def config() -> dict[str, Any]:
    """The trust configuration: settings.COMPTOIR_TRUST merged over the defaults (`trust_settings().rules`)."""
    return trust_settings().rules


@dataclass(frozen=True)
class TrustSnapshot:
    score: Decimal
    low: Decimal
    high: Decimal
    tier: str
    is_eligible_for_featured: bool
    visibility_multiplier: Decimal
    #: The tier was set by an operator (tier_override), not computed from the score and the metrics.
    is_tier_overridden: bool = False


NEUTRAL_SNAPSHOT = TrustSnapshot(
    score=Decimal("50"),
    low=Decimal("0"),
    high=Decimal("100"),
    tier=Tier.NEW,
    is_eligible_for_featured=True,
    visibility_multiplier=Decimal("1"),
)


def effective_tier(trust: SellerTrust) -> str:
    return trust.tier_override or trust.tier


def seller_trust_map(seller_ids) -> dict[int, TrustSnapshot]:
    """seller id -> TrustSnapshot for every id asked (two queries). A seller without a SellerTrust row gets the
    neutral prior (score 50, tier "new", the newcomer's visibility floor, eligible). The multiplier grows with the
    seller's evidence orders (`tiers.visibility_multiplier`). An active reduced-visibility action lowers the
    multiplier; an active suspension makes it 0 and the seller ineligible; below standard is never featured."""
    ids = {int(seller_id) for seller_id in seller_ids}
    if not ids:
        return {}
    settings_config = config()
    neutral = replace(
        NEUTRAL_SNAPSHOT,
        visibility_multiplier=visibility_multiplier(
            tier=Tier.NEW, is_restricted=False, config=settings_config, evidence_orders=0
        ),
    )
    rows = {
        row.seller_id: row
        for row in SellerTrust.objects.filter(seller_id__in=ids).only(
            "seller_id", "score", "score_low", "score_high", "tier", "tier_override", "evidence_orders"
        )
    }
    restrictions: dict[int, set[str]] = {}
    for seller_id, kind in (
        EnforcementAction.objects.filter(seller_id__in=ids, is_active=True)
        # a warning restricts nothing; a hand-set tier acts through the tier itself (below standard: never featured)
        .exclude(kind__in=[EnforcementKind.WARNING, EnforcementKind.TIER_OVERRIDE])
        .values_list("seller_id", "kind")
    ):
        restrictions.setdefault(seller_id, set()).add(kind)
    result = {}
    for seller_id in ids:
        row = rows.get(seller_id)
        kinds = restrictions.get(seller_id, set())
        if row is None and not kinds:
            result[seller_id] = neutral
            continue
        tier = effective_tier(row) if row is not None else Tier.NEW
        multiplier = visibility_multiplier(
            tier=tier,
            is_restricted=EnforcementKind.VISIBILITY_REDUCED in kinds,
            config=settings_config,
            # a tier set by hand sets the visibility itself; a computed one earns it with evidence
            evidence_orders=(None if row.tier_override else row.evidence_orders) if row is not None else 0,
        )
        suspended = EnforcementKind.SUSPENSION in kinds
        if suspended:
            multiplier = Decimal("0")
        result[seller_id] = TrustSnapshot(
            score=row.score if row is not None else Decimal("50"),
            low=row.score_low if row is not None else Decimal("0"),
            high=row.score_high if row is not None else Decimal("100"),
            tier=tier,
            is_eligible_for_featured=tier != Tier.BELOW_STANDARD and not kinds,
            visibility_multiplier=dec(multiplier),
            is_tier_overridden=bool(row is not None and row.tier_override),
        )
    return result


# --- web reads (trust web helper) -------------------------------------------------------------------
# Reads for the storefront, seller center and console pages. They never write and never compute scores:
# the numbers come from SellerTrust / SellerTrustHistory as the trust services stored them.

#: Metrics shown on the account health page, in the page's order.
HEALTH_METRICS = (
    "order_defect_rate",
    "cancellation_rate",
    "late_shipment_rate",
    "late_shipment_rate_10d",
    "valid_tracking_rate",
    "on_time_delivery_rate",
    "not_as_described_rate",
    "accept_time_hours",
    "response_time_hours",
    "seller_rating",
)


@dataclass(frozen=True)
class RatingBreakdown:
    count: int
    average: Decimal | None  # mean product rating 1–5, one decimal
    seller_average: Decimal | None  # mean of the four seller ratings
    stars: tuple[tuple[int, int, int], ...]  # (stars, count, percent of all), 5 stars first


def _published_reviews():
    return Review.objects.filter(status=ReviewStatus.PUBLISHED)


def review_breakdown(*, product_id: int | None = None, seller_id: int | None = None) -> RatingBreakdown:
    """Counts per star (product rating) and the averages of the published reviews of a product or a seller (two
    queries)."""
    queryset = _published_reviews().filter(
        **({"product_id": product_id} if product_id is not None else {"seller_id": seller_id})
    )
    per_star = dict(queryset.values("product_rating").annotate(n=Count("pk")).values_list("product_rating", "n"))
    total = sum(per_star.values())
    averages = queryset.aggregate(
        product=Avg("product_rating"),
        a=Avg("item_as_described"),
        b=Avg("communication"),
        c=Avg("shipping_speed"),
        d=Avg("packaging"),
    )
    one = Decimal("0.1")
    average = Decimal(str(averages["product"])).quantize(one) if total else None
    seller_average = Decimal(str(sum(averages[key] for key in "abcd") / 4)).quantize(one) if total else None
    stars = tuple(
        (star, per_star.get(star, 0), round(100 * per_star.get(star, 0) / total) if total else 0)
        for star in (5, 4, 3, 2, 1)
    )
    return RatingBreakdown(count=total, average=average, seller_average=seller_average, stars=stars)


def review_list_public(*, product_id: int | None = None, seller_id: int | None = None, limit: int = 10) -> list[Review]:
    """Published reviews of a product or a seller, newest first, with their buyer and seller."""
    queryset = _published_reviews().filter(
        **({"product_id": product_id} if product_id is not None else {"seller_id": seller_id})
    )
    return list(queryset.select_related("buyer", "seller", "product").order_by("-created_at", "-pk")[:limit])


def review_for_seller_orders(seller_order_ids) -> dict[int, Review]:
    return {
        review.seller_order_id: review for review in Review.objects.filter(seller_order_id__in=list(seller_order_ids))
    }


def review_list_for_seller(*, seller_id: int, only_unanswered: bool = False):
    queryset = (
        Review.objects.filter(seller_id=seller_id)
        .select_related("seller_order", "product", "buyer")
        .order_by("-created_at", "-pk")
    )
    return queryset.filter(seller_replied_at__isnull=True) if only_unanswered else queryset


def message_thread(*, seller_order_id: int) -> list[Message]:
    return list(
        Message.objects.filter(seller_order_id=seller_order_id).select_related("sender").order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class InboxRow:
    seller_order_id: int
    seller_order_number: str
    buyer_name: str
    last_message: Message
    messages: int
    is_awaiting_reply: bool
    waiting_since: object  # datetime of the oldest unanswered buyer message, or None


def message_inbox_for_seller(*, seller_id: int, limit: int = 100) -> list[InboxRow]:
    """One row per seller order with messages, those waiting for the seller's answer first, then newest."""
    messages = list(
        Message.objects.filter(seller_id_copy=seller_id)
        .select_related("seller_order__order__buyer")
        .order_by("seller_order_id", "created_at", "pk")
    )
    threads: dict[int, list[Message]] = {}
    for message in messages:
        threads.setdefault(message.seller_order_id, []).append(message)
    rows = []
    for seller_order_id, thread in threads.items():
        waiting_since = None
        for message in thread:
            if message.sender_role == "buyer" and waiting_since is None:
                waiting_since = message.created_at
            elif message.sender_role == "seller":
                waiting_since = None
        seller_order = thread[-1].seller_order
        buyer = seller_order.order.buyer
        rows.append(
            InboxRow(
                seller_order_id=seller_order_id,
                seller_order_number=seller_order.number,
                buyer_name=buyer.full_name or buyer.email,
                last_message=thread[-1],
                messages=len(thread),
                is_awaiting_reply=waiting_since is not None,
                waiting_since=waiting_since,
            )
        )
    rows.sort(key=lambda row: (not row.is_awaiting_reply, -row.last_message.created_at.timestamp()))
    return rows[:limit]


def seller_trust_row(*, seller_id: int) -> SellerTrust | None:
    return SellerTrust.objects.filter(seller_id=seller_id).first()


def seller_trust_history(*, seller_id: int, days: int = 90, today: _dt.date | None = None) -> list[SellerTrustHistory]:
    from comptoir.core import clock

    today = today or clock.now().date()
    return list(
        SellerTrustHistory.objects.filter(seller_id=seller_id, day__gt=today - _dt.timedelta(days=days)).order_by("day")
    )


def seller_metric_orders(*, seller_id: int, metric: str, today: _dt.date | None = None, limit: int = 20) -> list:
    """The seller orders behind a failing metric, inside the metric's window: defects (credible negative reviews,
    disputes lost, chargebacks), seller cancellations, late shipments, shipments without valid tracking, late
    deliveries, "not as described" returns. Newest first; [] for metrics that are not about orders."""
    from comptoir.core import clock
    from comptoir.orders.models import SellerOrder, SellerOrderEvent
    from comptoir.trust.domain.evidence import is_valid_tracking

    settings_config = config()
    definition = settings_config["metrics"].get(metric)
    if definition is None:
        return []
    today = today or clock.now().date()
    since = _dt.datetime.combine(
        today - _dt.timedelta(days=int(definition["window_days"]) - 1), _dt.time.min, tzinfo=_dt.UTC
    )
    orders = SellerOrder.objects.filter(seller_id=seller_id)
    # seller_id_copy (always the seller order's seller) and the date: the per-seller cover index serves it.
    events = SellerOrderEvent.objects.filter(seller_id_copy=seller_id, created_at__gte=since)
    if metric == "order_defect_rate":
        negative = int(Decimal(str(settings_config["negative_review_max_rating"])) * 4)
        credible = int(settings_config["defect_min_credibility_permille"])
        bad_reviews = (
            Review.objects.filter(
                seller_order=OuterRef("pk"), status=ReviewStatus.PUBLISHED, credibility_permille__gte=credible
            )
            .annotate(total=models_sum())
            .filter(total__lte=negative)
        )
        lost = SellerOrderEvent.objects.filter(seller_order=OuterRef("pk")).filter(
            Q(action="dispute_decided", data__in_favour_of="buyer") | Q(action="chargeback")
        )
        queryset = orders.filter(placed_at__gte=since).filter(Exists(bad_reviews) | Exists(lost))
    elif metric == "cancellation_rate":
        queryset = orders.filter(
            placed_at__gte=since, pk__in=events.filter(action="cancel", actor_role="seller").values("seller_order_id")
        )
    elif metric in ("late_shipment_rate", "late_shipment_rate_10d"):
        late_ids = [
            seller_order_id
            for seller_order_id, at, ship_by in events.filter(action="ship").values_list(
                "seller_order_id", "created_at", "seller_order__ship_by"
            )
            if at.date() > ship_by
        ]
        queryset = orders.filter(pk__in=late_ids)
    elif metric == "valid_tracking_rate":
        bad_ids = [
            seller_order_id
            for seller_order_id, data in events.filter(action="ship").values_list("seller_order_id", "data")
            if not is_valid_tracking((data or {}).get("carrier"), (data or {}).get("tracking_number"))
        ]
        queryset = orders.filter(pk__in=bad_ids)
    elif metric == "on_time_delivery_rate":
        late_ids = [
            seller_order_id
            for seller_order_id, at, deliver_by in events.filter(action="deliver").values_list(
                "seller_order_id", "created_at", "seller_order__deliver_by"
            )
            if at.date() > deliver_by
        ]
        queryset = orders.filter(pk__in=late_ids)
    elif metric == "not_as_described_rate":
        queryset = orders.filter(
            pk__in=events.filter(action="request_return", data__return_reason="not_as_described").values(
                "seller_order_id"
            )
        )
    else:
        return []
    return list(queryset.select_related("order").order_by("-placed_at", "-pk")[:limit])


def models_sum():
    from django.db.models import F

    return F("item_as_described") + F("communication") + F("shipping_speed") + F("packaging")


def enforcement_list_for_seller(*, seller_id: int) -> list[EnforcementAction]:
    return list(
        EnforcementAction.objects.filter(seller_id=seller_id).prefetch_related("appeals").order_by("-created_at", "-pk")
    )


def enforcement_active_for_seller(*, seller_id: int) -> list[EnforcementAction]:
    return list(EnforcementAction.objects.filter(seller_id=seller_id, is_active=True).order_by("-created_at", "-pk"))


def review_report_queue(*, status: str = ReviewReportStatus.OPEN):
    return (
        ReviewReport.objects.filter(status=status)
        .select_related("review__seller", "review__buyer", "review__product", "reporter", "decided_by")
        .order_by("created_at", "pk")
    )


def appeal_queue(*, status: str = AppealStatus.OPEN):
    return (
        Appeal.objects.filter(status=status)
        .select_related("action__seller", "submitted_by", "decided_by")
        .order_by("created_at", "pk")
    )


def measure_proposal_queue(*, status: str = ProposalStatus.PENDING):
    """Measures the ladder proposed after a history import (MeasureProposal), oldest first, with the seller and its
    current trust (to show whether it is still below standard)."""
    return (
        MeasureProposal.objects.filter(status=status)
        .select_related("seller", "seller__trust", "decided_by", "action")
        .order_by("created_at", "pk")
    )


def payment_fingerprints_for_seller_orders(seller_order_ids) -> dict[int, str]:
    """seller order id -> the card fingerprint of its order's payment, in one query (for the review fraud analysis,
    which works on seller orders; those without a fingerprint are left out). Here rather than in payments, which
    knows orders only by id: trust sits above both and may join them. `seller_order_ids`: ids, or a queryset
    of one seller-order id column (used as a subquery: no IN-list, whatever its size)."""
    from django.db.models import QuerySet

    from comptoir.payments.models import Payment

    if not isinstance(seller_order_ids, QuerySet):
        seller_order_ids = list(seller_order_ids)
    fingerprints: dict[int, str] = {}
    # Imported orders have no Payment: the importer keeps the old system's card fingerprint, when it has one, in the
    # data of their `payment_captured` event (prefixed so it never equals a live provider's fingerprint by accident).
    for seller_order_id, fingerprint in (
        SellerOrderEvent.objects.filter(
            seller_order_id__in=seller_order_ids, action="payment_captured", data__has_key="payment_fingerprint"
        )
        .order_by("pk")
        .values_list("seller_order_id", KT("data__payment_fingerprint"))
    ):
        if fingerprint:
            fingerprints[seller_order_id] = f"imported:{fingerprint}"
    for seller_order_id, fingerprint in (
        Payment.objects.filter(order__seller_orders__in=seller_order_ids)
        .exclude(payment_fingerprint="")
        .order_by("pk")
        .values_list("order__seller_orders", "payment_fingerprint")
    ):
        fingerprints[seller_order_id] = fingerprint
    return fingerprints


def seller_operations(seller_ids=None) -> dict[int, SellerOperations]:
    """seller id -> its seller orders and those with an adverse fact (cancelled by the seller, shipped after its
    ship-by date, delivered after its deliver-by date, returned as not described), for the review fraud analysis's
    comparison of ratings with facts. One grouped query over the seller-order columns (no event read); every seller
    with orders when `seller_ids` is None."""
    orders = SellerOrder.objects.all()
    if seller_ids is not None:
        orders = orders.filter(seller_id__in=list(seller_ids))
    adverse = (
        Q(cancelled_by="seller")
        | Q(shipped_at__isnull=False, shipped_at__date__gt=F("ship_by"))
        | Q(delivered_at__isnull=False, delivered_at__date__gt=F("deliver_by"))
        | Q(return_reason=ReturnReason.NOT_AS_DESCRIBED)
    )
    return {
        seller_id: SellerOperations(orders=count, adverse=bad)
        for seller_id, count, bad in orders.order_by()
        .values("seller_id")
        .annotate(count=Count("pk"), bad=Count("pk", filter=adverse))
        .values_list("seller_id", "count", "bad")
    }


def unreviewed_orders(seller_ids, *, since: _dt.datetime | None = None) -> list[UnreviewedOrder]:
    """The seller orders of these sellers without a review (placed from `since` on), each with its buyer's account
    opening (None when unknown) and the number of distinct sellers that buyer ordered from: what the fraud analysis's
    `suspect_orders` judges. Two queries."""
    orders = SellerOrder.objects.filter(seller_id__in=list(seller_ids), review__isnull=True).order_by()
    if since is not None:
        orders = orders.filter(placed_at__gte=since)
    rows = list(
        orders.values_list(
            "pk",
            "order__buyer_id",
            "seller_id",
            "placed_at",
            "order__buyer__date_joined",
            "order__buyer__date_joined_known",
        )
    )
    if not rows:
        return []
    sellers_of: dict[int, int] = {}
    for buyer_id, count in (
        SellerOrder.objects.filter(order__buyer_id__in=orders.values("order__buyer_id"))
        .order_by()
        .values("order__buyer_id")
        .annotate(count=Count("seller_id", distinct=True))
        .values_list("order__buyer_id", "count")
    ):
        sellers_of[buyer_id] = count
    return [
        UnreviewedOrder(pk, buyer_id, seller_id, placed_at, joined if known else None, sellers_of.get(buyer_id))
        for pk, buyer_id, seller_id, placed_at, joined, known in rows
    ]

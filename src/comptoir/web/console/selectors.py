"""Read models of the operator console's dashboard and seller queue (reads only)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate

from comptoir.core import clock
from comptoir.core.money import Money
from comptoir.orders.models import Dispute, DisputeStatus, Order, OrderStatus
from comptoir.payments.models import Payment, PaymentStatus
from comptoir.sellers.models import Seller, SellerStatus


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


def gmv_by_currency(*, since: datetime.datetime | None = None) -> list[Money]:
    """Gross merchandise value: the totals of paid orders, one amount per currency (no conversion)."""
    orders = Order.objects.filter(status=OrderStatus.PAID)
    if since is not None:
        orders = orders.filter(paid_at__gte=since)
    rows = orders.values("currency").annotate(total_sum=Sum("total_amount")).order_by("currency")
    return [Money(row["total_sum"], row["currency"]) for row in rows]


def paid_orders_per_day(*, days: int = 30, today: datetime.date | None = None) -> list[tuple[datetime.date, int]]:
    """Paid orders per day (UTC) for the last `days` days, today included; days without orders count 0."""
    today = today or clock.now().date()
    first_day = today - datetime.timedelta(days=days - 1)
    start = datetime.datetime.combine(first_day, datetime.time.min, tzinfo=datetime.UTC)
    rows = (
        Order.objects.filter(status=OrderStatus.PAID, paid_at__gte=start)
        .annotate(day=TruncDate("paid_at", tzinfo=datetime.UTC))
        .values("day")
        .annotate(count=Count("id"))
    )
    counts = {row["day"]: row["count"] for row in rows}
    return [
        (first_day + datetime.timedelta(days=offset), counts.get(first_day + datetime.timedelta(days=offset), 0))
        for offset in range(days)
    ]


def seller_status_counts() -> list[StatusCount]:
    counts = dict(Seller.objects.values_list("status").annotate(count=Count("id")).order_by())
    return [
        StatusCount(status=value, label=str(label), count=counts.get(value, 0)) for value, label in SellerStatus.choices
    ]


def disputes_open(*, limit: int = 10):
    return list(
        Dispute.objects.filter(status=DisputeStatus.OPEN)
        .select_related("seller_order__seller", "seller_order__order")
        .order_by("opened_at")[:limit]
    )


def disputes_open_count() -> int:
    return Dispute.objects.filter(status=DisputeStatus.OPEN).count()


def payments_under_review(*, limit: int = 10):
    return list(
        Payment.objects.filter(status=PaymentStatus.REVIEW).select_related("order").order_by("created_at")[:limit]
    )


def payments_under_review_count() -> int:
    return Payment.objects.filter(status=PaymentStatus.REVIEW).count()


def sellers_pending():
    """The verification queue: pending sellers, the longest-waiting first."""
    return (
        Seller.objects.filter(status=SellerStatus.PENDING)
        .annotate(member_count=Count("members"))
        .order_by("created_at", "pk")
    )


def seller_for_review(*, seller_id: int) -> Seller | None:
    return Seller.objects.prefetch_related("members__user").filter(pk=seller_id).first()

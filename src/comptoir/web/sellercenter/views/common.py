"""Shared presentation helpers of the seller-center views."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _

from comptoir.core import clock

PAGE_SIZE = 25

ORDER_STATUS_LABELS = {
    "awaiting_payment": _("Awaiting payment"),
    "placed": _("To accept"),
    "accepted": _("To ship"),
    "shipped": _("Shipped"),
    "delivered": _("Delivered"),
    "completed": _("Completed"),
    "cancelled": _("Cancelled"),
    "return_requested": _("Return requested"),
    "returned": _("Returned"),
    "refunded": _("Refunded"),
}
ORDER_STATUS_BADGES = {
    "placed": "warning",
    "accepted": "brand",
    "shipped": "brand",
    "delivered": "success",
    "completed": "success",
    "cancelled": "danger",
    "return_requested": "warning",
    "returned": "warning",
    "refunded": "danger",
}
ENTRY_KIND_LABELS = {
    "capture": _("Payment received"),
    "refund": _("Refund"),
    "release": _("Released"),
    "payout": _("Payout"),
    "adjustment": _("Adjustment"),
    "reversal": _("Reversal"),
    "chargeback": _("Chargeback"),
    "recovery": _("Debt recovered from payout"),
}
SELLER_STATUS_BADGES = {"pending": "warning", "verified": "success", "suspended": "danger", "rejected": "danger"}


def today():
    return clock.now().date()


def paginate(request, queryset, page_size: int = PAGE_SIZE):
    return Paginator(queryset, page_size).get_page(request.GET.get("page"))


def is_late(seller_order) -> bool:
    return seller_order.status in ("placed", "accepted") and seller_order.ship_by < today()


def order_rows(seller_orders) -> list[dict]:
    return [
        {
            "order": item,
            "is_late": is_late(item),
            "status_label": ORDER_STATUS_LABELS.get(item.status, item.status),
            "badge": ORDER_STATUS_BADGES.get(item.status, ""),
            "items": sum(line.quantity for line in item.lines.all()),
        }
        for item in seller_orders
    ]

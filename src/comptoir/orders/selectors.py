"""Reads of carts, orders and seller orders. Every read is scoped to its owner: a buyer's selectors
filter by buyer and a seller's by seller, so another party's number simply does not exist."""

from __future__ import annotations

from django.db.models import Prefetch

from comptoir.orders.models import CartLine, Dispute, Order, OrderLine, SellerOrder


def cart_lines_for_buyer(buyer) -> list[CartLine]:
    return list(CartLine.objects.filter(cart__buyer=buyer).select_related("offer__product", "offer__seller").order_by("added_at", "id"))


def cart_has_offer(*, buyer, offer_id: int) -> bool:
    return CartLine.objects.filter(cart__buyer=buyer, offer_id=offer_id).exists()


def _seller_orders_prefetch() -> Prefetch:
    return Prefetch(
        "seller_orders",
        queryset=SellerOrder.objects.select_related("seller").prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("id"))).order_by("number"),
    )


def order_list_for_buyer(buyer):
    return Order.objects.filter(buyer=buyer).prefetch_related(_seller_orders_prefetch()).order_by("-placed_at", "-id")


def order_get_for_buyer(*, buyer, number: str) -> Order | None:
    return Order.objects.filter(buyer=buyer, number=number).prefetch_related(_seller_orders_prefetch()).first()


def seller_order_get_for_buyer(*, buyer, number: str) -> SellerOrder | None:
    return (SellerOrder.objects.filter(order__buyer=buyer, number=number).select_related("order", "seller")
            .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("id"))).first())


def seller_order_list_for_seller(*, seller, status: str | None = None):
    seller_orders = SellerOrder.objects.filter(seller=seller).select_related("order", "seller").prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("id")))
    if status:
        seller_orders = seller_orders.filter(status=status)
    return seller_orders.order_by("-placed_at", "-id")


def seller_order_get_for_seller(*, seller, number: str) -> SellerOrder | None:
    return (SellerOrder.objects.filter(seller=seller, number=number).select_related("order", "seller")
            .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("id"))).first())


def dispute_list_for_seller_order(seller_order: SellerOrder) -> list[Dispute]:
    return list(Dispute.objects.filter(seller_order=seller_order).order_by("id"))


# --- Seller center reads (always scoped to one seller) ---------------------------------------------

# Statuses in which the seller has the next move, with that move.
SELLER_ACTION_STATUSES = ("placed", "accepted", "return_requested", "returned")


def seller_order_action_queue(*, seller, limit: int = 50):
    """Seller orders waiting for the seller: to accept, to ship, returns to receive and to refund,
    oldest promise first (the ones already late come first)."""
    return (SellerOrder.objects.filter(seller=seller, status__in=SELLER_ACTION_STATUSES).select_related("order")
            .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("id"))).order_by("ship_by", "placed_at", "id")[:limit])


def seller_order_status_counts(*, seller) -> dict[str, int]:
    from django.db.models import Count

    return dict(SellerOrder.objects.filter(seller=seller).values_list("status").annotate(count=Count("id")).order_by())


def seller_order_late_count(*, seller, today) -> int:
    """Orders not yet handed to the carrier whose ship-by date has passed."""
    return SellerOrder.objects.filter(seller=seller, status__in=("placed", "accepted"), ship_by__lt=today).count()


def seller_order_weekly_totals(*, seller, since) -> list[dict]:
    """Per ISO week (Monday) since `since`: number of paid seller orders and their value per currency
    (orders still awaiting payment or cancelled are left out). Rows: {week, currency, orders, amount}."""
    from django.db.models import Count, Sum
    from django.db.models.functions import TruncWeek

    rows = (SellerOrder.objects.filter(seller=seller, placed_at__gte=since).exclude(status__in=("awaiting_payment", "cancelled"))
            .annotate(week=TruncWeek("placed_at")).values("week", "currency").annotate(orders=Count("id"), amount=Sum("total_amount")).order_by("week"))
    return [{"week": row["week"].date() if hasattr(row["week"], "date") else row["week"], "currency": row["currency"], "orders": row["orders"],
             "amount": row["amount"] or 0} for row in rows]


def seller_order_events(seller_order: SellerOrder):
    from comptoir.orders.models import SellerOrderEvent

    return list(SellerOrderEvent.objects.filter(seller_order=seller_order).order_by("created_at", "id"))

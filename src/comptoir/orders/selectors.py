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

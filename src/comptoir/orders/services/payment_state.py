"""The orders side of a payment outcome: lock an order for it, mark it paid, under review or failed (stock back,
seller orders cancelled). Money (the payment row, the ledger) is `comptoir.checkout`'s business: it calls these
inside the transaction that records the payment."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from comptoir.core.db import update_rows
from comptoir.offers.locks import offer_stock_return
from comptoir.orders.domain.state_machine import Action, Actor
from comptoir.orders.models import Order, OrderStatus, SellerOrder
from comptoir.orders.services.lifecycle import seller_order_quantities, seller_orders_transition
from comptoir.orders.services.placement import remember_seller_orders

if TYPE_CHECKING:
    from comptoir.accounts.models import User


def order_lock_for_payment(*, order_id: int, include_review: bool = False) -> tuple[Order, list[SellerOrder] | None]:
    """The order locked; with its seller orders locked in primary-key order (and remembered on the order) while it
    is awaiting payment (or under review, with `include_review`), None otherwise (settled: nothing more to lock)."""
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status != OrderStatus.AWAITING_PAYMENT and not (
        include_review and order.status == OrderStatus.PAYMENT_REVIEW
    ):
        return order, None
    seller_orders = list(SellerOrder.objects.select_for_update().filter(order=order).order_by("pk"))
    remember_seller_orders(order, seller_orders)
    return order, seller_orders


def _role(actor: User | None) -> Actor:
    return Actor.OPERATOR if actor else Actor.SYSTEM


def order_mark_paid(
    *, order: Order, seller_orders: list[SellerOrder], actor: User | None, payment_reference: str, now: dt.datetime
) -> None:
    """The payment was captured: the order is paid and every seller order moves to `placed`."""
    order.status, order.paid_at = OrderStatus.PAID, now
    seller_orders_transition(
        seller_orders, Action.PAYMENT_CAPTURED, _role(actor), actor, "", {"payment": payment_reference}, now
    )
    update_rows(Order, [order.pk], {"status": order.status, "paid_at": order.paid_at})


def order_mark_review(*, order: Order) -> None:
    """The payment is held for review: the order waits, stock stays taken."""
    order.status = OrderStatus.PAYMENT_REVIEW
    order.save(update_fields=["status", "paid_at"])


def order_mark_failed(
    *,
    order: Order,
    seller_orders: list[SellerOrder],
    reason: str,
    actor: User | None,
    payment_reference: str | None,
    now: dt.datetime,
) -> None:
    """The payment failed (declined, rejected after review, or never made): stock back, seller orders cancelled."""
    offer_stock_return(quantities=seller_order_quantities(seller_orders))
    seller_orders_transition(
        seller_orders, Action.PAYMENT_FAILED, _role(actor), actor, reason, {"payment": payment_reference}, now
    )
    order.status = OrderStatus.PAYMENT_FAILED
    order.save(update_fields=["status", "paid_at"])

"""Returns: the buyer asks within the return window, the seller receives the parcel (restocking or not). The
refund that follows moves money: `comptoir.checkout.services.seller_order_refund`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction

from comptoir.core import clock
from comptoir.core.exceptions import Conflict, ValidationError
from comptoir.offers.locks import offer_stock_return
from comptoir.orders import errors
from comptoir.orders.conf import orders_settings
from comptoir.orders.domain.state_machine import Action, Actor, Status
from comptoir.orders.models import ReturnReason, SellerOrder
from comptoir.orders.services.lifecycle import seller_order_lock, seller_order_quantities, seller_order_transition

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.sellers.models import Seller


def seller_order_request_return(
    *, buyer: User, seller_order_id: int, return_reason: str, comment: str = ""
) -> SellerOrder:
    """The buyer asks to return a delivered seller order. Raises ValidationError (unknown reason), Conflict (return
    window closed), InvalidTransition, NotFound."""
    if return_reason not in ReturnReason.values:
        raise ValidationError(
            "Unknown return reason.",
            code=errors.INVALID_RETURN_REASON,
            fields={"return_reason": f"One of {', '.join(ReturnReason.values)}."},
        )
    with transaction.atomic(durable=True):
        seller_order = seller_order_lock(seller_order_id=seller_order_id, buyer=buyer)
        now = clock.now()
        window = dt.timedelta(days=orders_settings().return_window_days)
        if (
            seller_order.status == Status.DELIVERED
            and seller_order.delivered_at
            and now > seller_order.delivered_at + window
        ):
            raise Conflict("The return window has closed.", code=errors.RETURN_WINDOW_CLOSED)
        return seller_order_transition(
            seller_order,
            Action.REQUEST_RETURN,
            Actor.BUYER,
            buyer,
            comment.strip() or str(ReturnReason(return_reason).label),
            {"return_reason": return_reason},
            now,
        )


def seller_order_receive_return(
    *, seller: Seller, seller_order_id: int, actor: User | None, restock: bool = True
) -> SellerOrder:
    """The seller received the returned parcel; `restock` puts the units back on sale."""
    with transaction.atomic(durable=True):
        seller_order = seller_order_lock(seller_order_id=seller_order_id, seller=seller)
        seller_order_transition(
            seller_order, Action.RECEIVE_RETURN, Actor.SELLER, actor, "", {"restocked": restock}, clock.now()
        )
        if restock:
            offer_stock_return(quantities=seller_order_quantities([seller_order]))
        return seller_order

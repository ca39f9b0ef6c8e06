"""Buyer–seller messages on a seller order (the seller's response time is trust evidence)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from comptoir.core import clock
from comptoir.core.events import publish_on_commit
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.orders.models import SellerOrder
from comptoir.trust import errors
from comptoir.trust.events import MessageSent
from comptoir.trust.models import Message
from comptoir.trust.services._common import fact_on_commit

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.sellers.models import Seller


def message_send(*, sender: User, seller_order_id: int, body: str, seller: Seller | None = None) -> Message:
    """A message on a seller order from its buyer, or from a member of its seller (pass `seller`). The seller's
    first answer after a buyer's message gives the response time (folded into the seller's evidence after the
    commit). Raises ValidationError (empty or over 5,000 characters), NotFound (not the sender's order)."""
    if not isinstance(body, str) or not body.strip() or len(body) > 5000:
        raise ValidationError(
            "Write a message of 1 to 5,000 characters.",
            code=errors.INVALID_MESSAGE,
            fields={"body": "1 to 5,000 characters."},
        )
    with transaction.atomic(durable=True):
        queryset = SellerOrder.objects.filter(pk=seller_order_id)
        queryset = queryset.filter(seller=seller) if seller is not None else queryset.filter(order__buyer=sender)
        seller_order = queryset.first()
        if seller_order is None:
            raise NotFound("No such order.", code=errors.SELLER_ORDER_NOT_FOUND)
        message = Message.objects.create(
            seller_order=seller_order,
            seller_id_copy=seller_order.seller_id,
            sender=sender,
            sender_role="seller" if seller is not None else "buyer",
            body=body.strip(),
            created_at=clock.now(),
        )
        fact_on_commit(seller_order.pk, f"message:{message.pk}")
        publish_on_commit(
            MessageSent(
                message_id=message.pk,
                seller_order_id=seller_order.pk,
                seller_id=seller_order.seller_id,
                sender_role=message.sender_role,
                at=message.created_at,
            )
        )
    return message

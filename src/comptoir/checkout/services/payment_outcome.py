"""Applying a payment provider's answer to an order: the Payment row, the capture into escrow and the seller
orders' move to `placed` — or, on a decline, the seller orders cancelled and the stock back. Also the operator's
decision on a payment held for review, and the abandonment of an order whose charge never happened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from comptoir.checkout import errors
from comptoir.checkout.services.fx import settled_part
from comptoir.core import clock
from comptoir.core.exceptions import Conflict, NotFound
from comptoir.core.permissions import require_operator
from comptoir.core.services import audit_record
from comptoir.orders.models import Order, OrderStatus, SellerOrder
from comptoir.orders.services import (
    order_lock_for_payment,
    order_mark_failed,
    order_mark_paid,
    order_mark_review,
)
from comptoir.payments.domain.fx import capture_lines
from comptoir.payments.domain.ledger import PostingLine
from comptoir.payments.models import EntryKind, PaymentStatus
from comptoir.payments.selectors import payment_latest_for_order
from comptoir.payments.services import ledger_post, payment_captured_post_new, payment_record

if TYPE_CHECKING:
    from comptoir.accounts.models import User


def payment_outcome_apply(
    *,
    order: Order,
    seller_orders: list[SellerOrder],
    status: str,
    provider: str,
    reference: str,
    card_last4: str,
    message: str,
    actor: User | None = None,
    payment_is_new: bool = False,
    payment_fingerprint: str = "",
) -> Order:
    """Record the payment, post a capture into escrow and move the seller orders, on rows this transaction owns
    (locked by the caller, or inserted by it). `status` is the provider's word (captured, declined, review,
    review_rejected). `payment_is_new`: the order was created in this transaction, so no payment can exist for
    it yet and none is looked up."""
    payment = payment_record(
        order_id=order.pk,
        provider=provider,
        reference=reference,
        status=status,
        amount=order.total_amount,
        currency=order.currency,
        card_last4=card_last4,
        message=message,
        payment_fingerprint=payment_fingerprint,
        is_new=payment_is_new,
    )
    now = clock.now()
    if payment.status == PaymentStatus.CAPTURED:
        _capture_post(order=order, seller_orders=seller_orders, actor=actor)
        order_mark_paid(order=order, seller_orders=seller_orders, actor=actor, payment_reference=reference, now=now)
    elif payment.status == PaymentStatus.REVIEW:
        order_mark_review(order=order)
    else:
        order_mark_failed(
            order=order,
            seller_orders=seller_orders,
            reason=message or "Payment declined.",
            actor=actor,
            payment_reference=reference,
            now=now,
        )
    return order


def payment_captured_at_placement(
    *,
    order: Order,
    seller_orders: list[SellerOrder],
    provider: str,
    reference: str,
    card_last4: str,
    message: str,
    payment_fingerprint: str = "",
) -> None:
    """Record a payment captured before its order was written, the order already paid and its seller orders placed
    (`orders.services.order_write(paid_reference=…)`, in this transaction): the Payment row and the capture into
    escrow, the same rows `payment_outcome_apply` writes for a capture."""
    payment_captured_post_new(
        order_id=order.pk,
        provider=provider,
        reference=reference,
        amount=order.total_amount,
        currency=order.currency,
        card_last4=card_last4,
        message=message,
        payment_fingerprint=payment_fingerprint,
        source_key=f"capture:{order.number}",
        memo=f"Order {order.number}",
        lines=_capture_lines(order=order, seller_orders=seller_orders),
    )


def _capture_post(*, order: Order, seller_orders: list[SellerOrder], actor: User | None) -> None:
    """The capture into escrow: the provider's clearing account debited with the order's total, each seller's escrow
    credited with its seller order's total; once per order (source key)."""
    ledger_post(
        kind=EntryKind.CAPTURE,
        source_key=f"capture:{order.number}",
        order_id=order.pk,
        memo=f"Order {order.number}",
        actor=actor,
        lines=_capture_lines(order=order, seller_orders=seller_orders),
    )


def _capture_lines(*, order: Order, seller_orders: list[SellerOrder]) -> list[PostingLine]:
    if order.fx_source:  # a seller order settled in another currency: the conversion legs (payments.domain.fx)
        return capture_lines(
            currency=order.currency, total=order.total_amount, parts=[settled_part(so) for so in seller_orders]
        )
    return [PostingLine(("provider_clearing", None, order.currency), order.total_amount)] + [
        PostingLine(("seller_escrow", so.seller_id, order.currency), -so.total_amount) for so in seller_orders
    ]


def order_payment_outcome(
    *,
    order_id: int,
    status: str,
    provider: str,
    reference: str,
    card_last4: str,
    message: str,
    actor: User | None = None,
    payment_fingerprint: str = "",
) -> Order:
    """Lock the order and its seller orders (primary-key order) and record the provider's answer once: an order
    already settled is returned unchanged (a payment under review is settled only by an operator, `actor`)."""
    order, seller_orders = order_lock_for_payment(order_id=order_id, include_review=actor is not None)
    if seller_orders is None:
        return order  # already settled by an earlier attempt: idempotent
    return payment_outcome_apply(
        order=order,
        seller_orders=seller_orders,
        status=status,
        provider=provider,
        reference=reference,
        card_last4=card_last4,
        message=message,
        actor=actor,
        payment_fingerprint=payment_fingerprint,
    )


def order_abandon(*, order_id: int, reason: str) -> Order:
    """Fail an order awaiting payment whose charge never happened: stock back, seller orders cancelled. Runs in
    the caller's transaction; an order no longer awaiting payment is returned unchanged."""
    order, seller_orders = order_lock_for_payment(order_id=order_id)
    if seller_orders is None:
        return order
    order_mark_failed(
        order=order, seller_orders=seller_orders, reason=reason, actor=None, payment_reference=None, now=clock.now()
    )
    return order


def order_payment_review_decide(*, order_id: int, approve: bool, actor: User) -> Order:
    """An operator settles a payment held for review: approve captures it, reject cancels the order. Raises
    PermissionDenied (not an operator), NotFound, Conflict (`not_under_review`)."""
    require_operator(actor, message="Only an operator can decide a payment review.")
    with transaction.atomic(durable=True):
        order = Order.objects.filter(pk=order_id).first()
        if order is None:
            raise NotFound("No such order.", code=errors.ORDER_NOT_FOUND)
        if order.status != OrderStatus.PAYMENT_REVIEW:
            raise Conflict("This order's payment is not under review.", code=errors.NOT_UNDER_REVIEW)
        payment = payment_latest_for_order(order.pk)
        assert payment is not None  # an order under review has the payment that put it there
        order = order_payment_outcome(
            order_id=order.pk,
            status="captured" if approve else "review_rejected",
            provider=payment.provider,
            reference=payment.provider_reference,
            card_last4=payment.card_last4,
            message="" if approve else "Rejected after payment review.",
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="order.payment_review_approved" if approve else "order.payment_review_rejected",
            target=order,
            data={"payment": payment.provider_reference, "status": order.status},
        )
        return order

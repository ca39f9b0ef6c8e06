"""Payments of orders (known by id) and their refunds."""

from __future__ import annotations

import functools

from django.db import transaction

from comptoir.core.db import insert_returning
from comptoir.payments.models import Payment, PaymentStatus, Refund

PROVIDER_STATUSES = {
    "captured": PaymentStatus.CAPTURED,
    "declined": PaymentStatus.DECLINED,
    "review": PaymentStatus.REVIEW,
    "review_rejected": PaymentStatus.REVIEW_REJECTED,
}


def payment_record(
    *,
    order_id: int,
    provider: str,
    reference: str,
    status: str,
    amount: int,
    currency: str,
    card_last4: str,
    message: str,
    payment_fingerprint: str = "",
    is_new: bool = False,
) -> Payment:
    """Record the provider's answer for an order's payment: the Payment row (provider, reference) created, or its
    status updated when it changed. `status` is the provider's word (captured, declined, review, review_rejected).
    `is_new`: the order was created in the caller's transaction, so no payment can exist yet and none is looked
    up."""
    payment_status = PROVIDER_STATUSES[status]
    payment = None if is_new else Payment.objects.filter(provider=provider, provider_reference=reference).first()
    if payment is None:
        (payment,) = insert_returning(
            [
                Payment(
                    order_id=order_id,
                    provider=provider,
                    provider_reference=reference,
                    status=payment_status,
                    amount=amount,
                    currency=currency,
                    card_last4=card_last4,
                    message=message[:300],
                    payment_fingerprint=(payment_fingerprint or "")[:100],
                )
            ]
        )
        return payment
    if payment.status != payment_status:
        payment.status = payment_status
        payment.save(update_fields=["status"])
    return payment


def refund_create(*, payment: Payment, seller_order_id: int, amount: int, reason: str, source_key: str) -> Refund:
    """Record a refund to be executed at the provider after commit (refund_execute_task). Idempotent on
    `source_key`: the existing refund is returned."""
    existing = Refund.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing
    refund = Refund.objects.create(
        payment=payment,
        seller_order_id=seller_order_id,
        amount=amount,
        currency=payment.currency,
        source_key=source_key,
        reason=reason[:1000],
    )
    transaction.on_commit(functools.partial(_enqueue_refund, refund.pk))
    return refund


def _enqueue_refund(refund_id: int) -> None:
    from comptoir.payments.tasks import refund_execute_task

    refund_execute_task.enqueue(refund_id)

"""Writes that span orders and payments, one concern per module: checkout (cart to paid order), payment outcomes
and reviews, refunds (cancellations, returns, disputes), the release of escrow, chargebacks on a seller order."""

from comptoir.checkout.services.chargebacks import chargeback_notification_apply, chargeback_record
from comptoir.checkout.services.credit_notes import CreditOutcome, credit_request_parse, seller_order_credit
from comptoir.checkout.services.payment_outcome import (
    order_abandon,
    order_payment_outcome,
    order_payment_review_decide,
    payment_outcome_apply,
)
from comptoir.checkout.services.placement import (
    CHECKOUT_RESUME_AFTER_SECONDS,
    CheckoutOutcome,
    order_checkout,
    order_summary,
)
from comptoir.checkout.services.refunds import (
    dispute_decide,
    seller_order_cancel,
    seller_order_money_refund,
    seller_order_refund,
)
from comptoir.checkout.services.release import seller_order_complete, seller_orders_release_due

__all__ = [
    "CHECKOUT_RESUME_AFTER_SECONDS",
    "CheckoutOutcome",
    "CreditOutcome",
    "chargeback_notification_apply",
    "chargeback_record",
    "credit_request_parse",
    "dispute_decide",
    "order_abandon",
    "order_checkout",
    "order_payment_outcome",
    "order_payment_review_decide",
    "order_summary",
    "payment_outcome_apply",
    "seller_order_cancel",
    "seller_order_complete",
    "seller_order_credit",
    "seller_order_money_refund",
    "seller_order_refund",
    "seller_orders_release_due",
]

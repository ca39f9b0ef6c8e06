"""Error codes the checkout app raises (the `code` of its ApplicationErrors). Codes of the orders and payments
steps it calls come from `comptoir.orders.errors` and `comptoir.payments.errors`."""

from comptoir.orders.errors import DISPUTE_NOT_FOUND, ORDER_NOT_FOUND, SELLER_ORDER_NOT_FOUND
from comptoir.payments.errors import PAYMENT_NOT_FOUND

INVALID_PAYMENT_METHOD = "invalid_payment_method"
PAYMENT_DECLINED = "payment_declined"
IDEMPOTENCY_IN_PROGRESS = "idempotency_in_progress"
NOT_UNDER_REVIEW = "not_under_review"
DISPUTE_OPEN = "dispute_open"
HOLD_NOT_ELAPSED = "hold_not_elapsed"
SELLER_ORDER_REQUIRED = "seller_order_required"
SELLER_ORDER_MISMATCH = "seller_order_mismatch"
CONVERTED_CHARGEBACK_UNSUPPORTED = "converted_chargeback_unsupported"
INVALID_VAT_NUMBER = "invalid_vat_number"
NOT_RELEASED = "not_released"
NOT_CAPTURED = "not_captured"
INVALID_CREDIT = "invalid_credit"
VAT_NUMBER_COUNTRY_MISMATCH = "vat_number_country_mismatch"

__all__ = [
    "CONVERTED_CHARGEBACK_UNSUPPORTED",
    "DISPUTE_NOT_FOUND",
    "DISPUTE_OPEN",
    "HOLD_NOT_ELAPSED",
    "IDEMPOTENCY_IN_PROGRESS",
    "INVALID_CREDIT",
    "INVALID_PAYMENT_METHOD",
    "INVALID_VAT_NUMBER",
    "NOT_CAPTURED",
    "NOT_RELEASED",
    "NOT_UNDER_REVIEW",
    "ORDER_NOT_FOUND",
    "PAYMENT_DECLINED",
    "PAYMENT_NOT_FOUND",
    "SELLER_ORDER_MISMATCH",
    "SELLER_ORDER_NOT_FOUND",
    "SELLER_ORDER_REQUIRED",
    "VAT_NUMBER_COUNTRY_MISMATCH",
]

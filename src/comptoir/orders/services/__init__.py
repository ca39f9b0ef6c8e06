"""Writes of the orders app, one concern per module: the cart, order placement from a priced draft, the
payment state of an order, the seller-order lifecycle, returns, disputes and the release bookkeeping.

Nothing here moves money or talks to a payment provider: checkout, payment outcomes, cancellations with refunds,
releases and dispute decisions are orchestrated by `comptoir.checkout.services`, which calls these."""

from comptoir.orders.services.cart import (
    cart_clear,
    cart_get_or_create,
    cart_line_inputs,
    cart_line_remove,
    cart_line_set,
    cart_lines_remove,
    validate_quantity,
)
from comptoir.orders.services.credit_notes import (
    credit_note_find,
    credit_note_write,
    seller_order_creditable_lines,
)
from comptoir.orders.services.disputes import (
    dispute_decision_record,
    dispute_decision_validate,
    dispute_lock_open,
    dispute_open,
    seller_order_has_open_dispute,
)
from comptoir.orders.services.lifecycle import (
    publish_transitioned,
    seller_order_accept,
    seller_order_event_record,
    seller_order_lock,
    seller_order_mark_delivered,
    seller_order_quantities,
    seller_order_ship,
    seller_order_transition,
    seller_orders_transition,
)
from comptoir.orders.services.numbers import new_order_number, order_numbers_from
from comptoir.orders.services.payment_state import (
    order_lock_for_payment,
    order_mark_failed,
    order_mark_paid,
    order_mark_review,
)
from comptoir.orders.services.placement import (
    ADDRESS_FIELDS,
    address_clean,
    draft_tax_lines,
    lines_parse,
    order_draft_price,
    order_place,
    order_stock_take,
    order_tax_lines,
    order_write,
    remember_seller_orders,
    shipping_choices_parse,
)
from comptoir.orders.services.release import (
    seller_order_ids_due_for_release,
    seller_order_refunded_add,
)
from comptoir.orders.services.returns import (
    seller_order_receive_return,
    seller_order_request_return,
    seller_order_return_accept,
    seller_return_policy_set,
)

__all__ = [
    "ADDRESS_FIELDS",
    "address_clean",
    "cart_clear",
    "cart_get_or_create",
    "cart_line_inputs",
    "cart_line_remove",
    "cart_line_set",
    "cart_lines_remove",
    "credit_note_find",
    "credit_note_write",
    "dispute_decision_record",
    "dispute_decision_validate",
    "dispute_lock_open",
    "dispute_open",
    "draft_tax_lines",
    "lines_parse",
    "new_order_number",
    "order_draft_price",
    "order_lock_for_payment",
    "order_mark_failed",
    "order_mark_paid",
    "order_mark_review",
    "order_numbers_from",
    "order_place",
    "order_stock_take",
    "order_tax_lines",
    "order_write",
    "publish_transitioned",
    "remember_seller_orders",
    "seller_order_accept",
    "seller_order_creditable_lines",
    "seller_order_event_record",
    "seller_order_has_open_dispute",
    "seller_order_ids_due_for_release",
    "seller_order_lock",
    "seller_order_mark_delivered",
    "seller_order_quantities",
    "seller_order_receive_return",
    "seller_order_refunded_add",
    "seller_order_request_return",
    "seller_order_return_accept",
    "seller_order_ship",
    "seller_order_transition",
    "seller_orders_transition",
    "seller_return_policy_set",
    "shipping_choices_parse",
    "validate_quantity",
]

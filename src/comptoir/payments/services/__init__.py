"""Writes of the payments app, one concern per module: the ledger, payments and refunds, payouts, chargebacks.

Payments knows orders only by id. Flows that span an order and its money (checkout, payment outcomes, refunds of
seller orders, releases, chargebacks on a seller order) are orchestrated by `comptoir.checkout.services`."""

from comptoir.payments.services.chargebacks import (
    ChargebackOutcome,
    ChargebackTarget,
    chargeback_input_clean,
    chargeback_post,
    seller_payable_available_locked,
)
from comptoir.payments.services.ledger import ledger_accounts_get_or_create, ledger_post, payment_captured_post_new
from comptoir.payments.services.payments import payment_record, refund_create
from comptoir.payments.services.payouts import payout_batch_create

__all__ = [
    "ChargebackOutcome",
    "ChargebackTarget",
    "chargeback_input_clean",
    "chargeback_post",
    "ledger_accounts_get_or_create",
    "ledger_post",
    "payment_captured_post_new",
    "payment_record",
    "payout_batch_create",
    "refund_create",
    "seller_payable_available_locked",
]

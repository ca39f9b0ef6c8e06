"""Reads of checkout state: the outcome stored under a buyer's Idempotency-Key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from comptoir.checkout.services.placement import IDEMPOTENCY_SCOPE, CheckoutOutcome, stored_order_number, stored_outcome
from comptoir.core.models import IdempotencyRecord
from comptoir.orders.models import Order

if TYPE_CHECKING:
    from comptoir.accounts.models import User


@dataclass(frozen=True)
class CheckoutProgress:
    """Where the buyer's checkout under one key stands: not started (`is_known` False), running (`outcome` None),
    or finished with its outcome."""

    is_known: bool
    outcome: CheckoutOutcome | None

    @property
    def is_running(self) -> bool:
        return self.is_known and self.outcome is None


def checkout_progress_for_key(*, buyer: User, idempotency_key: str) -> CheckoutProgress:
    """The state of the buyer's checkout with this Idempotency-Key (order_checkout claims keys as
    f"user:{buyer.pk}"). Lets a form submitted twice land on the first result, or on a page that waits for it,
    even after the cart was emptied by the first submission."""
    record = IdempotencyRecord.objects.filter(
        actor_key=f"user:{buyer.pk}", key=idempotency_key, scope=IDEMPOTENCY_SCOPE
    ).first()
    if record is None:
        return CheckoutProgress(is_known=False, outcome=None)
    if record.response_status is None:
        return CheckoutProgress(is_known=True, outcome=None)
    number = stored_order_number(record)
    order = Order.objects.filter(buyer=buyer, number=number).first() if number else None
    return CheckoutProgress(is_known=True, outcome=stored_outcome(record, order))


def checkout_outcome_for_key(*, buyer: User, idempotency_key: str) -> CheckoutOutcome | None:
    """The stored outcome of the buyer's finished checkout with this Idempotency-Key; None when the key is unused
    or its checkout is still running."""
    return checkout_progress_for_key(buyer=buyer, idempotency_key=idempotency_key).outcome

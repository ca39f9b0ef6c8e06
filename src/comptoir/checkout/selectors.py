"""Reads that span orders and payments: the checkout outcome stored under a buyer's Idempotency-Key, and the
seller's ledger statement with its seller orders named."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from comptoir.checkout.services.placement import IDEMPOTENCY_SCOPE, CheckoutOutcome, stored_order_number, stored_outcome
from comptoir.core.models import IdempotencyRecord
from comptoir.orders.models import Order, SellerOrder
from comptoir.payments import selectors as payment_selectors

if TYPE_CHECKING:
    import datetime as dt

    from comptoir.accounts.models import User
    from comptoir.payments.selectors import StatementRow
    from comptoir.sellers.models import Seller


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
    if order is None:  # a finished checkout always has its order (never deleted); treat a broken record as unknown
        return CheckoutProgress(is_known=False, outcome=None)
    return CheckoutProgress(is_known=True, outcome=stored_outcome(record, order))


def checkout_outcome_for_key(*, buyer: User, idempotency_key: str) -> CheckoutOutcome | None:
    """The stored outcome of the buyer's finished checkout with this Idempotency-Key; None when the key is unused
    or its checkout is still running."""
    return checkout_progress_for_key(buyer=buyer, idempotency_key=idempotency_key).outcome


def seller_order_numbers(seller_id: int, seller_order_ids: set[int], order_ids: set[int]) -> dict[tuple[str, int], str]:
    """Names for the seller's statement rows: ("so", seller order id) -> its number, and ("order", order id) -> the
    number of the seller's seller order in that order (a capture is posted per order)."""
    numbers: dict[tuple[str, int], str] = {}
    if seller_order_ids:
        numbers.update(
            {
                ("so", pk): number
                for pk, number in SellerOrder.objects.filter(pk__in=seller_order_ids).values_list("pk", "number")
            }
        )
    if order_ids:
        numbers.update(
            {
                ("order", order_id): number
                for order_id, number in SellerOrder.objects.filter(
                    order_id__in=order_ids, seller_id=seller_id
                ).values_list("order_id", "number")
            }
        )
    return numbers


def seller_statement(
    *, seller: Seller, currency: str, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[StatementRow]:
    """payments.selectors.seller_statement with each row's seller order named."""
    return payment_selectors.seller_statement(
        seller=seller, currency=currency, since=since, until=until, name_seller_orders=seller_order_numbers
    )


def seller_statement_csv(
    *, seller: Seller, currency: str, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> str:
    """payments.selectors.seller_statement_csv with each row's seller order named."""
    return payment_selectors.seller_statement_csv(
        seller=seller, currency=currency, since=since, until=until, name_seller_orders=seller_order_numbers
    )

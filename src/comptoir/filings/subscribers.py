"""What the filings app listens to (registered by FilingsConfig.ready).

- orders `SellerOrderTransitioned` (batch, after the commit): a paid, cancelled (paid or not) or refunded seller order
  may change its seller's intra-EU distance sales: one task per transaction counts them
  (`services.distance_sales_count`);
- orders `CreditNoteIssued` (batch): a credit note (a partial or full refund) reduces them: counted again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from comptoir.orders.events import CreditNoteIssued, SellerOrderTransitioned

# `payment_failed`: a seller order counted when it was placed (awaiting payment) and cancelled unpaid leaves the count.
COUNTED_ACTIONS = frozenset({"payment_captured", "payment_failed", "cancel", "refund"})


def on_seller_orders_transitioned(events: Sequence[SellerOrderTransitioned]) -> None:
    from comptoir.filings.tasks import distance_sales_count_task

    ids = sorted({event.seller_order_id for event in events if event.action in COUNTED_ACTIONS})
    if ids:
        only_new = all(event.action == "payment_captured" for event in events if event.action in COUNTED_ACTIONS)
        distance_sales_count_task.enqueue(seller_order_ids=ids, only_new=only_new)


def on_credit_notes_issued(events: Sequence[CreditNoteIssued]) -> None:
    from comptoir.filings.tasks import distance_sales_count_task

    distance_sales_count_task.enqueue(seller_order_ids=sorted({event.seller_order_id for event in events}))


def connect() -> None:
    from comptoir.core.events import subscribe_batch
    from comptoir.orders.events import CreditNoteIssued, SellerOrderTransitioned

    subscribe_batch(SellerOrderTransitioned, on_seller_orders_transitioned)
    subscribe_batch(CreditNoteIssued, on_credit_notes_issued)

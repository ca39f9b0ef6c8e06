"""What trust listens to on the event bus; `connect` is called by TrustConfig.ready.

- `SellerOrderTransitioned` (orders, batch): the transitions of one committed transaction that change a metric fold
  into the sellers' evidence through one task.
- `SellerOnboarded` (sellers): the new seller's identity is fingerprinted and linked (anti-whitewashing).
- `OfferChanged` (offers): the seller's listing-transparency signal is refreshed.

Handlers only enqueue tasks after the commit (the work runs in trust/tasks.py) and let every exception propagate:
called inside the publisher's transaction, a failure fails the publisher's operation; called after its commit,
the bus logs it with its traceback (core/events.py)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction

from comptoir.trust import tasks
from comptoir.trust.domain.evidence import METRIC_ACTIONS

if TYPE_CHECKING:
    from comptoir.offers.events import OfferChanged, OffersChanged
    from comptoir.orders.events import SellerOrderTransitioned
    from comptoir.sellers.events import SellerOnboarded


def on_seller_orders_transitioned(events: Sequence[SellerOrderTransitioned]) -> None:
    """Batch subscriber, called after the commit with every SellerOrderTransitioned of that transaction: one task for
    the whole commit (a checkout of n seller orders enqueues one task, not n), none when no fact changes a metric
    (create, payment_failed, complete, dispute_opened, receive_return, refund, …)."""
    facts = [[event.seller_order_id, f"event:{event.event_id}"] for event in events if event.action in METRIC_ACTIONS]
    if facts:
        tasks.evidence_apply_batch_task.enqueue(facts=facts)


def on_seller_onboarded(event: SellerOnboarded) -> None:
    transaction.on_commit(functools.partial(tasks.seller_identity_link_task.enqueue, seller_id=event.seller_id))


def on_offer_changed(event: OfferChanged | OffersChanged) -> None:
    """One offer, or a bulk update of many (`OffersChanged`): one listing-completeness task for the seller."""
    transaction.on_commit(functools.partial(tasks.listing_completeness_task.enqueue, seller_id=event.seller_id))


def connect() -> None:
    from comptoir.core.events import subscribe, subscribe_batch
    from comptoir.offers.events import OfferChanged, OffersChanged
    from comptoir.orders.events import SellerOrderTransitioned
    from comptoir.sellers.events import SellerOnboarded

    subscribe_batch(SellerOrderTransitioned, on_seller_orders_transitioned)
    subscribe(SellerOnboarded, on_seller_onboarded)
    subscribe(OfferChanged, on_offer_changed)
    subscribe(OffersChanged, on_offer_changed)

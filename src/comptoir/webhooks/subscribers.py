"""Webhooks follow the other domains through the event bus (core/events.py); registered by WebhooksConfig.

Every handler is a batch subscriber, called after the publisher's commit (or just before it with the database task
backend, see `events.deliver_batch_before_commit`) with the facts of one transaction: it turns them into
`WebhookFact`s and queues one task, which finds the subscribed endpoints and creates the deliveries. A rolled-back
fact is never sent.

- orders `SellerOrderTransitioned`: `payment_captured` → order.created (the seller order is placed and paid: to
  fulfil), `cancel` → order.cancelled, `ship` → order.shipped;
- offers `OffersRanOutOfStock` → offer.out_of_stock, one per offer;
- payments `PayoutSent` → payout.sent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from comptoir.offers.events import OffersRanOutOfStock
    from comptoir.orders.events import SellerOrderTransitioned
    from comptoir.payments.events import PayoutSent
    from comptoir.webhooks.services import WebhookFact

ORDER_ACTIONS = {"payment_captured": "order.created", "cancel": "order.cancelled", "ship": "order.shipped"}


def _dispatch(facts: list[WebhookFact]) -> None:
    from comptoir.webhooks.tasks import webhook_facts_dispatch_task

    if facts:
        webhook_facts_dispatch_task.enqueue(facts=[fact.as_task_argument() for fact in facts])


def on_seller_orders_transitioned(events: Sequence[SellerOrderTransitioned]) -> None:
    from comptoir.webhooks.services import WebhookFact

    _dispatch(
        [
            WebhookFact(
                event_type=ORDER_ACTIONS[event.action],
                seller_id=event.seller_id,
                source_key=f"seller-order-event:{event.event_id}",
                object_id=event.seller_order_id,
                at=event.at,
            )
            for event in events
            if event.action in ORDER_ACTIONS
        ]
    )


def on_offers_ran_out_of_stock(events: Sequence[OffersRanOutOfStock]) -> None:
    from comptoir.webhooks.services import WebhookFact

    _dispatch(
        [
            WebhookFact(
                event_type="offer.out_of_stock",
                seller_id=event.seller_id,
                source_key=f"offer-out-of-stock:{offer_id}:{event.at.isoformat()}",
                object_id=offer_id,
                at=event.at,
            )
            for event in events
            for offer_id in event.offer_ids
        ]
    )


def on_payouts_sent(events: Sequence[PayoutSent]) -> None:
    from comptoir.webhooks.services import WebhookFact

    _dispatch(
        [
            WebhookFact(
                event_type="payout.sent",
                seller_id=event.seller_id,
                source_key=f"payout:{event.payout_id}",
                object_id=event.payout_id,
                at=event.at,
            )
            for event in events
        ]
    )


def connect() -> None:
    from comptoir.core.events import subscribe_batch
    from comptoir.offers.events import OffersRanOutOfStock
    from comptoir.orders.events import SellerOrderTransitioned
    from comptoir.payments.events import PayoutSent

    subscribe_batch(SellerOrderTransitioned, on_seller_orders_transitioned)
    subscribe_batch(OffersRanOutOfStock, on_offers_ran_out_of_stock)
    subscribe_batch(PayoutSent, on_payouts_sent)

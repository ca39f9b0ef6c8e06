"""Notifications follow the other domains through the event bus (core/events.py); registered by NotificationsConfig.

Handlers only queue a task for when the publisher's transaction commits (`transaction.on_commit`; at once when the
event is delivered after the commit already): a rolled-back fact notifies nobody, and the publisher's transaction
renders and sends nothing. The task (tasks.py) decides the recipients and creates the notifications.

- orders `SellerOrderTransitioned` (batch): order confirmed, new order, shipped, delivered, cancelled, refunded,
  dispute opened and decided;
- sellers `SellerStatusChanged`: application approved or rejected;
- trust `EnforcementNoticeIssued`, `AppealDecided`, `MessageSent`: notice of a measure, appeal decided, message;
- payments `PayoutSent`: payout;
- filings `Dac7NoticeIssued`: what the marketplace will report about the seller's year (DAC7)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:
    from comptoir.filings.events import Dac7NoticeIssued
    from comptoir.orders.events import SellerOrderTransitioned
    from comptoir.payments.events import PayoutSent
    from comptoir.sellers.events import SellerStatusChanged
    from comptoir.trust.events import AppealDecided, EnforcementNoticeIssued, MessageSent

# The seller-order history actions someone is told about.
NOTIFIED_ACTIONS = frozenset(
    {"payment_captured", "ship", "deliver", "cancel", "request_return", "refund", "dispute_opened", "dispute_decided"}
)


def on_seller_orders_transitioned(events: Sequence[SellerOrderTransitioned]) -> None:
    """Batch subscriber (after the commit): one task for the notified transitions of the transaction."""
    from comptoir.notifications.tasks import seller_order_events_notify_task

    event_ids = [event.event_id for event in events if event.action in NOTIFIED_ACTIONS]
    if event_ids:
        seller_order_events_notify_task.enqueue(event_ids=event_ids)


def on_seller_status_changed(event: SellerStatusChanged) -> None:
    from comptoir.notifications.tasks import seller_status_notify_task

    transaction.on_commit(
        functools.partial(
            seller_status_notify_task.enqueue,
            seller_id=event.seller_id,
            previous_status=event.previous_status,
            status=event.status,
        )
    )


def on_enforcement_notice_issued(event: EnforcementNoticeIssued) -> None:
    from comptoir.notifications.tasks import enforcement_notice_notify_task

    transaction.on_commit(
        functools.partial(
            enforcement_notice_notify_task.enqueue,
            enforcement_action_id=event.enforcement_action_id,
            seller_id=event.seller_id,
            kind=event.kind,
            manual=event.manual,
        )
    )


def on_appeal_decided(event: AppealDecided) -> None:
    from comptoir.notifications.tasks import appeal_decided_notify_task

    transaction.on_commit(
        functools.partial(
            appeal_decided_notify_task.enqueue,
            appeal_id=event.appeal_id,
            seller_id=event.seller_id,
            accepted=event.accepted,
        )
    )


def on_message_sent(event: MessageSent) -> None:
    from comptoir.notifications.tasks import message_notify_task

    transaction.on_commit(functools.partial(message_notify_task.enqueue, message_id=event.message_id))


def on_payout_sent(event: PayoutSent) -> None:
    from comptoir.notifications.tasks import payout_notify_task

    transaction.on_commit(functools.partial(payout_notify_task.enqueue, payout_id=event.payout_id))


def on_dac7_notice_issued(event: Dac7NoticeIssued) -> None:
    from comptoir.notifications.tasks import dac7_notice_notify_task

    transaction.on_commit(functools.partial(dac7_notice_notify_task.enqueue, notice_id=event.notice_id))


def connect() -> None:
    from comptoir.core.events import subscribe, subscribe_batch
    from comptoir.filings.events import Dac7NoticeIssued
    from comptoir.orders.events import SellerOrderTransitioned
    from comptoir.payments.events import PayoutSent
    from comptoir.sellers.events import SellerStatusChanged
    from comptoir.trust.events import AppealDecided, EnforcementNoticeIssued, MessageSent

    subscribe_batch(SellerOrderTransitioned, on_seller_orders_transitioned)
    subscribe(SellerStatusChanged, on_seller_status_changed)
    subscribe(EnforcementNoticeIssued, on_enforcement_notice_issued)
    subscribe(AppealDecided, on_appeal_decided)
    subscribe(MessageSent, on_message_sent)
    subscribe(PayoutSent, on_payout_sent)
    subscribe(Dac7NoticeIssued, on_dac7_notice_issued)

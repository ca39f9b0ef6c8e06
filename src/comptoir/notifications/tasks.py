"""Background work of notifications (Django Tasks API). Every task is idempotent: notifications are keyed on the
fact they tell (`Notification.dedupe_key`) and an email is claimed before it is sent, so a retry or a second
worker notifies nobody twice."""

from __future__ import annotations

from django.tasks import task

from comptoir.notifications import reactions
from comptoir.notifications.emails import notification_email_send


@task()
def notification_email_task(notification_id: int) -> bool:
    """Email one notification in its recipient's language (text and HTML). Returns whether it was sent now."""
    return notification_email_send(notification_id=notification_id)


@task()
def seller_order_events_notify_task(event_ids: list[int]) -> int:
    return reactions.notify_seller_order_events(event_ids=event_ids)


@task()
def seller_status_notify_task(seller_id: int, previous_status: str, status: str) -> int:
    return reactions.notify_seller_status_changed(seller_id=seller_id, previous_status=previous_status, status=status)


@task()
def enforcement_notice_notify_task(enforcement_action_id: int, seller_id: int, kind: str, manual: bool) -> int:
    return reactions.notify_enforcement_notice(
        enforcement_action_id=enforcement_action_id, seller_id=seller_id, kind=kind, manual=manual
    )


@task()
def appeal_decided_notify_task(appeal_id: int, seller_id: int, accepted: bool) -> int:
    return reactions.notify_appeal_decided(appeal_id=appeal_id, seller_id=seller_id, accepted=accepted)


@task()
def message_notify_task(message_id: int) -> int:
    return reactions.notify_message_sent(message_id=message_id)


@task()
def payout_notify_task(payout_id: int) -> int:
    return reactions.notify_payout_sent(payout_id=payout_id)


@task()
def late_to_ship_notify_task(limit: int = 500) -> int:
    """Run by the scheduler: tell sellers about orders past their ship-by date (once per seller order)."""
    return reactions.notify_late_to_ship(limit=limit)


@task()
def dac7_notice_notify_task(notice_id: int) -> int:
    return reactions.notify_dac7_notice(notice_id=notice_id)

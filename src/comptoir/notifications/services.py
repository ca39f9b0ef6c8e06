"""Writes of the notifications app: create a notification (and queue its email), mark read, set preferences."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from comptoir.core import clock
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.notifications import errors
from comptoir.notifications.kinds import KINDS_BY_CODE
from comptoir.notifications.models import Channel, Notification, NotificationPreference
from comptoir.notifications.selectors import notification_email_enabled

if TYPE_CHECKING:
    from comptoir.accounts.models import User


def notification_send(*, recipient: User, kind: str, params: dict[str, Any], dedupe_key: str) -> Notification | None:
    """Notify `recipient` once of the fact named `dedupe_key`: an on-site notification always, and an email (sent
    by `notification_email_task` after the commit) unless the recipient turned that kind of email off.

    Idempotent: a second call with the same recipient and key changes nothing and returns None (a retried task,
    a redelivered event). Inactive users are not notified (None). Raises ValidationError for an unknown kind."""
    if kind not in KINDS_BY_CODE:
        raise ValidationError(f"Unknown notification kind {kind!r}.", code=errors.UNKNOWN_KIND)
    if not recipient.is_active:
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, kind=kind, params=params, dedupe_key=dedupe_key[:120], created_at=clock.now()
            )
    except IntegrityError:
        return None  # already notified of this fact
    if notification_email_enabled(user=recipient, kind=kind):
        from comptoir.notifications.tasks import notification_email_task

        transaction.on_commit(functools.partial(notification_email_task.enqueue, notification_id=notification.pk))
    return notification


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of `user`'s notifications read (again: no change). Raises NotFound for another user's."""
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is None:
        raise NotFound("No such notification.", code=errors.NOTIFICATION_NOT_FOUND)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=clock.now())
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of `user` read; returns how many were unread."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=clock.now())


def notification_preference_set(*, user: User, kind: str, channel: str = Channel.EMAIL, is_enabled: bool) -> None:
    """Turn one kind of notification on or off on a channel for `user` (the on-site centre always shows every
    kind). Idempotent. Raises ValidationError for an unknown kind or channel."""
    if kind not in KINDS_BY_CODE:
        raise ValidationError(f"Unknown notification kind {kind!r}.", code=errors.UNKNOWN_KIND, fields={"kind": kind})
    if channel not in Channel.values:
        raise ValidationError(f"Unknown channel {channel!r}.", code=errors.UNKNOWN_CHANNEL, fields={"channel": channel})
    NotificationPreference.objects.update_or_create(
        user=user, kind=kind, channel=channel, defaults={"is_enabled": is_enabled, "updated_at": clock.now()}
    )


def notification_preferences_save(*, user: User, email_enabled_kinds: set[str], kinds: list[str]) -> None:
    """Save the preferences page: email on for the kinds in `email_enabled_kinds`, off for the other `kinds`."""
    with transaction.atomic():
        for kind in kinds:
            notification_preference_set(user=user, kind=kind, is_enabled=kind in email_enabled_kinds)

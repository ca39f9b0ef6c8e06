"""Reads of the notifications app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from comptoir.notifications.kinds import Kind, kinds_for
from comptoir.notifications.models import Channel, Notification, NotificationPreference

if TYPE_CHECKING:
    from comptoir.accounts.models import User


def notification_list_for_user(*, user: User) -> QuerySet[Notification]:
    """The user's notifications, newest first (another user's never)."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_email_enabled(*, user: User, kind: str) -> bool:
    """Whether `user` wants an email for this kind (on unless they turned it off)."""
    preference = (
        NotificationPreference.objects.filter(user=user, kind=kind, channel=Channel.EMAIL)
        .values_list("is_enabled", flat=True)
        .first()
    )
    return True if preference is None else preference


def notification_preferences_for_user(*, user: User) -> list[tuple[Kind, bool]]:
    """Each kind the user can receive with whether its email is on, in the kinds' order."""
    is_seller_member = user.seller_memberships.exists()
    chosen = dict(
        NotificationPreference.objects.filter(user=user, channel=Channel.EMAIL).values_list("kind", "is_enabled")
    )
    return [(kind, chosen.get(kind.code, True)) for kind in kinds_for(is_seller_member=is_seller_member)]

"""The notifications app's settings, typed. Read on each call (so `override_settings` applies)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class NotificationsSettings:
    site_url: str  # scheme and host that links in emails start with, without a trailing slash


def notifications_settings() -> NotificationsSettings:
    return NotificationsSettings(
        site_url=str(getattr(settings, "COMPTOIR_SITE_URL", "http://127.0.0.1:8000")).rstrip("/")
    )

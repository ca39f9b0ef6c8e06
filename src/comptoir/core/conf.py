"""The core's settings, typed. Read on each call (so `override_settings` applies)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class CoreSettings:
    encryption_keys: tuple[str, ...]  # Fernet keys, the first encrypts, every one decrypts (rotation)
    use_time_zone: bool


def core_settings() -> CoreSettings:
    return CoreSettings(encryption_keys=tuple(settings.COMPTOIR_ENCRYPTION_KEYS), use_time_zone=bool(settings.USE_TZ))

"""The accounts app's settings, typed. Read on each call (so `override_settings` applies)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class AccountsSettings:
    password_resets_per_email_per_hour: int
    password_resets_per_ip_per_hour: int


def accounts_settings() -> AccountsSettings:
    limits = settings.COMPTOIR_PASSWORD_RESET_LIMITS
    return AccountsSettings(
        password_resets_per_email_per_hour=int(limits["PER_EMAIL_PER_HOUR"]),
        password_resets_per_ip_per_hour=int(limits["PER_IP_PER_HOUR"]),
    )


@dataclass(frozen=True)
class LoginRateLimit:
    attempts_per_ip: int
    period_seconds: int


def login_rate_limit() -> LoginRateLimit:
    """Password attempts allowed from one client IP, across accounts (web login and API token together)."""
    limits = settings.COMPTOIR_LOGIN_RATE_LIMIT
    return LoginRateLimit(attempts_per_ip=int(limits["PER_IP"]), period_seconds=int(limits["PERIOD_SECONDS"]))

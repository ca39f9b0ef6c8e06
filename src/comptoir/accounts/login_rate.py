"""How many passwords one client address may try, across accounts.

django-axes locks an email from one address after a few failures; that does not stop one address from trying a
common password on many accounts. So every password attempt (the web login form and POST /api/v1/auth/token
alike) is also counted per client IP in the shared throttle cache (`core.ratelimit`): COMPTOIR_LOGIN_RATE_LIMIT
allows 20 a minute by default, for all server processes together."""

from __future__ import annotations

from comptoir.accounts.conf import login_rate_limit
from comptoir.core.ratelimit import RateLimit, rate_limit_hit

SCOPE = "login"


def login_attempt_admit(*, ip_address: str | None) -> float | None:
    """Count one password attempt from `ip_address`.

    Returns None when it is admitted, else the seconds to wait before the address may try again. An unknown
    address (no REMOTE_ADDR) is counted under one shared identity rather than let through."""
    limits = login_rate_limit()
    rule = RateLimit(scope=SCOPE, limit=limits.attempts_per_ip, period_seconds=limits.period_seconds)
    return rate_limit_hit(rule, identity=ip_address or "unknown")

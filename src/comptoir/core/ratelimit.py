"""Request rate limits counted in a cache that every server process shares.

A limit allows about `limit` requests per `period_seconds` for one identity (a client IP) in a scope. Counts run
in fixed windows, and a request is judged on a sliding estimate: the current window's count plus the previous
window's, weighted by how much of the previous window still lies within the last period. So a burst at the end
of one window is still remembered at the start of the next (a fixed window alone would let twice the limit
through around each boundary). The counter of the current window is created with `add` (atomic on every Django
backend) and bumped with `incr` (atomic on Redis, on `core.cache.AtomicDatabaseCache`, and within a process on
the local-memory cache), so two workers, or two machines on one database, share one count: with 2 processes, 20
a minute stays 20.

The cache is settings.CACHES["throttle"]: the database (table `comptoir_cache`, created by the core migrations) by
default, Redis when COMPTOIR_CACHE_URL (or REDIS_URL) is set. Identities are stored as SHA-256 digests."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import caches

THROTTLE_CACHE = "throttle"


@dataclass(frozen=True)
class RateLimit:
    scope: str
    limit: int
    period_seconds: int


def rate_limit_hit(
    rule: RateLimit, *, identity: str, cache_alias: str = THROTTLE_CACHE, clock: Callable[[], float] = time.time
) -> float | None:
    """Count one request of `identity` under `rule`.

    Returns None when the request is within the limit, else the seconds until the window ends (for Retry-After).
    A refused request is counted too, so hammering does not shorten the wait."""
    cache = caches[cache_alias]
    now = clock()
    period = rule.period_seconds
    window = int(now // period)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    key = f"ratelimit:{rule.scope}:{digest}:{window}"
    # A window's counter lives two periods: the next window still weighs it.
    cache.add(key, 0, timeout=2 * period + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr (a clock at the window's edge): start it again
        cache.add(key, 1, timeout=2 * period + 5)
        count = 1
    previous = cache.get(f"ratelimit:{rule.scope}:{digest}:{window - 1}", 0)
    elapsed = (now - window * period) / period
    if count + previous * (1 - elapsed) <= rule.limit:
        return None
    if count > rule.limit or previous == 0:
        return max(1.0, (window + 1) * period - now)
    # Within this window: the previous window's weight must fall until one more request fits.
    admitted_from = 1 - (rule.limit - count) / previous
    return max(1.0, (admitted_from - elapsed) * period)

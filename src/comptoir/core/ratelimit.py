"""Request rate limits counted in a cache that every server process shares.

A limit allows `limit` requests per `period_seconds` for one identity (a client IP) in a scope, counted in fixed
windows: the counter of the current window is created with `add` (atomic on every Django backend) and bumped with
`incr` (atomic on Redis, on `core.cache.AtomicDatabaseCache`, and within a process on the local-memory cache of
tests). So two workers, or two machines on one database, share one count: with 2 processes, 20 a minute stays 20.

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
    window = int(now // rule.period_seconds)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    key = f"ratelimit:{rule.scope}:{digest}:{window}"
    # The window's counter outlives the window a little, so a late incr never finds it gone.
    cache.add(key, 0, timeout=rule.period_seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr (a clock at the window's edge): start it again
        cache.add(key, 1, timeout=rule.period_seconds + 5)
        count = 1
    if count <= rule.limit:
        return None
    return max(1.0, (window + 1) * rule.period_seconds - now)

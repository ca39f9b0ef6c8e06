"""Signing webhook requests and the retry schedule. Pure: no Django, tested without a database.

A request carries `Comptoir-Signature: t=<unix seconds>,v1=<hex>`, where hex is the HMAC-SHA256, keyed with the
endpoint's secret, of `<t>.<raw body>`. The receiver recomputes it over the bytes it received and refuses a
timestamp too far from its clock (a captured request cannot be replayed later). Several `v1=` values may appear
while a secret is being rotated; one matching is enough."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "Comptoir-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of `<timestamp>.<body>` keyed with `secret`."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(*, secrets: list[str], timestamp: int, body: bytes) -> str:
    """The header value: `t=<timestamp>,v1=<hex>` with one v1 per secret (the current one first)."""
    return ",".join([f"t={timestamp}", *(f"v1={signature(secret=s, timestamp=timestamp, body=body)}" for s in secrets)])


def signature_verify(
    *, secret: str, header: str, body: bytes, now: int, tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS
) -> bool:
    """Whether `header` signs `body` with `secret` at a timestamp within `tolerance_seconds` of `now`."""
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            timestamp = int(value)
        elif name == "v1":
            candidates.append(value)
    if timestamp is None or abs(now - timestamp) > tolerance_seconds:
        return False
    expected = signature(secret=secret, timestamp=timestamp, body=body)
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)


def retry_delay_seconds(*, attempt: int, base_seconds: int, max_seconds: int) -> int:
    """Seconds to wait after failed attempt number `attempt` (1-based): base × 2^(attempt − 1), capped."""
    return min(max_seconds, base_seconds * 2 ** max(0, attempt - 1))

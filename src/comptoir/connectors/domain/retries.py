"""When to fetch again a picture whose host failed (pure)."""

from __future__ import annotations


def retry_delay_seconds(*, attempt: int, base_seconds: int, max_seconds: int) -> int:
    """The wait after failed attempt `attempt` (1, 2, …): base × 2^(attempt−1), at most `max_seconds`."""
    return min(max_seconds, base_seconds * 2 ** max(0, attempt - 1))

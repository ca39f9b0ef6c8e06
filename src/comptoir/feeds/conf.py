"""The feeds app's settings (`COMPTOIR["FEEDS"]`), typed. Read on each call (so `override_settings` applies)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class FeedsSettings:
    site_url: str  # scheme and host the feed's links point to (COMPTOIR_SITE_URL), no trailing slash
    max_feeds_per_seller: int
    refresh_seconds: int  # the scheduler regenerates every active feed this often
    max_exclusions_listed: int  # offers left out that a feed lists with their reason (all are counted)


def feeds_settings() -> FeedsSettings:
    values = getattr(settings, "COMPTOIR", {}).get("FEEDS", {})
    return FeedsSettings(
        site_url=str(getattr(settings, "COMPTOIR_SITE_URL", "http://127.0.0.1:8000")).rstrip("/"),
        max_feeds_per_seller=int(values.get("MAX_FEEDS_PER_SELLER", 20)),
        refresh_seconds=int(values.get("REFRESH_SECONDS", 6 * 3600)),
        max_exclusions_listed=int(values.get("MAX_EXCLUSIONS_LISTED", 200)),
    )

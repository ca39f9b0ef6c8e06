"""The webhooks app's settings (`COMPTOIR["WEBHOOKS"]`), typed. Read on each call (so `override_settings` applies)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class WebhooksSettings:
    # Endpoints on private, loopback or link-local addresses are refused (SSRF) unless this is on (tests, development).
    allow_private_addresses: bool
    # Plain http:// endpoints are refused unless this is off (tests, development).
    require_https: bool
    timeout_seconds: float  # per attempt: connecting, then each read
    max_attempts: int  # automatic attempts of one delivery, the first included
    retry_base_seconds: int  # wait after the first failure; doubled after each further one
    retry_max_seconds: int
    max_endpoints_per_seller: int


def webhooks_settings() -> WebhooksSettings:
    values = getattr(settings, "COMPTOIR", {}).get("WEBHOOKS", {})
    return WebhooksSettings(
        allow_private_addresses=bool(values.get("ALLOW_PRIVATE_ADDRESSES", False)),
        require_https=bool(values.get("REQUIRE_HTTPS", True)),
        timeout_seconds=float(values.get("TIMEOUT_SECONDS", 10.0)),
        max_attempts=int(values.get("MAX_ATTEMPTS", 8)),
        retry_base_seconds=int(values.get("RETRY_BASE_SECONDS", 30)),
        retry_max_seconds=int(values.get("RETRY_MAX_SECONDS", 6 * 3600)),
        max_endpoints_per_seller=int(values.get("MAX_ENDPOINTS_PER_SELLER", 10)),
    )

"""The connectors app's settings (`COMPTOIR["IMPORTS"]`), typed. Read on each call (so `override_settings` applies)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from comptoir.catalog.conf import catalog_media_settings


@dataclass(frozen=True)
class ImportsSettings:
    # Picture addresses of an import are fetched by a worker within these limits (docs/CONNECTORS.md, "Pictures").
    picture_max_bytes: int  # default: the catalog's picture upload limit
    picture_timeout_seconds: float  # the whole download, redirects included
    picture_max_redirects: int
    # Addresses on private, loopback or link-local networks are refused (SSRF) unless this is on (tests, development).
    allow_private_addresses: bool
    # A fetch that may pass later (timeout, 5xx, no connection) is tried this many times in all, waiting
    # retry_base_seconds x 2^(n-1) (at most retry_max_seconds) after attempt n.
    picture_max_attempts: int
    picture_retry_base_seconds: int
    picture_retry_max_seconds: int


def imports_settings() -> ImportsSettings:
    values = getattr(settings, "COMPTOIR", {}).get("IMPORTS", {})
    return ImportsSettings(
        picture_max_bytes=int(values.get("PICTURE_MAX_BYTES", catalog_media_settings().picture_limits.max_bytes)),
        picture_timeout_seconds=float(values.get("PICTURE_TIMEOUT_SECONDS", 15.0)),
        picture_max_redirects=int(values.get("PICTURE_MAX_REDIRECTS", 3)),
        allow_private_addresses=bool(values.get("ALLOW_PRIVATE_ADDRESSES", False)),
        picture_max_attempts=max(1, int(values.get("PICTURE_MAX_ATTEMPTS", 5))),
        picture_retry_base_seconds=int(values.get("PICTURE_RETRY_BASE_SECONDS", 60)),
        picture_retry_max_seconds=int(values.get("PICTURE_RETRY_MAX_SECONDS", 6 * 3600)),
    )

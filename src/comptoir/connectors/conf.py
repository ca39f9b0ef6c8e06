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


def imports_settings() -> ImportsSettings:
    values = getattr(settings, "COMPTOIR", {}).get("IMPORTS", {})
    return ImportsSettings(
        picture_max_bytes=int(values.get("PICTURE_MAX_BYTES", catalog_media_settings().picture_limits.max_bytes)),
        picture_timeout_seconds=float(values.get("PICTURE_TIMEOUT_SECONDS", 15.0)),
        picture_max_redirects=int(values.get("PICTURE_MAX_REDIRECTS", 3)),
        allow_private_addresses=bool(values.get("ALLOW_PRIVATE_ADDRESSES", False)),
    )

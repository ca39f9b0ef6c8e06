"""The currencies app's settings (COMPTOIR["FX"]), typed, read on each call (so `override_settings` applies).

    COMPTOIR["FX"] = {
        "REFRESH_URL": "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip",  # "" turns the refresh off
        "REFRESH_TIMEOUT_SECONDS": 20,
        "CACHE_SECONDS": 60,  # how long a process trusts its rate table before checking for a newer import
    }

The refresh is off unless REFRESH_URL is set (COMPTOIR_FX_REFRESH_URL): the demo and this project's machines have no
internet."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

ECB_HISTORY_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"


@dataclass(frozen=True)
class FxSettings:
    refresh_url: str
    refresh_timeout_seconds: float
    cache_seconds: float


def fx_settings() -> FxSettings:
    values = getattr(settings, "COMPTOIR", {}).get("FX") or {}
    return FxSettings(
        refresh_url=str(values.get("REFRESH_URL") or ""),
        refresh_timeout_seconds=float(values.get("REFRESH_TIMEOUT_SECONDS", 20)),
        cache_seconds=float(values.get("CACHE_SECONDS", 60)),
    )

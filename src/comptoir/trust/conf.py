"""The trust app's settings, typed: read from Django settings on each call (so `override_settings` works).

Services, selectors, tasks and the rebuild read settings through `trust_settings()`, never `settings.X`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from comptoir.trust.domain.config import trust_config


@dataclass(frozen=True)
class TrustSettings:
    #: COMPTOIR_TRUST merged over `domain.config.DEFAULTS`: the dict every pure trust computation receives.
    rules: dict[str, Any]
    #: Keys the HMACs of identity facts and shipping addresses (never stored in clear).
    secret_key: str
    #: Worker processes of the batch rebuild (COMPTOIR["TRUST_REBUILD_WORKERS"]); 0: one per core.
    rebuild_workers: int
    #: Django's USE_TZ: how the rebuild reads timestamp columns back.
    use_tz: bool

    @property
    def score_horizon_days(self) -> int:
        return int(self.rules["score_horizon_days"])

    @property
    def appeal_days(self) -> int:
        return int(self.rules["enforcement"]["appeal_days"])

    @property
    def visibility_after_days(self) -> int:
        return int(self.rules["enforcement"]["visibility_after_days"])

    @property
    def minimum_images(self) -> int:
        return int(self.rules["transparency"]["minimum_images"])

    @property
    def api_key_max_age_days(self) -> int:
        return int(self.rules["security"]["api_key_max_age_days"])

    @property
    def identity_facts(self) -> tuple[str, ...]:
        return tuple(self.rules["identity_facts"])


def trust_settings() -> TrustSettings:
    """The trust settings as they are now."""
    comptoir = getattr(settings, "COMPTOIR", None) or {}
    return TrustSettings(
        rules=trust_config(getattr(settings, "COMPTOIR_TRUST", None)),
        secret_key=str(settings.SECRET_KEY),
        rebuild_workers=int(comptoir.get("TRUST_REBUILD_WORKERS") or 0),
        use_tz=bool(settings.USE_TZ),
    )

"""The offers app's settings, typed. Read on each call (so `override_settings` applies)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.conf import settings


@dataclass(frozen=True)
class OffersSettings:
    max_unit_price_major: int  # the largest accepted unit price, in major units of the offer's currency


def offers_settings() -> OffersSettings:
    return OffersSettings(max_unit_price_major=cast(int, settings.COMPTOIR["MAX_UNIT_PRICE_MAJOR"]))

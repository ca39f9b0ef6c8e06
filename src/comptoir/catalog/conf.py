"""The catalog app's settings, typed. Read on each call (so `override_settings` applies)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.conf import settings


@dataclass(frozen=True)
class CatalogSettings:
    default_commission_bp: int  # commission where a category and its ancestors have no rate, in basis points


def catalog_settings() -> CatalogSettings:
    return CatalogSettings(default_commission_bp=cast(int, settings.COMPTOIR["DEFAULT_COMMISSION_BP"]))

"""The catalog app's settings, typed. Read on each call (so `override_settings` applies)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings

from comptoir.catalog.domain.models_3d import ModelLimits
from comptoir.catalog.domain.pictures import PictureLimits

# Defaults of COMPTOIR_CATALOG_MEDIA (config/settings.py sets them from the environment; docs/CATALOG.md).
MEDIA_DEFAULTS: dict[str, Any] = {
    "IMAGE_MAX_BYTES": 10 * 1024 * 1024,
    "IMAGE_MIN_SIDE": 100,
    "IMAGE_MAX_SIDE": 8000,
    "IMAGE_MAX_PIXELS": 40_000_000,
    "IMAGE_RENDITION_WIDTHS": (160, 480, 1200),
    "IMAGES_PER_PRODUCT": 12,
    "MODEL_3D_MAX_BYTES": 25 * 1024 * 1024,
}


@dataclass(frozen=True)
class CatalogSettings:
    default_commission_bp: int  # commission where a category and its ancestors have no rate, in basis points


@dataclass(frozen=True)
class CatalogMediaSettings:
    picture_limits: PictureLimits
    rendition_widths: tuple[int, ...]  # WebP renditions made of each picture (never wider than the original)
    images_per_product: int  # pictures a product may have, all sellers together
    model_limits: ModelLimits


def catalog_settings() -> CatalogSettings:
    return CatalogSettings(default_commission_bp=cast(int, settings.COMPTOIR["DEFAULT_COMMISSION_BP"]))


def catalog_media_settings() -> CatalogMediaSettings:
    values = {**MEDIA_DEFAULTS, **getattr(settings, "COMPTOIR_CATALOG_MEDIA", {})}
    return CatalogMediaSettings(
        picture_limits=PictureLimits(
            max_bytes=int(values["IMAGE_MAX_BYTES"]),
            min_side=int(values["IMAGE_MIN_SIDE"]),
            max_side=int(values["IMAGE_MAX_SIDE"]),
            max_pixels=int(values["IMAGE_MAX_PIXELS"]),
        ),
        rendition_widths=tuple(int(width) for width in values["IMAGE_RENDITION_WIDTHS"]),
        images_per_product=int(values["IMAGES_PER_PRODUCT"]),
        model_limits=ModelLimits(max_bytes=int(values["MODEL_3D_MAX_BYTES"])),
    )

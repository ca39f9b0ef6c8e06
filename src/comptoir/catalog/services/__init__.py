"""Writes of the catalog: categories and products (`products`), pictures and 3D files (`pictures`)."""

from comptoir.catalog.services.pictures import (
    ImageUpload,
    product_image_delete,
    product_image_renditions_build,
    product_image_upload,
    product_model_3d_delete,
    product_model_3d_upload,
)
from comptoir.catalog.services.products import (
    DUPLICATE_GTIN_MESSAGE,
    category_create,
    category_set_commission,
    product_create,
)

__all__ = [
    "DUPLICATE_GTIN_MESSAGE",
    "ImageUpload",
    "category_create",
    "category_set_commission",
    "product_create",
    "product_image_delete",
    "product_image_renditions_build",
    "product_image_upload",
    "product_model_3d_delete",
    "product_model_3d_upload",
]

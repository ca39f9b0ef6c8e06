"""Writes of the catalog: categories and products (`products`), pictures and 3D files (`pictures`), product families
and their variants (`variants`),
translations of product text (`translations`)."""

from comptoir.catalog.services.bulk import ProductDraft, product_bulk_create
from comptoir.catalog.services.pictures import (
    ImageUpload,
    product_image_delete,
    product_image_import,
    product_image_move,
    product_image_renditions_build,
    product_image_upload,
    product_model_3d_delete,
    product_model_3d_upload,
)
from comptoir.catalog.services.products import (
    DUPLICATE_GTIN_MESSAGE,
    category_create,
    category_set_commission,
    category_set_names,
    product_create,
    product_field_errors,
    product_tax_set,
)
from comptoir.catalog.services.translations import (
    TranslationSaved,
    product_translation_delete,
    product_translation_put,
    translation_languages,
)
from comptoir.catalog.services.variants import (
    VariantSpec,
    product_family_create,
    product_family_options_add,
    product_family_update,
    product_update,
    product_variant_create,
    product_variant_update,
)

__all__ = [
    "DUPLICATE_GTIN_MESSAGE",
    "ImageUpload",
    "ProductDraft",
    "TranslationSaved",
    "VariantSpec",
    "category_create",
    "category_set_commission",
    "category_set_names",
    "product_bulk_create",
    "product_create",
    "product_family_create",
    "product_family_options_add",
    "product_family_update",
    "product_field_errors",
    "product_image_delete",
    "product_image_import",
    "product_image_move",
    "product_image_renditions_build",
    "product_image_upload",
    "product_model_3d_delete",
    "product_model_3d_upload",
    "product_tax_set",
    "product_translation_delete",
    "product_translation_put",
    "product_update",
    "product_variant_create",
    "product_variant_update",
    "translation_languages",
]

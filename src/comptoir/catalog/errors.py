from comptoir.core.exceptions import ValidationError

PRODUCT_NOT_FOUND = "product_not_found"
CATEGORY_NOT_FOUND = "category_not_found"
INVALID_GTIN = "invalid_gtin"
INVALID_PRODUCT = "invalid_product"

INVALID_CATEGORY = "invalid_category"
INVALID_COMMISSION = "invalid_commission"

# Pictures and 3D files (catalog.services.pictures).
IMAGE_NOT_FOUND = "image_not_found"
MODEL_3D_NOT_FOUND = "model_3d_not_found"
OFFER_REQUIRED_FOR_MEDIA = "offer_required_for_media"
MEDIA_NOT_YOURS = "media_not_yours"
TOO_MANY_IMAGES = "too_many_images"
FILE_TOO_LARGE = "file_too_large"
UNSUPPORTED_FILE_TYPE = "unsupported_file_type"
INVALID_IMAGE = "invalid_image"
IMAGE_TOO_MANY_PIXELS = "image_too_many_pixels"
IMAGE_TOO_SMALL = "image_too_small"
IMAGE_TOO_BIG = "image_too_big"
INVALID_MODEL_3D = "invalid_model_3d"
INVALID_ALT_TEXT = "invalid_alt_text"
INVALID_DIRECTION = "invalid_direction"


class FileTooLarge(ValidationError):
    """An upload larger than the limit (413)."""

    status = 413
    default_code = FILE_TOO_LARGE


class UnsupportedFileType(ValidationError):
    """An upload whose bytes are not of an accepted type, whatever its name says (415)."""

    status = 415
    default_code = UNSUPPORTED_FILE_TYPE


# Product families and variants (catalog.services.variants).
INVALID_FAMILY = "invalid_family"
INVALID_VARIANT = "invalid_variant"
NOT_A_FAMILY = "not_a_family"
FAMILY_NOT_YOURS = "family_not_yours"
VARIANT_NOT_YOURS = "variant_not_yours"
NOT_YOURS = "product_not_yours"
FAMILY_HAS_VARIANTS = "family_has_variants"

# Product translations (catalog.services.translations).
INVALID_TRANSLATION = "invalid_translation"
TRANSLATION_ON_VARIANT = "translation_on_variant"
TRANSLATION_NOT_FOUND = "translation_not_found"

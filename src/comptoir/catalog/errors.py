PRODUCT_NOT_FOUND = "product_not_found"
CATEGORY_NOT_FOUND = "category_not_found"
INVALID_GTIN = "invalid_gtin"
INVALID_PRODUCT = "invalid_product"

INVALID_CATEGORY = "invalid_category"
INVALID_COMMISSION = "invalid_commission"

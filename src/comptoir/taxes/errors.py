"""Error codes of the taxes app (the `code` of the ApplicationError it raises)."""

DISTANCE_SALE_NEGATIVE = "distance_sale_negative"
TAX_IDENTITY_INVALID = "tax_identity_invalid"

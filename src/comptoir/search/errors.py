"""Error codes of the search app (the `code` of the problems its interfaces raise)."""

INVALID_SEARCH = "invalid_search"
INVALID_COUNTRY = "invalid_country"
UNKNOWN_CURRENCY = "unknown_currency"

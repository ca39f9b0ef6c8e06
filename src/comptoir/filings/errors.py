"""Error codes of the filings app."""

INVALID_PERIOD = "invalid_period"
UNKNOWN_SELLER = "unknown_seller"

"""Error codes of the core (idempotency, money, permissions): stable strings the API and the web show."""

IDEMPOTENCY_IN_PROGRESS = "idempotency_in_progress"
IDEMPOTENCY_KEY_REQUIRED = "idempotency_key_required"
IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
INVALID_AMOUNT = "invalid_amount"
INVALID_IDEMPOTENCY_KEY = "invalid_idempotency_key"
UNKNOWN_CURRENCY = "unknown_currency"
OPERATOR_REQUIRED = "operator_required"

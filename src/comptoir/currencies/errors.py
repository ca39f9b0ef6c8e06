INVALID_RATE_FILE = "invalid_rate_file"
RATE_FILE_NOT_FOUND = "rate_file_not_found"
NO_RATES = "no_exchange_rates"

"""Error codes of shop imports."""

UNKNOWN_FORMAT = "import_unknown_format"
FILE_TOO_LARGE = "import_file_too_large"
IMPORT_INVALID = "import_invalid"  # the dry run found errors: nothing can be committed
IMPORT_NOT_FOUND = "import_not_found"
NO_SHIPPING_PROFILE = "import_no_shipping_profile"
INVALID_OPTIONS = "import_invalid_options"

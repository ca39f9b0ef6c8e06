"""Error codes the compliance app raises."""

OFFER_RESTRICTED_FOR_DESTINATION = "offer_restricted_for_destination"
RULES_FILE_INVALID = "rules_file_invalid"
REGISTRATION_NOT_FOUND = "registration_not_found"
MANUFACTURER_NOT_FOUND = "manufacturer_not_found"

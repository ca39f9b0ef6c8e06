"""Error codes of the filings app."""

INVALID_PERIOD = "invalid_period"
UNKNOWN_SELLER = "unknown_seller"
INVALID_RETURN_TRANSITION = "invalid_return_transition"  # filing a return already filed, correcting a draft
RETURN_ALREADY_CARRIED = "return_already_carried"  # a correction of a period whose changes a later return carries
WRONG_PERIOD_LENGTH = "wrong_period_length"  # a Swiss return of a quarter when the operator files half-years, or back
WRONG_STAGGER = "wrong_stagger"  # a UK return of a quarter of another HMRC stagger than the operator's
INVALID_FILING_DATE = "invalid_filing_date"  # a return recorded as filed on a day still to come
DAC7_INVALID_DOCUMENT = "dac7_invalid_document"  # the DPI XML fails its schema or a rule of the user guide
DAC7_SCHEMA_UNUSABLE = "dac7_schema_unusable"  # COMPTOIR_DAC7_XSD names a missing file or not an XML Schema
INVALID_EXCLUSION = "invalid_dac7_exclusion"  # an unknown kind of exclusion, or no reason given

"""Product identifiers. Pure."""

from __future__ import annotations

from stdnum import ean
from stdnum.exceptions import ValidationError as StdnumValidationError


def normalise_gtin(value: str | None) -> tuple[str | None, str | None]:
    """Return (GTIN as 14 digits, None), (None, None) when empty, or (None, error).

    GTIN-8, UPC-A (12), EAN-13 and GTIN-14 share one check-digit scheme (python-stdnum's ean);
    they are stored left-padded to 14 digits so one product has one key whatever form a seller typed."""
    if value is None or str(value).strip() == "":
        return None, None
    compact = "".join(ch for ch in str(value) if not ch.isspace() and ch != "-")
    # isascii(): str.isdigit() also accepts other scripts' digits and superscripts.
    if not (compact.isascii() and compact.isdigit()) or len(compact) not in (8, 12, 13, 14):
        return None, "A GTIN has 8, 12, 13 or 14 digits."
    try:
        ean.validate(compact)
    except StdnumValidationError:
        return None, "The GTIN check digit is wrong."
    return compact.zfill(14), None

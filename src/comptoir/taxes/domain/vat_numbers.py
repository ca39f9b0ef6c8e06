"""A buyer's VAT number: its format checked with python-stdnum (check digits per Member State). Pure (no Django).

A format check proves the number is well formed, not that it is registered: VIES (the Commission's online service)
answers that, when it is reachable (`taxes.services.vat_number_check`). The reverse charge of an intra-EU B2B supply
(Art. 138 Dir. 2006/112/EC, since the 2020 Quick Fixes) needs a valid number of another Member State than the one the
goods leave: the number's country must be the destination's.
"""

from __future__ import annotations

from dataclasses import dataclass

from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumValidationError

# VAT numbers write Greece "EL"; addresses (ISO 3166) "GR". Northern Ireland's "XI" numbers are UK numbers for goods.
_VAT_PREFIX_TO_COUNTRY = {"EL": "GR", "XI": "GB"}


@dataclass(frozen=True, slots=True)
class VatNumberFormat:
    number: str  # compact form ("DE136695976"), or the input trimmed when it cannot be compacted
    country: str  # ISO 3166 alpha-2 of the prefix ("GR" for "EL"); "" when unknown
    is_valid: bool
    problem: str  # python-stdnum's reason when not valid


def vat_number_format(raw: str) -> VatNumberFormat:
    text = (raw or "").strip()
    try:
        number = eu_vat.compact(text)
    except StdnumValidationError as error:
        return VatNumberFormat(text.upper()[:32], "", False, str(error))
    prefix = number[:2].upper()
    country = _VAT_PREFIX_TO_COUNTRY.get(prefix, prefix) if prefix.isalpha() else ""
    try:
        eu_vat.validate(number)
    except StdnumValidationError as error:
        return VatNumberFormat(number[:32], country, False, str(error))
    return VatNumberFormat(number[:32], country, True, "")

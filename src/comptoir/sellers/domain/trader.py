"""Validation of the trader information a marketplace must collect (DSA Art. 30). Pure: no ORM."""

from __future__ import annotations

from dataclasses import dataclass

import pycountry
from stdnum import get_cc_module
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumValidationError

# The 27 member states of the European Union (ISO 3166 alpha-2).
EU_MEMBER_STATES = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    }
)


def normalise_country(code: str) -> str | None:
    if not isinstance(code, str) or len(code) != 2:
        return None
    country = pycountry.countries.get(alpha_2=code.upper())
    return country.alpha_2 if country else None


def validate_vat_id(vat_id: str, country: str) -> tuple[str | None, str | None]:
    """Return (compact VAT ID, None) or (None, error message).

    EU VAT IDs are checked with python-stdnum's `eu.vat` (format and check digits for all member
    states); other countries with their own stdnum module when it has one. The prefix must agree
    with the seller's country (Greece uses EL; a GR prefix is read as EL)."""
    raw = vat_id.strip() if isinstance(vat_id, str) else ""
    if not raw:
        return None, "A VAT identification number is required."
    country = country.upper()
    eu_vat = get_cc_module("eu", "vat")
    assert eu_vat is not None  # python-stdnum ships the EU VAT module
    prefix = "EL" if country == "GR" else country
    candidate = raw.upper().replace(" ", "").replace(".", "").replace("-", "")
    if country in EU_MEMBER_STATES:
        if country == "GR" and candidate.startswith("GR"):
            candidate = "EL" + candidate[2:]
        foreign_prefix = candidate[:2] if candidate[:2] in _eu_vat_prefixes() - {prefix} else None
        if not candidate.startswith(prefix):
            candidate = prefix + candidate
        try:
            return eu_vat.validate(candidate), None
        except StdnumValidationError as error:
            if foreign_prefix is not None:
                return (
                    None,
                    f"This VAT number starts with {foreign_prefix} but the seller is established in {country}; a "
                    f"{prefix} VAT number is expected.",
                )
            return None, f"Not a valid {prefix} VAT number: {_stdnum_message(error)}."
    module = get_cc_module(country.lower(), "vat")
    if module is None:
        if 4 <= len(candidate) <= 20 and candidate.isascii() and candidate.isalnum():
            return candidate, None
        return None, "VAT number must be 4 to 20 letters or digits."
    # Some national formats begin with the country code themselves (Switzerland: CHE-123.456.789),
    # so the number is tried as typed before the country prefix is removed.
    first_error: StdnumValidationError | None = None
    for attempt in dict.fromkeys((candidate, candidate.removeprefix(country))):
        try:
            return module.validate(attempt), None
        except StdnumValidationError as error:
            first_error = first_error or error
    assert first_error is not None  # the loop tried at least one form and returned on success
    return None, f"Not a valid {country} VAT number: {_stdnum_message(first_error)}."


def _stdnum_message(error: Exception) -> str:
    return str(error).rstrip(".")


def _eu_vat_prefixes() -> frozenset[str]:
    return (EU_MEMBER_STATES - {"GR"}) | {"EL"}


def validate_iban(value: str) -> tuple[str | None, str | None]:
    try:
        return stdnum_iban.validate(value if isinstance(value, str) else ""), None
    except StdnumValidationError as error:
        return None, f"Not a valid IBAN: {_stdnum_message(error)}."


@dataclass(frozen=True)
class TraderInformation:
    legal_name: str
    street: str
    postal_code: str
    city: str
    country: str
    phone: str
    email: str
    trade_register: str
    trade_register_number: str
    vat_id: str
    iban: str
    self_certified: bool


# Matches the columns of sellers.Seller, so that nothing valid here is refused by the database.
TEXT_FIELD_MAX_LENGTHS = {
    "legal_name": 200,
    "street": 200,
    "postal_code": 20,
    "city": 100,
    "phone": 40,
    "email": 254,
    "trade_register": 200,
    "trade_register_number": 100,
}


def trader_information_errors(info: TraderInformation) -> dict[str, str]:
    """All field errors at once, so a form or API client can show every problem in one round trip."""
    errors: dict[str, str] = {}
    for field, max_length in TEXT_FIELD_MAX_LENGTHS.items():
        value = getattr(info, field)
        if not isinstance(value, str) or not value.strip():
            errors[field] = "This field is required."
        elif len(value.strip()) > max_length:
            errors[field] = f"At most {max_length} characters."
    country = normalise_country(info.country)
    if country is None:
        errors["country"] = "Use an ISO 3166 two-letter country code."
    else:
        _, vat_error = validate_vat_id(info.vat_id, country)
        if vat_error:
            errors["vat_id"] = vat_error
    _, iban_error = validate_iban(info.iban)
    if iban_error:
        errors["iban"] = iban_error
    if "phone" not in errors and not (6 <= sum(ch in "0123456789" for ch in info.phone) <= 15):
        errors["phone"] = "Enter a phone number with 6 to 15 digits, international format preferred (+33 …)."
    if "email" not in errors and ("@" not in info.email or "." not in info.email.split("@")[-1]):
        errors["email"] = "Enter a valid email address."
    if info.self_certified is not True:
        errors["self_certified"] = (
            "You must certify that you only offer products that comply with EU law (DSA Art. 30(1)(e))."
        )
    return errors

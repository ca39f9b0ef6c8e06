"""Validation of the trader information a marketplace must collect (DSA Art. 30). Pure: no ORM."""

from __future__ import annotations

from dataclasses import dataclass

import pycountry
from stdnum import iban as stdnum_iban
from stdnum import get_cc_module
from stdnum.exceptions import ValidationError as StdnumValidationError


def normalise_country(code: str) -> str | None:
    if not isinstance(code, str) or len(code) != 2:
        return None
    country = pycountry.countries.get(alpha_2=code.upper())
    return country.alpha_2 if country else None


def validate_vat_id(vat_id: str, country: str) -> tuple[str | None, str | None]:
    """Return (compact VAT ID, None) or (None, error message).

    EU VAT IDs are checked with python-stdnum's `eu.vat` (format and check digits for all member
    states); other countries with their own stdnum module when it has one. The prefix must agree
    with the seller's country (Greece uses EL)."""
    raw = (vat_id or "").strip()
    if not raw:
        return None, "A VAT identification number is required."
    country = country.upper()
    eu_vat = get_cc_module("eu", "vat")
    prefix = "EL" if country == "GR" else country
    candidate = raw.upper().replace(" ", "").replace(".", "").replace("-", "")
    if country in _eu_member_states():
        if not candidate.startswith(prefix):
            candidate = prefix + candidate
        try:
            return eu_vat.validate(candidate), None
        except StdnumValidationError as error:
            return None, f"Not a valid {prefix} VAT number: {error}."
    module = get_cc_module(country.lower(), "vat")
    if module is None:
        if 4 <= len(candidate) <= 20 and candidate.isalnum():
            return candidate, None
        return None, "VAT number must be 4 to 20 letters or digits."
    try:
        return module.validate(candidate.removeprefix(country)), None
    except StdnumValidationError as error:
        return None, f"Not a valid {country} VAT number: {error}."


def _eu_member_states() -> set[str]:
    return {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}


def validate_iban(value: str) -> tuple[str | None, str | None]:
    try:
        return stdnum_iban.validate(value or ""), None
    except StdnumValidationError as error:
        return None, f"Not a valid IBAN: {error}."


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


def trader_information_errors(info: TraderInformation) -> dict[str, str]:
    """All field errors at once, so a form or API client can show every problem in one round trip."""
    errors: dict[str, str] = {}
    for field in ("legal_name", "street", "postal_code", "city", "phone", "email", "trade_register", "trade_register_number"):
        value = getattr(info, field)
        if not isinstance(value, str) or not value.strip():
            errors[field] = "This field is required."
        elif len(value) > 200:
            errors[field] = "At most 200 characters."
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
    phone_digits = "".join(ch for ch in (info.phone or "") if ch.isdigit())
    if "phone" not in errors and not (6 <= len(phone_digits) <= 15):
        errors["phone"] = "Enter a phone number with 6 to 15 digits, international format preferred (+33 …)."
    if "email" not in errors and ("@" not in info.email or "." not in info.email.split("@")[-1]):
        errors["email"] = "Enter a valid email address."
    if info.self_certified is not True:
        errors["self_certified"] = "You must certify that you only offer products that comply with EU law (DSA Art. 30(1)(e))."
    return errors

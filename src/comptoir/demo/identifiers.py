"""Checksum-correct identifiers for demo sellers and products. Pure: no ORM.

Every generator draws from the caller's `random.Random`, so a seed always yields the same numbers,
and computes the check digits the way python-stdnum (and so the onboarding validation) verifies them."""

from __future__ import annotations

import random

from stdnum import ean, iban, luhn
from stdnum.es import cif
from stdnum.iso7064 import mod_11_10
from stdnum.nl import bsn
from stdnum.pt import nif

from comptoir.sellers.domain.trader import validate_vat_id as _validate_vat_id

_PL_NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


def _digits(rng: random.Random, count: int, *, leading_nonzero: bool = False) -> str:
    first = str(rng.randint(1, 9)) if leading_nonzero else str(rng.randint(0, 9))
    return first + "".join(str(rng.randint(0, 9)) for _ in range(count - 1))


def vat_id(country: str, rng: random.Random) -> str:
    """A VAT identification number of `country` (with its prefix) whose check digits are right."""
    if country == "FR":
        siren_body = _digits(rng, 8, leading_nonzero=True)
        siren = siren_body + luhn.calc_check_digit(siren_body)
        return f"FR{(int(siren) * 100 + 12) % 97:02d}{siren}"
    if country == "DE":
        body = _digits(rng, 8, leading_nonzero=True)
        return "DE" + body + mod_11_10.calc_check_digit(body)
    if country == "IT":
        body = _digits(rng, 7, leading_nonzero=True) + f"{rng.randint(1, 100):03d}"
        return "IT" + body + luhn.calc_check_digit(body)
    if country == "ES":
        body = rng.choice("AB") + _digits(rng, 7)
        return "ES" + body + cif.calc_check_digits(body)[0]
    if country == "BE":
        body = "0" + _digits(rng, 7, leading_nonzero=True)
        return f"BE{body}{97 - int(body) % 97:02d}"
    if country == "NL":
        while True:
            body = _digits(rng, 8, leading_nonzero=True)
            for last in "0123456789":
                if bsn.checksum(body + last) == 0:
                    return f"NL{body}{last}B{rng.randint(1, 3):02d}"
    if country == "PL":
        while True:
            body = _digits(rng, 9, leading_nonzero=True)
            check = sum(weight * int(digit) for weight, digit in zip(_PL_NIP_WEIGHTS, body, strict=True)) % 11
            if check != 10:
                return f"PL{body}{check}"
    if country == "PT":
        body = "5" + _digits(rng, 7)
        return "PT" + body + nif.calc_check_digit(body)
    if country in _CHECKED_BY_SEARCH:
        return _vat_id_by_search(country, rng)
    raise ValueError(f"no VAT generator for {country}")


# Countries whose numbers are drawn and completed by trying each check digit against python-stdnum (the onboarding's
# own validator): (prefix, random digits, check digits). The US has no VAT: a seller gives its EIN (nine digits).
_CHECKED_BY_SEARCH = {
    "CZ": ("CZ", 7, 1),  # DIČ of a legal entity: 8 digits, the last a mod-11 check
    "SE": ("SE", 9, 1),  # the organisation number (Luhn) then "01"
    "GB": ("GB", 7, 2),  # 9 digits, the last two a mod-97 check
    "CH": ("CHE", 8, 1),  # UID CHE-123.456.789 MWST, the last digit a mod-11 check
    "US": ("", 8, 1),  # EIN
}


def _vat_id_by_search(country: str, rng: random.Random) -> str:
    prefix, random_digits, check_digits = _CHECKED_BY_SEARCH[country]
    for _attempt in range(1000):
        body = ("5" if country == "SE" else "") + _digits(rng, random_digits - (country == "SE"), leading_nonzero=True)
        for check in range(10**check_digits):
            number = f"{body}{check:0{check_digits}d}"
            if country == "SE":
                number += "01"
            if country == "CH":
                candidate = f"CHE-{number[:3]}.{number[3:6]}.{number[6:]} MWST"
            elif country == "US":
                candidate = f"{number[:2]}-{number[2:]}"
            else:
                candidate = prefix + number
            if _validate_vat_id(candidate, country)[1] is None:
                return candidate
    raise RuntimeError(f"could not build a valid {country} VAT number")  # pragma: no cover


# Bank part of the IBAN (a real bank or branch code shape) and how the account part is built.
_IBAN_BANKS = {
    "FR": ["2004101005", "3000400003", "1020701234", "3000300620"],
    "DE": ["37040044", "10070000", "50010517", "70020270"],
    "IT": ["0542811101", "0306909606", "0200801633"],
    "ES": ["21000418", "00491500", "01824000"],
    "BE": ["539", "068", "310", "001"],
    "NL": ["ABNA", "INGB", "RABO", "TRIO"],
    "PL": ["10901014", "10202892", "11402004"],
    "PT": ["00020123", "00350697", "00330000"],
    "CZ": ["0800", "0100", "2010"],
    "SE": ["500", "800", "600"],
    "CH": ["00762", "00230", "08390"],
    "GB": ["NWBK601613", "BARC203214", "LOYD309634"],
}


def _french_rib_key(bank_and_branch: str, account: str) -> str:
    return f"{97 - (89 * int(bank_and_branch[:5]) + 15 * int(bank_and_branch[5:]) + 3 * int(account)) % 97:02d}"


def _bban(country: str, rng: random.Random) -> str:
    bank = rng.choice(_IBAN_BANKS[country])
    if country == "FR":
        account = _digits(rng, 11)
        return bank + account + _french_rib_key(bank, account)
    if country == "DE":
        return bank + _digits(rng, 10, leading_nonzero=True)
    if country == "IT":
        return rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + bank + _digits(rng, 12)
    if country == "ES":
        return bank + _digits(rng, 2) + _digits(rng, 10)  # the two control digits are searched by iban()
    if country == "BE":
        body = bank + _digits(rng, 7)
        return body + f"{int(body) % 97 or 97:02d}"
    if country == "NL":
        return bank + _digits(rng, 10)
    if country == "PL":
        return bank + _digits(rng, 16)
    if country == "PT":
        body = bank + _digits(rng, 11)
        return body + f"{98 - int(body + '00') % 97:02d}"
    if country == "CZ":
        return bank + "000000" + _digits(rng, 10)  # national check digits: iban_for() draws until stdnum accepts
    if country == "SE":
        return bank + _digits(rng, 17)
    if country == "CH":
        return bank + _digits(rng, 12)
    if country == "GB":
        return bank + _digits(rng, 8)
    raise ValueError(f"no IBAN generator for {country}")


_PAYOUT_ACCOUNT_COUNTRY = {"US": "BE"}


def iban_for(country: str, rng: random.Random) -> str:
    """An IBAN of `country` that python-stdnum accepts, national check digits included. The US has no IBAN: an
    American seller is paid out to a euro account it holds with a Belgian payment institution."""
    country = _PAYOUT_ACCOUNT_COUNTRY.get(country, country)
    for _ in range(10_000):
        bban = _bban(country, rng)
        candidate = country + "00" + bban
        candidate = country + iban.calc_check_digits(candidate) + bban
        if iban.is_valid(candidate):
            return candidate
    raise RuntimeError(f"could not build a valid {country} IBAN")  # pragma: no cover - 1 in 100 tries fail at worst


def gtin13(prefix: str, rng: random.Random, taken: set[str]) -> str:
    """An EAN-13 starting with `prefix` (a GS1 country prefix and a company number), unique in `taken`."""
    while True:
        body = prefix + _digits(rng, 12 - len(prefix))
        code = body + ean.calc_check_digit(body)
        if code not in taken:
            taken.add(code)
            return code

"""The monthly exchange rates two tax authorities publish for converting foreign-currency amounts on their VAT returns,
read from their published files (data, not code), and the conversion with them. Pure (no Django).

- **HMRC** (United Kingdom), "HMRC exchange rates: monthly", published on the penultimate Thursday of a month for the
  next month (the UK Trade Tariff's exchange rate service, trade-tariff.service.gov.uk/exchange_rates, and its API;
  earlier files on GOV.UK and the National Archives). Supported: the monthly **XML** file (`exrates-monthly-MMYY.xml`):
  `<exchangeRateMonthList Period="01/Mar/2025 to 31/Mar/2025">` with one `<exchangeRate>` per currency
  (`countryName`, `countryCode`, `currencyName`, `currencyCode`, `rateNew`); `rateNew` is the number of currency units
  per GBP 1. HMRC's CSV export of the same month is not read.
- **ESTV** (Switzerland), the MWST "Monatsmittelkurse": the average of the daily rates from the 25th of a month to the
  24th of the next, published around the 25th and applicable in the following month (estv.admin.ch, "MWST
  Fremdwährungskurse"), served by the Federal Office for Customs and Border Security (BAZG) as XML at
  https://www.backend-rates.bazg.admin.ch/api/xmlavgmonth: `<monatsmittelkurs>` with `<monat>YYYY-MM</monat>` and one
  `<devise code="eur">` per currency holding `<waehrung>1 EUR</waehrung>` (or "100 JPY") and `<kurs>` (CHF for that
  many units). Comptoir takes `<monat>` as the month the rates apply to (verify against the file you load).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from lxml import etree

from comptoir.core.money import currency_exponent

HMRC = "hmrc"
ESTV = "estv"
AUTHORITIES = {HMRC: "GBP", ESTV: "CHF"}  # the currency each authority's rates convert into


@dataclass(frozen=True, slots=True)
class AuthorityRate:
    """For HMRC: `rate` units of `currency` buy GBP 1 (`units` is 1). For the ESTV: `units` of `currency` cost
    `rate` CHF."""

    currency: str
    units: int
    rate: Decimal


@dataclass(frozen=True)
class MonthRates:
    authority: str
    month: dt.date  # the first day of the month the rates apply to
    rates: tuple[AuthorityRate, ...]


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _local(tag: object) -> str:
    return str(tag).rpartition("}")[2]


def _positive(text: str, what: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"{what}: {text!r} is not a number") from None
    if not value.is_finite() or value <= 0:
        raise ValueError(f"{what}: {text!r} is not a positive rate")
    return value


def _currency(text: str, what: str) -> str:
    code = text.strip().upper()
    if not (len(code) == 3 and code.isalpha()):
        raise ValueError(f"{what}: {text!r} is not a currency code")
    return code


def parse_hmrc_monthly(content: bytes) -> MonthRates:
    """HMRC's monthly XML file. Raises ValueError (with what is wrong) for anything else."""
    try:
        root = etree.fromstring(content, _parser())
    except etree.XMLSyntaxError as error:
        raise ValueError(f"not an HMRC monthly rates file: {error}") from error
    if _local(root.tag) != "exchangeRateMonthList":
        raise ValueError(f"not an HMRC monthly rates file: the root is {_local(root.tag)}, not exchangeRateMonthList")
    period = root.get("Period") or ""
    start, _to, _end = period.partition(" to ")
    try:
        month = dt.datetime.strptime(start.strip(), "%d/%b/%Y").date()
    except ValueError:
        raise ValueError(f"HMRC file: Period {period!r} is not 'DD/Mon/YYYY to DD/Mon/YYYY'") from None
    if month.day != 1:
        raise ValueError(f"HMRC file: Period {period!r} does not start on the first of a month")
    rates: dict[str, AuthorityRate] = {}
    for item in root:
        if _local(item.tag) != "exchangeRate":
            continue
        fields = {_local(child.tag): (child.text or "") for child in item}
        code = _currency(fields.get("currencyCode", ""), "HMRC currencyCode")
        rates[code] = AuthorityRate(code, 1, _positive(fields.get("rateNew", ""), f"HMRC rateNew of {code}"))
    if not rates:
        raise ValueError("HMRC file: no exchangeRate")
    return MonthRates(HMRC, month, tuple(sorted(rates.values(), key=lambda rate: rate.currency)))


def parse_estv_monthly(content: bytes) -> MonthRates:
    """The ESTV's (BAZG's) monthly average rates XML. Raises ValueError (with what is wrong) for anything else."""
    try:
        root = etree.fromstring(content, _parser())
    except etree.XMLSyntaxError as error:
        raise ValueError(f"not an ESTV monthly rates file: {error}") from error
    if _local(root.tag) != "monatsmittelkurs":
        raise ValueError(f"not an ESTV monthly rates file: the root is {_local(root.tag)}, not monatsmittelkurs")
    month_text = next((child.text or "" for child in root if _local(child.tag) == "monat"), "").strip()
    try:
        month = dt.datetime.strptime(month_text, "%Y-%m").date()
    except ValueError:
        raise ValueError(f"ESTV file: monat {month_text!r} is not YYYY-MM") from None
    rates: dict[str, AuthorityRate] = {}
    for item in root:
        if _local(item.tag) != "devise":
            continue
        fields = {_local(child.tag): (child.text or "") for child in item}
        amount, _space, code_text = fields.get("waehrung", "").strip().partition(" ")
        code = _currency(code_text or item.get("code", ""), "ESTV waehrung")
        if not amount.isdigit() or int(amount) <= 0:
            raise ValueError(f"ESTV file: waehrung {fields.get('waehrung')!r} is not 'N CODE'")
        rates[code] = AuthorityRate(code, int(amount), _positive(fields.get("kurs", ""), f"ESTV kurs of {code}"))
    if not rates:
        raise ValueError("ESTV file: no devise")
    return MonthRates(ESTV, month, tuple(sorted(rates.values(), key=lambda rate: rate.currency)))


def parse(authority: str, content: bytes) -> MonthRates:
    if authority == HMRC:
        return parse_hmrc_monthly(content)
    if authority == ESTV:
        return parse_estv_monthly(content)
    raise ValueError(f"unknown authority {authority!r} (hmrc or estv)")


def convert(amount: int, currency: str, *, authority: str, rate: AuthorityRate) -> int:
    """`amount` minor units of `currency` in minor units of the authority's currency (GBP for HMRC, CHF for the ESTV),
    rounded once, half away from zero."""
    target = AUTHORITIES[authority]
    major = Decimal(amount).scaleb(-currency_exponent(currency))
    value = major / rate.rate if authority == HMRC else major * rate.rate / rate.units
    minor = value.scaleb(currency_exponent(target)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(minor)

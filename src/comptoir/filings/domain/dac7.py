"""DAC7 (Council Directive (EU) 2021/514): who is reported, with what, and the DPI XML. Pure (no Django).

Facts (../shared/research/global_selling.md, section 3): the report covers a calendar year and is due by 31 January
of the next; a seller of goods is **excluded** when it made fewer than 30 sales **and** received no more than EUR 2,000
in the year (failing either test makes it reportable); government entities and listed entities are excluded; the
report gives the seller's identity (name, address, TIN and its issuing country, VAT number, date of birth for an
individual or business registration number for an entity), its financial account, and **per quarter** the
consideration (cash basis), the number of activities and the fees, commissions and taxes the platform withheld.
Only sellers resident in a Member State are reported for sales of goods.

The XML follows the structure of the OECD/EU DPI schema (namespace `urn:oecd:ties:dpi:v1`, common types in
`urn:oecd:ties:dpistf:v1`): `DPI_OECD` > `MessageSpec`, `DPIBody` > `PlatformOperator`, `ReportableSeller` (`Identity`
> `EntitySeller|IndividualSeller` > `Standard` > `EntSellerID|IndSellerID` and `FinancialIdentifier`;
`RelevantActivities` > `SaleOfGoods` > `Consideration` (`ConsQ1`…`ConsQ4`), `NumberOfActivities` (`NumbQ1`…),
`Fees` (`FeesQ1`…), `Taxes` (`TaxQ1`…)), amounts in whole euros. `domain/dpi_schema.py` validates a document against
Comptoir's own XSD of that structure or the operator's official one, see docs/TAXES.md.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from comptoir.sellers.domain.trader import EU_MEMBER_STATES

DAC7_SALES_THRESHOLD = 30  # fewer than 30 sales …
DAC7_CONSIDERATION_THRESHOLD_EUR_CENTS = 2_000_00  # … and no more than EUR 2,000: excluded

EXCLUSIONS = frozenset({"government_entity", "listed_entity"})

DPI = "urn:oecd:ties:dpi:v1"
STF = "urn:oecd:ties:dpistf:v1"
ET.register_namespace("dpi", DPI)
ET.register_namespace("stf", STF)


@dataclass(frozen=True, slots=True)
class Quarterly:
    """Four quarters of one figure (EUR cents, or a count)."""

    q1: int = 0
    q2: int = 0
    q3: int = 0
    q4: int = 0

    @property
    def total(self) -> int:
        return self.q1 + self.q2 + self.q3 + self.q4

    def values(self) -> tuple[int, int, int, int]:
        return (self.q1, self.q2, self.q3, self.q4)

    @classmethod
    def of(cls, amounts: dict[int, int]) -> Quarterly:
        return cls(*(amounts.get(number, 0) for number in (1, 2, 3, 4)))


@dataclass(frozen=True)
class SellerIdentity:
    seller_id: int
    legal_name: str
    legal_form: str  # "individual", "entity" or "" (not given yet)
    street: str
    postal_code: str
    city: str
    country: str  # of residence (the seller's address)
    tin: str
    tin_country: str
    vat_number: str
    business_registration_number: str
    date_of_birth: dt.date | None
    iban: str
    exclusion: str = ""  # one of EXCLUSIONS, set by the operator

    def missing(self) -> tuple[str, ...]:
        """The identity fields the report needs that the seller has not given (the seller center asks for them)."""
        needed: dict[str, object] = {
            "legal_form": self.legal_form,
            "legal_name": self.legal_name,
            "address": self.street and self.postal_code and self.city and self.country,
            "tin": self.tin and self.tin_country,
            "iban": self.iban,
        }
        if self.legal_form == "individual":
            needed["date_of_birth"] = self.date_of_birth
        if self.legal_form == "entity":
            needed["business_registration_number"] = self.business_registration_number
        return tuple(name for name, value in needed.items() if not value)


@dataclass(frozen=True)
class SellerYear:
    identity: SellerIdentity
    year: int
    consideration: Quarterly  # EUR cents
    activities: Quarterly
    fees: Quarterly  # EUR cents: commissions withheld
    taxes: Quarterly  # EUR cents: VAT withheld by the marketplace as deemed supplier

    @property
    def is_reportable(self) -> bool:
        return reportable(
            activities=self.activities.total,
            consideration_eur_cents=self.consideration.total,
            country=self.identity.country,
            exclusion=self.identity.exclusion,
        )


def reportable(*, activities: int, consideration_eur_cents: int, country: str, exclusion: str = "") -> bool:
    """Whether a seller of goods is reported for the year: resident in a Member State, not excluded (government or
    listed entity), and 30 sales or more, or more than EUR 2,000 of consideration."""
    if exclusion in EXCLUSIONS or country.upper() not in EU_MEMBER_STATES:
        return False
    return activities >= DAC7_SALES_THRESHOLD or consideration_eur_cents > DAC7_CONSIDERATION_THRESHOLD_EUR_CENTS


@dataclass(frozen=True)
class PlatformOperator:
    name: str
    country: str
    tin: str
    address: str


@dataclass(frozen=True)
class DpiMessage:
    operator: PlatformOperator
    year: int
    message_ref: str
    timestamp: dt.datetime
    sellers: tuple[SellerYear, ...] = field(default=())


def _element(parent: ET.Element, name: str, text: str | None = None, namespace: str = DPI, **attributes: str):
    child = ET.SubElement(parent, f"{{{namespace}}}{name}", attributes)
    if text is not None:
        child.text = text
    return child


def _amount(cents: int) -> str:
    """Whole euros, half away from zero: the schema's MonAmnt_Type is an integer of the currency's units."""
    units = (abs(cents) + 50) // 100
    return str(-units if cents < 0 else units)


def _doc_spec(parent: ET.Element, ref: str) -> None:
    spec = _element(parent, "DocSpec")
    _element(spec, "DocTypeIndic", "OECD1", namespace=STF)
    _element(spec, "DocRefId", ref, namespace=STF)


def _address(parent: ET.Element, identity: SellerIdentity) -> None:
    address = _element(parent, "Address", legalAddressType="OECD301")
    _element(address, "CountryCode", identity.country.upper())
    fixed = _element(address, "AddressFix")
    _element(fixed, "Street", identity.street or "unknown")
    _element(fixed, "PostCode", identity.postal_code or "unknown")
    _element(fixed, "City", identity.city or "unknown")


def _tin(parent: ET.Element, identity: SellerIdentity) -> None:
    if identity.tin and identity.tin_country:
        _element(parent, "TIN", identity.tin, issuedBy=identity.tin_country.upper())
    else:
        _element(parent, "TIN", "NOTIN", unknown="true")


def _split_name(legal_name: str) -> tuple[str, str]:
    first, _space, last = legal_name.strip().rpartition(" ")
    return (first, last) if first else ("NFN", last)  # "NFN": no first name, as the OECD schemas write it


def _seller(body: ET.Element, seller: SellerYear, ref: str) -> None:
    identity = seller.identity
    element = _element(body, "ReportableSeller")
    who = _element(element, "Identity")
    if identity.legal_form == "individual":
        standard = _element(_element(who, "IndividualSeller"), "Standard")
        party = _element(standard, "IndSellerID")
        _element(party, "ResCountryCode", identity.country.upper())
        _tin(party, identity)
        if identity.vat_number:
            _element(party, "VAT", identity.vat_number)
        first, last = _split_name(identity.legal_name)
        name = _element(party, "Name", nameType="OECD202")
        _element(name, "FirstName", first)
        _element(name, "LastName", last)
        _address(party, identity)
        birth = _element(party, "BirthInfo")
        _element(birth, "BirthDate", identity.date_of_birth.isoformat() if identity.date_of_birth else "1900-01-01")
    else:
        standard = _element(_element(who, "EntitySeller"), "Standard")
        party = _element(standard, "EntSellerID")
        _element(party, "ResCountryCode", identity.country.upper())
        _tin(party, identity)
        if identity.business_registration_number:
            _element(
                party, "IN", identity.business_registration_number, issuedBy=identity.country.upper(), INType="BRN"
            )
        if identity.vat_number:
            _element(party, "VAT", identity.vat_number)
        _element(party, "Name", identity.legal_name)
        _address(party, identity)
    if identity.iban:
        financial = _element(standard, "FinancialIdentifier")
        _element(financial, "Identifier", identity.iban, AccountNumberType="IBAN")
        _element(financial, "AccountHolderName", identity.legal_name)
    goods = _element(_element(element, "RelevantActivities"), "SaleOfGoods")
    for group, prefix, figures, money in (
        ("Consideration", "ConsQ", seller.consideration, True),
        ("NumberOfActivities", "NumbQ", seller.activities, False),
        ("Fees", "FeesQ", seller.fees, True),
        ("Taxes", "TaxQ", seller.taxes, True),
    ):
        parent = _element(goods, group)
        for number, value in enumerate(figures.values(), start=1):
            if money:
                _element(parent, f"{prefix}{number}", _amount(value), currCode="EUR")
            else:
                _element(parent, f"{prefix}{number}", str(value))
    _doc_spec(element, ref)


def dpi_xml(message: DpiMessage) -> bytes:
    """The DPI XML of the year's reportable sellers (those of `message.sellers` that are reportable)."""
    root = ET.Element(f"{{{DPI}}}DPI_OECD", {"version": "1.0"})
    spec = _element(root, "MessageSpec")
    operator = message.operator
    _element(spec, "TransmittingCountry", operator.country.upper())
    _element(spec, "ReceivingCountry", operator.country.upper())
    _element(spec, "MessageType", "DPI")
    _element(spec, "MessageRefId", message.message_ref)
    _element(spec, "MessageTypeIndic", "DPI401")  # new information
    _element(spec, "ReportingPeriod", f"{message.year}-12-31")
    _element(spec, "Timestamp", message.timestamp.strftime("%Y-%m-%dT%H:%M:%S"))
    body = _element(root, "DPIBody")
    platform = _element(body, "PlatformOperator")
    _element(platform, "ResCountryCode", operator.country.upper())
    if operator.tin:
        _element(platform, "TIN", operator.tin, issuedBy=operator.country.upper())
    else:
        _element(platform, "TIN", "NOTIN", unknown="true")
    _element(platform, "Name", operator.name)
    address = _element(platform, "Address", legalAddressType="OECD301")
    _element(address, "CountryCode", operator.country.upper())
    _element(address, "AddressFree", operator.address or operator.name)
    _doc_spec(platform, f"{message.message_ref}-PO")
    for seller in message.sellers:
        if seller.is_reportable:
            _seller(body, seller, f"{message.message_ref}-S{seller.identity.seller_id}")
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")

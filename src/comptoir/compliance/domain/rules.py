"""Country rules: may an offer be sold to buyers in a country? Pure (no Django), over dataclasses.

A rule names a requirement, the destination countries and product categories it covers and the days it is in force
(`effective_to` excluded). An offer is blocked in a country when a rule in force there covers its category and the
offer does not meet the requirement; each unmet rule gives one reason. Facts and their sources:
../shared/research/global_selling.md sections 4 and 5, and each rule's `source` (compliance/data/rules.json)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from comptoir.sellers.domain.trader import EU_MEMBER_STATES

EU = "EU"  # in a rule's countries: the 27 Member States

# What a rule asks for (`Rule.requirement`).
MANUFACTURER = "manufacturer"  # GPSR Art. 19(a): the manufacturer is named, with its postal and electronic address
RESPONSIBLE_PERSON = "responsible_person"  # GPSR Arts. 16, 19(b): an EU economic operator for a non-EU seller
PICTURE = "picture"  # GPSR Art. 19(c): a picture of the product
WARNINGS = "warnings"  # GPSR Art. 19(d): warnings and safety information
REGISTRATION = "registration"  # a producer registration for the destination country (`Rule.scheme`)
CE_MARKING = "ce_marking"  # the product is declared CE-marked
PROHIBITED = "prohibited"  # the category may not be delivered there at all
# Excise goods (taxes.domain.categories) are sold only within the Member State they are in: a distance sale to another
# owes that State's excise duty (Dir. (EU) 2020/262 Art. 44), which the marketplace does not collect.
EXCISE_IN_COUNTRY = "excise_in_country"
REQUIREMENTS = (
    MANUFACTURER,
    RESPONSIBLE_PERSON,
    PICTURE,
    WARNINGS,
    REGISTRATION,
    CE_MARKING,
    PROHIBITED,
    EXCISE_IN_COUNTRY,
)

# Why an offer is blocked (`Reason.code`), one per requirement.
REASON_CODES = {
    MANUFACTURER: "manufacturer_missing",
    RESPONSIBLE_PERSON: "responsible_person_missing",
    PICTURE: "picture_missing",
    WARNINGS: "warnings_missing",
    REGISTRATION: "registration_missing",
    CE_MARKING: "ce_marking_missing",
    PROHIBITED: "prohibited_for_destination",
    EXCISE_IN_COUNTRY: "excise_goods_other_member_state",
}
# A manufacturer named but whose postal and electronic address the seller has not given.
MANUFACTURER_ADDRESS_MISSING = "manufacturer_address_missing"

# Producer registration schemes a seller can record (`SellerRegistration.scheme`), each for one country or any.
SCHEMES = (
    "fr_epr_packaging",
    "fr_epr_eee",
    "fr_epr_textile",
    "fr_epr_furniture",
    "fr_epr_toys",
    "fr_epr_sports",
    "fr_epr_diy_garden",
    "de_lucid",
    "de_weee",
    "battery_epr",
)


def expand_countries(codes: Iterable[str]) -> frozenset[str]:
    """ISO codes, "EU" standing for the Member States."""
    countries: set[str] = set()
    for code in codes:
        if code.upper() == EU:
            countries |= EU_MEMBER_STATES
        else:
            countries.add(code.upper())
    return frozenset(countries)


@dataclass(frozen=True)
class Rule:
    code: str
    requirement: str
    countries: frozenset[str]  # expanded (no "EU")
    categories: frozenset[str] = frozenset()  # category slugs, each covering its subtree; empty: every category
    scheme: str = ""
    effective_from: dt.date = dt.date(1970, 1, 1)
    effective_to: dt.date | None = None

    def __post_init__(self) -> None:
        if self.requirement not in REQUIREMENTS:
            raise ValueError(f"rule {self.code}: unknown requirement {self.requirement!r}")
        if (self.requirement == REGISTRATION) != bool(self.scheme):
            raise ValueError(f"rule {self.code}: a scheme is required for registrations, and only for them")
        if self.scheme and self.scheme not in SCHEMES:
            raise ValueError(f"rule {self.code}: unknown scheme {self.scheme!r}")
        if self.effective_to is not None and self.effective_to <= self.effective_from:
            raise ValueError(f"rule {self.code}: effective_to must come after effective_from")

    def is_in_force(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)

    def covers(self, category_slugs: Iterable[str]) -> bool:
        return not self.categories or not self.categories.isdisjoint(category_slugs)


@dataclass(frozen=True)
class OfferFacts:
    """What the rules read about one offer: its product's, its seller's and the seller's registrations."""

    offer_id: int
    seller_country: str
    category_slugs: tuple[str, ...]  # the product's category and its ancestors
    has_manufacturer: bool = False  # named (brand or `manufacturer` attribute)
    has_manufacturer_address: bool = False  # the seller gave that manufacturer's postal and electronic address
    has_picture: bool = False
    has_warnings: bool = False
    is_ce_marked: bool = False
    has_responsible_person: bool = False
    registrations: frozenset[tuple[str, str]] = field(default_factory=frozenset)  # (scheme, country)
    is_excise: bool = False  # its tax category is an excise good (alcohol, tobacco, energy products)
    goods_country: str = ""  # where the goods ship from ("": the seller's country)


@dataclass(frozen=True)
class Reason:
    rule: str
    code: str
    scheme: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "code": self.code, **({"scheme": self.scheme} if self.scheme else {})}


def _meets(rule: Rule, offer: OfferFacts, country: str) -> bool:
    requirement = rule.requirement
    if requirement == MANUFACTURER:
        return offer.has_manufacturer and offer.has_manufacturer_address
    if requirement == RESPONSIBLE_PERSON:
        return offer.seller_country.upper() in EU_MEMBER_STATES or offer.has_responsible_person
    if requirement == PICTURE:
        return offer.has_picture
    if requirement == WARNINGS:
        return offer.has_warnings
    if requirement == REGISTRATION:
        return (rule.scheme, country) in offer.registrations
    if requirement == CE_MARKING:
        return offer.is_ce_marked
    if requirement == EXCISE_IN_COUNTRY:
        # Goods in another Member State owe this one's excise; goods imported from outside the EU clear customs, which
        # collect the excise and the import VAT (taxes: import at the border, never IOSS).
        goods = (offer.goods_country or offer.seller_country).upper()
        return not offer.is_excise or goods == country or goods not in EU_MEMBER_STATES
    return False  # PROHIBITED


def _reason_code(rule: Rule, offer: OfferFacts) -> str:
    if rule.requirement == MANUFACTURER and offer.has_manufacturer:
        return MANUFACTURER_ADDRESS_MISSING
    return REASON_CODES[rule.requirement]


def reasons_for(offer: OfferFacts, *, country: str, rules: Iterable[Rule], day: dt.date) -> tuple[Reason, ...]:
    """Why `offer` may not be sold to buyers in `country` on `day` (empty: it may), in the rules' order."""
    country = country.upper()
    return tuple(
        Reason(rule.code, _reason_code(rule, offer), rule.scheme)
        for rule in rules
        if country in rule.countries
        and rule.is_in_force(day)
        and rule.covers(offer.category_slugs)
        and not _meets(rule, offer, country)
    )


def blocked_markets(offer: OfferFacts, *, rules: Iterable[Rule], day: dt.date) -> dict[str, tuple[Reason, ...]]:
    """Every country some rule in force on `day` blocks `offer` in, with the reasons."""
    rules = [rule for rule in rules if rule.is_in_force(day) and rule.covers(offer.category_slugs)]
    countries = sorted({country for rule in rules for country in rule.countries})
    blocked = {}
    for country in countries:
        reasons = reasons_for(offer, country=country, rules=rules, day=day)
        if reasons:
            blocked[country] = reasons
    return blocked


def ruled_countries(rules: Iterable[Rule], *, day: dt.date) -> list[str]:
    """The countries some rule in force on `day` speaks about (where an offer's markets are worth showing)."""
    return sorted({country for rule in rules if rule.is_in_force(day) for country in rule.countries})

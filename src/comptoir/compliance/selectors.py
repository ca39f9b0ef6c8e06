"""Reads: the rules in force, the facts the evaluator needs per offer, the blocks buyers' queries filter on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, QuerySet

from comptoir.catalog.models import Category, ProductImage
from comptoir.compliance.domain.rules import OfferFacts, Rule
from comptoir.compliance.models import (
    ComplianceRule,
    Manufacturer,
    OfferMarketBlock,
    ResponsiblePerson,
    SellerRegistration,
)
from comptoir.offers.models import Offer
from comptoir.sellers.domain.trader import EU_MEMBER_STATES
from comptoir.taxes.domain.categories import is_excise_category


def compliance_rules() -> list[Rule]:
    """Every loaded rule (in force or not: the evaluator checks the day), in code order."""
    return [rule.as_rule() for rule in ComplianceRule.objects.order_by("code")]


def offer_is_blocked_in(country: str) -> Exists:
    """An `Exists` over OfferMarketBlock for the outer offer (`pk`) and `country`: `qs.exclude(offer_is_blocked_in(c))`
    keeps the offers a buyer in `c` may be sold."""
    return Exists(OfferMarketBlock.objects.filter(offer_id=OuterRef("pk"), country=country.upper()))


def offers_sellable_to(offers: QuerySet[Offer], country: str) -> QuerySet[Offer]:
    return offers.exclude(offer_is_blocked_in(country))


def market_blocks_for_offers(offer_ids: Iterable[int], country: str) -> dict[int, list[dict]]:
    """offer id -> reasons, for those of `offer_ids` blocked in `country`."""
    return dict(
        OfferMarketBlock.objects.filter(offer_id__in=list(offer_ids), country=country.upper()).values_list(
            "offer_id", "reasons"
        )
    )


def product_restrictions_in(product_id: int, country: str) -> list[dict]:
    """Why some of the product's visible offers may not be sold to buyers in `country`: each distinct reason once
    (the product page says so beside the offers it leaves out). One query."""
    from comptoir.offers.selectors import offer_visible_qs

    found: dict[tuple[str, str], dict] = {}
    for reasons in OfferMarketBlock.objects.filter(
        country=country.upper(), offer__in=offer_visible_qs().filter(product_id=product_id)
    ).values_list("reasons", flat=True):
        for reason in reasons:
            found.setdefault((reason.get("code", ""), reason.get("scheme", "")), reason)
    return [found[key] for key in sorted(found)]


def blocked_countries_by_offer(offer_ids: Iterable[int]) -> dict[int, set[str]]:
    """offer id -> the countries it may not be sold to (offers blocked nowhere are left out)."""
    blocked: dict[int, set[str]] = {}
    for offer_id, country in OfferMarketBlock.objects.filter(offer_id__in=list(offer_ids)).values_list(
        "offer_id", "country"
    ):
        blocked.setdefault(offer_id, set()).add(country)
    return blocked


def market_blocks_by_offer(offer_ids: Iterable[int]) -> dict[int, dict[str, list[dict]]]:
    """offer id -> country -> reasons."""
    blocks: dict[int, dict[str, list[dict]]] = {}
    for offer_id, country, reasons in OfferMarketBlock.objects.filter(offer_id__in=list(offer_ids)).values_list(
        "offer_id", "country", "reasons"
    ):
        blocks.setdefault(offer_id, {})[country] = reasons
    return blocks


def seller_registrations(seller_id: int) -> list[SellerRegistration]:
    return list(SellerRegistration.objects.filter(seller_id=seller_id).order_by("scheme", "country"))


def seller_responsible_person(seller_id: int) -> ResponsiblePerson | None:
    return ResponsiblePerson.objects.filter(seller_id=seller_id).first()


def _is_ce_marked(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in {"true", "yes"})


def _is_filled(value: object) -> bool:
    return bool(value.strip()) if isinstance(value, str) else bool(value)


def manufacturer_names(*, brand: object, family_brand: object, attributes: dict) -> list[str]:
    """The names a product gives its manufacturer: its `manufacturer` attribute, its brand, its family's brand."""
    names = [attributes.get("manufacturer"), brand, family_brand]
    return [name.strip() for name in names if isinstance(name, str) and name.strip()]


def seller_manufacturers(seller_id: int) -> list[Manufacturer]:
    return list(Manufacturer.objects.filter(seller_id=seller_id).order_by("name"))


def manufacturer_for_offer(*, seller_id: int, product) -> Manufacturer | None:
    """The manufacturer's address the offer's seller gave for the product (its attribute, brand or family's brand)."""
    family = product.parent if product.parent_id else None
    names = manufacturer_names(
        brand=product.brand,
        family_brand=family.brand if family is not None else "",
        attributes={**((family.attributes if family is not None else None) or {}), **(product.attributes or {})},
    )
    if not names:
        return None
    found = {
        manufacturer.name.casefold(): manufacturer for manufacturer in Manufacturer.objects.filter(seller_id=seller_id)
    }
    return next((found[name.casefold()] for name in names if name.casefold() in found), None)


def offers_safety_contacts(
    offers: list[Offer], *, product
) -> dict[int, dict[str, Manufacturer | ResponsiblePerson | None]]:
    """For each offer on a product page: the manufacturer's address its seller gave (`manufacturer`) and its seller's
    EU responsible person (`responsible_person`, sellers established outside the EU), None where not recorded; two
    queries whatever the number of offers."""
    family = product.parent if product.parent_id else None
    names = [
        name.casefold()
        for name in manufacturer_names(
            brand=product.brand,
            family_brand=family.brand if family is not None else "",
            attributes={**((family.attributes if family is not None else None) or {}), **(product.attributes or {})},
        )
    ]
    seller_ids = {offer.seller_id for offer in offers}
    by_seller: dict[int, dict[str, Manufacturer]] = {}
    if names and seller_ids:
        for manufacturer in Manufacturer.objects.filter(seller_id__in=seller_ids):
            by_seller.setdefault(manufacturer.seller_id, {})[manufacturer.name.casefold()] = manufacturer
    outside = {offer.seller_id for offer in offers if offer.seller.country not in EU_MEMBER_STATES}
    persons = {person.seller_id: person for person in ResponsiblePerson.objects.filter(seller_id__in=outside)}
    contacts = {}
    for offer in offers:
        known = by_seller.get(offer.seller_id, {})
        contacts[offer.pk] = {
            "manufacturer": next((known[name] for name in names if name in known), None),
            "responsible_person": persons.get(offer.seller_id),
        }
    return contacts


def seller_missing_manufacturers(seller_id: int) -> list[str]:
    """The manufacturer names the seller's offers' products give whose address the seller has not recorded."""
    rows = (
        Offer.objects.filter(seller_id=seller_id)
        .values_list("product__brand", "product__parent__brand", "product__attributes", "product__parent__attributes")
        .distinct()
    )
    known = {
        name.casefold() for name in Manufacturer.objects.filter(seller_id=seller_id).values_list("name", flat=True)
    }
    missing: dict[str, str] = {}
    for brand, family_brand, attributes, family_attributes in rows:
        names = manufacturer_names(
            brand=brand, family_brand=family_brand, attributes={**(family_attributes or {}), **(attributes or {})}
        )
        if names and not any(name.casefold() in known for name in names):
            missing.setdefault(names[0].casefold(), names[0])
    return sorted(missing.values(), key=str.casefold)


def offer_facts(offer_ids: Iterable[int]) -> list[OfferFacts]:
    """The evaluator's facts for these offers, in five queries whatever their number (one without offers). A variant
    without its own brand, picture or warnings takes its family's."""
    rows = list(
        Offer.objects.filter(pk__in=list(offer_ids))
        .order_by("pk")
        .values_list(
            "pk",
            "seller_id",
            "seller__country",
            "product_id",
            "product__parent_id",
            "product__brand",
            "product__parent__brand",
            "product__attributes",
            "product__parent__attributes",
            "product__category_id",
            "ships_from_country",
            "product__tax_category",
            "product__parent__tax_category",
        )
    )
    if not rows:
        return []
    categories = list(Category.objects.values_list("pk", "slug", "path"))
    slugs = {pk: slug for pk, slug, _path in categories}
    chains = {
        pk: tuple(slugs[int(part)] for part in path.strip("/").split("/") if part and int(part) in slugs)
        for pk, _slug, path in categories
    }
    product_ids = {row[3] for row in rows} | {row[4] for row in rows if row[4] is not None}
    pictured = set(ProductImage.objects.filter(product_id__in=product_ids).values_list("product_id", flat=True))
    seller_ids = {row[1] for row in rows}
    registrations: dict[int, set[tuple[str, str]]] = {}
    for seller_id, scheme, country in SellerRegistration.objects.filter(seller_id__in=seller_ids).values_list(
        "seller_id", "scheme", "country"
    ):
        registrations.setdefault(seller_id, set()).add((scheme, country))
    represented = set(ResponsiblePerson.objects.filter(seller_id__in=seller_ids).values_list("seller_id", flat=True))
    addressed = {
        (seller_id, name.casefold())
        for seller_id, name in Manufacturer.objects.filter(seller_id__in=seller_ids).values_list("seller_id", "name")
    }
    facts = []
    for (
        offer_id,
        seller_id,
        seller_country,
        product_id,
        family_id,
        brand,
        family_brand,
        attributes,
        family_attributes,
        category_id,
        ships_from,
        tax_category,
        family_tax_category,
    ) in rows:
        merged = {**(family_attributes or {}), **(attributes or {})}
        names = manufacturer_names(brand=brand, family_brand=family_brand, attributes=merged)
        facts.append(
            OfferFacts(
                offer_id=offer_id,
                seller_country=seller_country,
                category_slugs=chains.get(category_id, ()),
                has_manufacturer=bool(names),
                has_manufacturer_address=any((seller_id, name.casefold()) in addressed for name in names),
                has_picture=product_id in pictured or family_id in pictured,
                has_warnings=_is_filled(merged.get("safety_warnings")),
                is_ce_marked=_is_ce_marked(merged.get("ce_marking")),
                has_responsible_person=seller_id in represented,
                registrations=frozenset(registrations.get(seller_id, ())),
                is_excise=is_excise_category(tax_category or family_tax_category or ""),
                goods_country=ships_from or "",
            )
        )
    return facts


def day_default(day: dt.date | None) -> dt.date:
    from comptoir.core import clock

    return day or clock.now().date()

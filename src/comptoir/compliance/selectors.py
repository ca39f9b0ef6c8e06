"""Reads: the rules in force, the facts the evaluator needs per offer, the blocks buyers' queries filter on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, QuerySet

from comptoir.catalog.models import Category, ProductImage
from comptoir.compliance.domain.rules import OfferFacts, Rule
from comptoir.compliance.models import ComplianceRule, OfferMarketBlock, ResponsiblePerson, SellerRegistration
from comptoir.offers.models import Offer


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
    ) in rows:
        merged = {**(family_attributes or {}), **(attributes or {})}
        facts.append(
            OfferFacts(
                offer_id=offer_id,
                seller_country=seller_country,
                category_slugs=chains.get(category_id, ()),
                has_manufacturer=_is_filled(brand)
                or _is_filled(family_brand)
                or _is_filled(merged.get("manufacturer")),
                has_picture=product_id in pictured or family_id in pictured,
                has_warnings=_is_filled(merged.get("safety_warnings")),
                is_ce_marked=_is_ce_marked(merged.get("ce_marking")),
                has_responsible_person=seller_id in represented,
                registrations=frozenset(registrations.get(seller_id, ())),
            )
        )
    return facts


def day_default(day: dt.date | None) -> dt.date:
    from comptoir.core import clock

    return day or clock.now().date()

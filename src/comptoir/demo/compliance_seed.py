"""The demo's country rules (docs/COMPLIANCE.md): the shipped rules loaded, sellers' registrations and the product
facts the rules read, complete but for two deliberate gaps a visitor can see.

- Knives may not be delivered to buyers in the United Kingdom (a legal ban, no gap to fill).
- One shop (the first of GAP_SELLERS present, else the last by name) has no German LUCID packaging registration:
  its offers are not sold in Germany, and its seller center's Markets page says why.
- The GPSR picture rule is left out: the demo pictures only the most offered tenth of its products (docs/CATALOG.md),
  and with the rule every other product would vanish from the EU storefront.

Bulk writes, as the rest of the seed: the blocks are computed once, by the rules load at the end."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from comptoir.catalog.models import Category, Product
from comptoir.compliance.domain.rules import SCHEMES
from comptoir.compliance.models import Manufacturer, ResponsiblePerson, SellerRegistration
from comptoir.compliance.selectors import manufacturer_names
from comptoir.compliance.services import SCHEME_COUNTRIES, compliance_rules_load
from comptoir.core import events
from comptoir.offers.models import Offer
from comptoir.sellers.domain.trader import EU_MEMBER_STATES
from comptoir.sellers.models import Seller

GAP_SELLERS = ("Casa Cucina Bologna", "Huis & Haard", "Atelier Liégeois")
DEMO_SKIPPED_RULES = ("eu_gpsr_picture",)
WARNING_CATEGORIES = frozenset({"toys", "power-tools", "knives"})
CE_CATEGORIES = frozenset({"phones", "computers", "cameras", "power-tools"})
WARNINGS = {
    "toys": "Not suitable for children under 3 years: small parts, choking hazard.",
    "power-tools": "Read the instructions before use; wear eye and hearing protection.",
    "knives": "Sharp blade: keep out of the reach of children.",
}


@dataclass(frozen=True)
class ComplianceSeedReport:
    rules: int
    registrations: int
    blocked_markets: int
    gap_seller: str


def _number(seller: Seller, scheme: str, country: str) -> str:
    digest = int(hashlib.sha256(f"{seller.slug}:{scheme}:{country}".encode()).hexdigest(), 16)
    if scheme.startswith("fr_epr"):
        return f"FR{digest % 10**6:06d}_{scheme[7:9].upper()}{digest % 10**4:04d}"
    if scheme == "de_lucid":
        return f"DE{digest % 10**13:013d}"
    if scheme == "de_weee":
        return f"DE {digest % 10**8:08d}"
    return f"{country}-BAT-{digest % 10**7:07d}"


def _chains() -> dict[int, set[str]]:
    slugs = dict(Category.objects.values_list("pk", "slug"))
    return {
        pk: {slugs[int(part)] for part in path.strip("/").split("/") if part and int(part) in slugs}
        for pk, path in Category.objects.values_list("pk", "path")
    }


def _manufacturers() -> list[Manufacturer]:
    """Every seller gives the address of the manufacturers its products name (GPSR Art. 19(a)): invented, one per
    brand, in the brand's GS1 country when the demo registered one there, else the seller's."""
    found: dict[tuple[int, str], Manufacturer] = {}
    rows = Offer.objects.values_list(
        "seller_id",
        "seller__country",
        "product__brand",
        "product__parent__brand",
        "product__attributes",
        "product__parent__attributes",
    ).distinct()
    for seller_id, country, brand, family_brand, attributes, family_attributes in rows:
        names = manufacturer_names(
            brand=brand, family_brand=family_brand, attributes={**(family_attributes or {}), **(attributes or {})}
        )
        if not names or (seller_id, names[0].casefold()) in found:
            continue
        name = names[0]
        slug = "".join(char for char in name.lower() if char.isalnum()) or "maker"
        found[(seller_id, name.casefold())] = Manufacturer(
            seller_id=seller_id,
            name=name,
            address=f"{1 + int(hashlib.sha256(name.encode()).hexdigest(), 16) % 120} Industrial Park, {name} Works",
            country=country,
            email=f"safety@{slug[:40]}.example",
        )
    return list(found.values())


def compliance_seed() -> ComplianceSeedReport:
    sellers = list(Seller.objects.order_by("pk"))
    # The gap: a shop of GAP_SELLERS when the demo has one, else the last (by name) selling outside Germany.
    selling = sorted(
        Seller.objects.filter(offers__isnull=False).exclude(country="DE").distinct().values_list("name", flat=True)
    )
    gap = next((name for name in GAP_SELLERS if name in selling), selling[-1] if selling else "")
    registrations = []
    for seller in sellers:
        for scheme in SCHEMES:
            countries = sorted(EU_MEMBER_STATES) if scheme == "battery_epr" else [SCHEME_COUNTRIES[scheme]]
            for country in countries:
                if seller.name == gap and scheme == "de_lucid":
                    continue
                registrations.append(
                    SellerRegistration(
                        seller=seller, scheme=scheme, country=country, number=_number(seller, scheme, country)
                    )
                )
    SellerRegistration.objects.bulk_create(registrations, batch_size=1000)
    ResponsiblePerson.objects.bulk_create(
        ResponsiblePerson(
            seller=seller,
            name="Comptoir EU Representation SAS",
            address="12 rue de la Paix, 75002 Paris",
            email="gpsr@comptoir.example",
            country="FR",
        )
        for seller in sellers
        if seller.country not in EU_MEMBER_STATES
    )
    Manufacturer.objects.bulk_create(_manufacturers(), batch_size=1000)
    chains = _chains()
    changed = []
    for product in Product.objects.filter(parent__isnull=True).only("pk", "category_id", "attributes"):
        chain = chains.get(product.category_id, set())
        attributes = dict(product.attributes or {})
        for slug in sorted(chain & WARNING_CATEGORIES):
            attributes.setdefault("safety_warnings", WARNINGS[slug])
        if chain & CE_CATEGORIES:
            attributes.setdefault("ce_marking", True)
        if attributes != product.attributes:
            product.attributes = attributes
            changed.append(product)
    Product.objects.bulk_update(changed, ["attributes"], batch_size=500)
    with events.delivery_paused():  # the search index is built after this, once
        report = compliance_rules_load(skip=DEMO_SKIPPED_RULES)
    assert report.blocks is not None
    return ComplianceSeedReport(
        rules=len(report.created) + len(report.changed) + report.unchanged,
        registrations=len(registrations),
        blocked_markets=report.blocks.blocks,
        gap_seller=gap,
    )

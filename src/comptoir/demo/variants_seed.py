"""Demo product families with variants (docs/CATALOG.md, "Variants"): a T-shirt in sizes and colours, sneakers in
sizes and colours, a wool coat. Built through the real services (family and variants, offers, picture uploads), each
variant with its own GTIN, offers by several sellers at prices and stock of their own, and a picture drawn in its
colour."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from comptoir.catalog.services import VariantSpec, product_family_create, product_image_upload
from comptoir.demo.identifiers import gtin13
from comptoir.demo.pictures import render_demo_picture
from comptoir.offers.services import offer_create

if TYPE_CHECKING:
    from comptoir.catalog.models import Product
    from comptoir.demo.catalog_seed import SeededCategory
    from comptoir.demo.marketplace_seed import DemoSeller

# Colour name -> the colour drawn on its pictures.
COLOURS = {
    "White": (236, 236, 232),
    "Navy": (29, 42, 77),
    "Red": (198, 40, 40),
    "Black": (27, 27, 27),
    "Beige": (190, 160, 110),
    "Green": (46, 125, 50),
}


@dataclass(frozen=True)
class DemoFamily:
    category_slug: str
    title: str
    brand: str
    description: str
    sizes: tuple[str, ...]
    colours: tuple[str, ...]
    base_price: int  # minor units (EUR)
    size_step: int  # added per size up the range
    language: str = "en"


FAMILIES = (
    DemoFamily(
        "shirts",
        "Organic cotton T-shirt",
        "Atelier Rive",
        "A heavy organic cotton jersey T-shirt with a ribbed crew neck, knitted and sewn in Portugal. Pre-shrunk.",
        ("S", "M", "L", "XL"),
        ("White", "Navy", "Red"),
        1900,
        100,
    ),
    DemoFamily(
        "sneakers",
        "Court canvas sneakers",
        "Pas Léger",
        "Low canvas sneakers on a vulcanised natural rubber sole, with a cushioned cork insole.",
        ("40", "41", "42", "43", "44"),
        ("White", "Black"),
        5900,
        0,
    ),
    DemoFamily(
        "coats",
        "Wool duffle coat",
        "Nordvik",
        "A boiled wool duffle coat with horn toggles and a lined hood.",
        ("S", "M", "L"),
        ("Navy", "Beige", "Green"),
        18900,
        1000,
    ),
)
GTIN_PREFIX = "3790042"  # a GS1 France range the other demo products do not use


def variants_seed(
    *, rng: random.Random, sellers: list[DemoSeller], categories: dict[str, SeededCategory]
) -> list[Product]:
    """Create the demo families with their variants, 1 to 3 offers per variant (a few variants without any, a few
    out of stock) by sellers of fashion (else any active seller) and one picture per variant on sale. Returns the
    families."""
    active = [seller for seller in sellers if seller.verified_at is not None and seller.standard_profile_id]
    fashion = [seller for seller in active if "fashion" in seller.departments] or active
    taken: set[str] = set()
    families = []
    for family_index, spec in enumerate(FAMILIES):
        family = product_family_create(
            title=spec.title,
            category_id=categories[spec.category_slug].category.pk,
            option_names=["Size", "Colour"],
            brand=spec.brand,
            description=spec.description,
            language=spec.language,
            attributes={"material": "cotton" if family_index == 0 else ("canvas" if family_index == 1 else "wool")},
            variants=[
                VariantSpec(option_values={"Size": size, "Colour": colour}, gtin=gtin13(GTIN_PREFIX, rng, taken))
                for colour in spec.colours
                for size in spec.sizes
            ],
        )
        families.append(family)
        sellers_here = rng.sample(fashion, min(len(fashion), 3))
        pictures: dict[str, bytes] = {}
        for variant in family.variants.order_by("id"):
            size, colour = variant.option_values["Size"], variant.option_values["Colour"]
            if rng.random() < 0.1:
                continue  # not on sale: the picker shows it as unavailable
            count = rng.choices([1, 2, 3], [45, 35, 20])[0]
            chosen = sellers_here[: min(count, len(sellers_here))]
            for position, seller in enumerate(chosen):
                assert seller.standard_profile_id is not None
                price = spec.base_price + spec.size_step * spec.sizes.index(size) + position * rng.choice([0, 100, 200])
                offer_create(
                    seller=seller.seller,
                    actor=None,
                    product_id=variant.pk,
                    sku=f"{seller.sku_prefix}-V{family_index}-{size}-{colour[:3].upper()}",
                    price_amount=price - rng.choice([0, 0, 100]),
                    currency="EUR",
                    stock=0 if rng.random() < 0.1 else rng.randint(2, 60),
                    shipping_profile_id=seller.standard_profile_id,
                )
            if colour not in pictures:
                pictures[colour] = render_demo_picture(
                    title=f"{spec.title} – {colour}", brand=spec.brand, tone=0, colour=COLOURS[colour]
                )
            product_image_upload(
                product_id=variant.pk,
                seller=chosen[0].seller,
                actor=None,
                content=pictures[colour],
                alt_text=f"{spec.title}, {colour.lower()}",
            )
    return families

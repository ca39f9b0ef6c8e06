"""Seeding the demo catalog: the category tree through `category_create`, then products in bulk.

Products are inserted with `bulk_create` (thousands through the service would be slow) but every row
passes the same rules as `catalog.services.product_create`: a checked and normalised GTIN, unique; an
ISO country of origin; a 6–10 digit HS code; positive dimensions. `catalog_product_errors` states them."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from comptoir.catalog.domain.identifiers import normalise_gtin
from comptoir.catalog.models import Category, Product
from comptoir.catalog.services import category_create
from comptoir.core import clock
from comptoir.demo.data.catalog import AUTHORS, BOOK_WORDS, ISBN_GROUPS, TREE, VALUE_FR, Department, Leaf, iter_leaves
from comptoir.demo.data.translations import CATEGORY_NAMES
from comptoir.demo.data.translations import LANGUAGES as TRANSLATED_LANGUAGES
from comptoir.demo.identifiers import gtin13
from comptoir.sellers.domain.trader import normalise_country

# GS1 prefixes of the countries where the invented brands are registered.
GS1_PREFIXES = (
    "30",
    "34",
    "37",
    "40",
    "42",
    "44",
    "80",
    "83",
    "84",
    "54",
    "87",
    "590",
    "560",
    "690",
    "693",
    "45",
    "49",
    "76",
)

# How an attribute value reads in a title: key suffix or name -> (English, French) formats.
_UNITS = {
    "_gb": ("{} GB", "{} Go"),
    "_inches": ('{}"', "{} pouces"),
    "_w": ("{} W", "{} W"),
    "_cm": ("{} cm", "{} cm"),
    "_mm": ("{} mm", "{} mm"),
    "_l": ("{} L", "{} L"),
    "_ml": ("{} ml", "{} ml"),
    "_kg": ("{} kg", "{} kg"),
    "_hz": ("{} Hz", "{} Hz"),
    "_m": ("{} m", "{} m"),
    "_v": ("{} V", "{} V"),
    "_ah": ("{} Ah", "{} Ah"),
    "_bar": ("{} bar", "{} bar"),
    "_g": ("{} g", "{} g"),
}
_NAMED = {
    "size": ("Size {}", "Taille {}"),
    "shoe_size": ("EU {}", "Pointure {}"),
    "waist": ("W{}", "T{}"),
    "pieces": ("{} pieces", "{} pièces"),
    "seats": ("{} seats", "{} places"),
    "players": ("{} players", "{} joueurs"),
    "shelves": ("{} shelves", "{} tablettes"),
    "megapixels": ("{} MP", "{} Mpx"),
    "lumens": ("{} lm", "{} lm"),
    "burners": ("{} burners", "{} brûleurs"),
    "wheels": ("{} wheels", "{} roues"),
    "pack_of": ("pack of {}", "lot de {}"),
    "ram_gb": ("{} GB RAM", "{} Go RAM"),
    "storage_gb": ("{} GB", "{} Go"),
}
_LABELS_FR = {
    "colour": "Couleur",
    "material": "Matière",
    "size": "Taille",
    "connectivity": "Connectivité",
    "capacity": "Capacité",
    "power_w": "Puissance",
    "weight": "Poids",
    "format": "Format",
    "pages": "Pages",
    "language": "Langue",
    "author": "Auteur",
    "age_range": "Âge",
    "finish": "Finition",
    "shoe_size": "Pointure",
    "gender": "Pour",
    "screen_inches": "Écran",
    "storage_gb": "Stockage",
    "ram_gb": "Mémoire vive",
}


@dataclass(frozen=True)
class SeededCategory:
    category: Category
    department: Department
    leaf: Leaf | None


def _format_value(key: str, value: str, language: str) -> str:
    word = VALUE_FR.get(value, value) if language == "fr" else value
    if key in _NAMED:
        return _NAMED[key][language == "fr"].format(word)
    for suffix, formats in _UNITS.items():
        if key.endswith(suffix):
            return formats[language == "fr"].format(word)
    return word


def _label(key: str, language: str) -> str:
    if language == "fr" and key in _LABELS_FR:
        return _LABELS_FR[key]
    for suffix in ("_gb", "_inches", "_w", "_cm", "_mm", "_l", "_ml", "_kg", "_hz", "_m", "_v", "_ah", "_bar", "_g"):
        if key.endswith(suffix):
            key = key[: -len(suffix)]
            break
    return key.replace("_", " ").capitalize()


# The departments' names in the site's other languages (Category.names; English and French are in the tree); the
# branches' and leaves' are in data/translations.py.
DEPARTMENT_NAMES: dict[str, dict[str, str]] = {
    "electronics": {"de": "Elektronik", "es": "Electrónica", "it": "Elettronica"},
    "fashion": {"de": "Mode", "es": "Moda", "it": "Moda"},
    "home": {"de": "Haus und Küche", "es": "Hogar y cocina", "it": "Casa e cucina"},
    "garden": {"de": "Garten", "es": "Jardín", "it": "Giardino"},
    "sports": {"de": "Sport und Freizeit", "es": "Deportes y aire libre", "it": "Sport e tempo libero"},
    "books": {"de": "Bücher", "es": "Libros", "it": "Libri"},
    "toys": {"de": "Spielzeug und Spiele", "es": "Juguetes y juegos", "it": "Giocattoli e giochi"},
    "beauty": {"de": "Schönheit", "es": "Belleza", "it": "Bellezza"},
    "diy": {"de": "Heimwerken und Werkzeug", "es": "Bricolaje y herramientas", "it": "Fai da te e utensili"},
}


def _names(slug: str) -> dict[str, str] | None:
    names = CATEGORY_NAMES.get(slug)
    return dict(zip(TRANSLATED_LANGUAGES, names, strict=True)) if names else None


def categories_seed(*, actor, created_at: dt.datetime) -> dict[str, SeededCategory]:
    """Create the tree through the service (which sets path and depth); returns slug -> category."""
    seeded: dict[str, SeededCategory] = {}
    with clock.frozen_at(created_at):
        for department_position, department in enumerate(TREE):
            top = category_create(
                name_en=department.name_en,
                name_fr=department.name_fr,
                slug=department.slug,
                position=department_position,
                commission_rate_bp=department.commission_rate_bp,
                names=DEPARTMENT_NAMES.get(department.slug),
                actor=actor,
            )
            seeded[department.slug] = SeededCategory(top, department, None)
            for branch_position, branch in enumerate(department.branches):
                middle = category_create(
                    name_en=branch.name_en,
                    name_fr=branch.name_fr,
                    slug=branch.slug,
                    parent=top,
                    position=branch_position,
                    names=_names(branch.slug),
                    actor=actor,
                )
                seeded[branch.slug] = SeededCategory(middle, department, None)
                for leaf_position, leaf in enumerate(branch.leaves):
                    if leaf.slug in seeded:
                        raise ValueError(f"duplicate category slug {leaf.slug}")
                    category = category_create(
                        name_en=leaf.name_en,
                        name_fr=leaf.name_fr,
                        slug=leaf.slug,
                        parent=middle,
                        position=leaf_position,
                        expected_attributes=leaf.expected_attributes,
                        names=_names(leaf.slug),
                        actor=actor,
                    )
                    seeded[leaf.slug] = SeededCategory(category, department, leaf)
    return seeded


def catalog_product_errors(product: Product) -> dict[str, str]:
    """The checks `product_create` makes, for rows inserted in bulk (the GTIN must already be normalised)."""
    problems: dict[str, str] = {}
    if not product.title.strip() or len(product.title) > 300:
        problems["title"] = "A title of 1 to 300 characters is required."
    if product.gtin is not None and normalise_gtin(product.gtin) != (product.gtin, None):
        problems["gtin"] = "Not a normalised, checked GTIN."
    if product.country_of_origin and normalise_country(product.country_of_origin) != product.country_of_origin:
        problems["country_of_origin"] = "Not an ISO 3166 code."
    if product.hs_code and not (product.hs_code.isdigit() and 6 <= len(product.hs_code) <= 10):
        problems["hs_code"] = "An HS code has 6 to 10 digits."
    for name in ("weight_grams", "length_mm", "width_mm", "height_mm"):
        value = getattr(product, name)
        if value is not None and not (isinstance(value, int) and 0 < value <= 10_000_000):
            problems[name] = "A positive whole number."
    return problems


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Split `total` proportionally to `weights` (largest remainder), each share at least one when possible."""
    weight_sum = sum(weights)
    raw = [total * weight / weight_sum for weight in weights]
    shares = [math.floor(value) for value in raw]
    order = sorted(range(len(weights)), key=lambda index: (-(raw[index] - shares[index]), index))
    for index in order[: total - sum(shares)]:
        shares[index] += 1
    return shares


DEPARTMENT_WEIGHT = {
    "electronics": 1.3,
    "fashion": 1.2,
    "books": 1.3,
    "home": 1.1,
    "garden": 0.8,
    "sports": 1.0,
    "toys": 0.9,
    "beauty": 0.9,
    "diy": 0.9,
}


def products_seed(
    *,
    rng: random.Random,
    categories: dict[str, SeededCategory],
    count: int,
    created_from: dt.datetime,
    created_days: int,
) -> list[Product]:
    """Build `count` products over the leaves and insert them in bulk. Returns them with their ids."""
    leaves = [(department, leaf) for department, _branch, leaf in iter_leaves()]
    shares = _allocate(count, [DEPARTMENT_WEIGHT.get(department.slug, 1.0) for department, _leaf in leaves])
    taken_gtins: set[str] = set()
    brand_prefixes: dict[str, str] = {}
    products: list[Product] = []
    for (_department, leaf), share in zip(leaves, shares, strict=True):
        category = categories[leaf.slug].category
        seen_titles: set[str] = set()
        for _ in range(share):
            created_at = created_from + dt.timedelta(minutes=rng.randrange(created_days * 24 * 60))
            builder = _book if leaf.kind == "book" else _goods
            for _attempt in range(6):
                product = builder(rng, leaf, category, brand_prefixes, taken_gtins, created_at)
                if product.title not in seen_titles:
                    break
                if product.gtin:
                    taken_gtins.discard(product.gtin[-13:])
            seen_titles.add(product.title)
            problems = catalog_product_errors(product)
            if problems:
                raise ValueError(f"invalid demo product {product.title!r}: {problems}")
            products.append(product)
    return Product.objects.bulk_create(products, batch_size=500)


def _goods(
    rng: random.Random,
    leaf: Leaf,
    category: Category,
    brand_prefixes: dict[str, str],
    taken_gtins: set[str],
    created_at: dt.datetime,
) -> Product:
    brand = rng.choice(leaf.brands)
    model = rng.choice(leaf.models)
    if leaf.conditions != ("new",) and rng.random() < 0.4:
        model += rng.choice([" II", " Plus", " Pro", " Lite", " S", " 2"])
    attributes = {name: rng.choice(values) for name, values in leaf.attributes.items()}
    optional = [name for name in attributes if name not in leaf.title_attributes]
    if optional and rng.random() < 0.08:  # some listings leave an attribute out (catalog quality has work to do)
        del attributes[rng.choice(optional)]
    language = "fr" if rng.random() < 0.35 else "en"
    shown = [_format_value(name, attributes[name], language) for name in leaf.title_attributes if name in attributes]
    if language == "fr":
        title = f"{leaf.noun_fr} {brand} {model}"
        description = f"{leaf.noun_fr} de la marque {brand}, modèle {model}. " + " ".join(
            f"{_label(name, 'fr')} : {_format_value(name, value, 'fr')}." for name, value in attributes.items()
        )
    else:
        title = f"{brand} {model} {leaf.noun_en}"
        description = f"{leaf.noun_en} by {brand}, model {model}. " + " ".join(
            f"{_label(name, 'en')}: {_format_value(name, value, 'en')}." for name, value in attributes.items()
        )
    if shown:
        title += " – " + ", ".join(shown)
    if brand not in brand_prefixes:
        gs1 = rng.choice(GS1_PREFIXES)
        brand_prefixes[brand] = gs1 + "".join(str(rng.randint(0, 9)) for _ in range(7 - len(gs1)))
    gtin = None if rng.random() < 0.03 else normalise_gtin(gtin13(brand_prefixes[brand], rng, taken_gtins))[0]
    length, width, height = (max(1, round(side * rng.uniform(0.85, 1.15))) for side in leaf.size_mm)
    return Product(
        gtin=gtin,
        title=title[:300],
        description=description,
        brand=brand,
        category=category,
        attributes=attributes,
        language=language,
        weight_grams=rng.randint(*leaf.weight_g),
        length_mm=length,
        width_mm=width,
        height_mm=height,
        country_of_origin=rng.choice(leaf.origins),
        hs_code=leaf.hs_code if rng.random() < 0.45 else "",
        created_at=created_at,
    )


_BOOK_PAGES = {"bd": (46, 64), "manga": (180, 220), "picture-books": (24, 40), "cookbooks": (160, 320)}
_BOOK_LANGUAGE_CODES = {"French": "fr", "English": "en", "German": "de", "Spanish": "es"}


def _book(
    rng: random.Random,
    leaf: Leaf,
    category: Category,
    brand_prefixes: dict[str, str],
    taken_gtins: set[str],
    created_at: dt.datetime,
) -> Product:
    language_name = rng.choice(leaf.attributes["language"])
    openings, endings = BOOK_WORDS[language_name]
    core = f"{rng.choice(openings)} {rng.choice(endings)}"
    author = rng.choice(AUTHORS)
    book_format = rng.choice(leaf.attributes["format"])
    pages = rng.randint(*_BOOK_PAGES.get(leaf.slug, (140, 620)))
    attributes = {"author": author, "format": book_format, "pages": str(pages), "language": language_name}
    for extra in ("genre", "age_range"):
        if extra in leaf.attributes:
            attributes[extra] = rng.choice(leaf.attributes[extra])
    code = _BOOK_LANGUAGE_CODES[language_name]
    if leaf.slug == "manga":
        core += f", vol. {rng.randint(1, 24)}"
    title = f"{core} – {author}"
    if code == "fr":
        description = f"{leaf.noun_fr} de {author}, {pages} pages, {VALUE_FR.get(book_format, book_format)}."
    else:
        description = f"A {leaf.noun_en.lower()} by {author}; {book_format}, {pages} pages."
    publisher = rng.choice(leaf.brands)
    length, width, height = (max(1, round(side * rng.uniform(0.9, 1.1))) for side in leaf.size_mm)
    return Product(
        gtin=normalise_gtin(gtin13(ISBN_GROUPS[language_name], rng, taken_gtins))[0],
        title=title[:300],
        description=description,
        brand=publisher,
        category=category,
        attributes=attributes,
        language=code,
        weight_grams=rng.randint(*leaf.weight_g),
        length_mm=length,
        width_mm=width,
        height_mm=height,
        country_of_origin=rng.choice(leaf.origins),
        hs_code=leaf.hs_code if rng.random() < 0.3 else "",
        created_at=created_at,
    )

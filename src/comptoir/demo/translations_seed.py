"""The demo catalog's text in every language of the site (docs/LANGUAGES.md, "Product text").

Each product of the seeded catalog gets a `ProductTranslation` in each of en, fr, de, es and it other than its own,
built from the same facts as its own text (its leaf's noun, brand, model and attributes; a book keeps its title, which
is the author's, and gets a description in each language). Attribute values that are words are translated; the
safety warnings the country rules ask for (compliance_seed) are translated too, since a translation's attributes
replace the product's own on the page. Written in bulk after the country rules and before the search index, which
then indexes each language with its stemmer; every row passes the service's own check (`normalise_translation`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from comptoir.catalog.domain.translations import normalise_translation
from comptoir.catalog.models import Product, ProductTranslation
from comptoir.demo.catalog_seed import SeededCategory, _format_value, _label
from comptoir.demo.data.catalog import VALUE_FR, Leaf
from comptoir.demo.data.translations import (
    BOOK_SENTENCE,
    GOODS_SENTENCE,
    LABELS,
    LANGUAGES,
    NAMED_FORMATS,
    NOUNS,
    VALUES,
)

SITE_LANGUAGES = ("en", "fr", "de", "es", "it")
# compliance_seed.WARNINGS in the other languages, by its English text.
WARNINGS: dict[str, dict[str, str]] = {
    "Not suitable for children under 3 years: small parts, choking hazard.": {
        "fr": "Ne convient pas aux enfants de moins de 3 ans : petits éléments, risque d'étouffement.",
        "de": "Nicht für Kinder unter 3 Jahren geeignet: Kleinteile, Erstickungsgefahr.",
        "es": "No apto para menores de 3 años: piezas pequeñas, riesgo de asfixia.",
        "it": "Non adatto a bambini di età inferiore a 3 anni: piccole parti, pericolo di soffocamento.",
    },
    "Read the instructions before use; wear eye and hearing protection.": {
        "fr": "Lire la notice avant utilisation ; porter des protections oculaires et auditives.",
        "de": "Vor Gebrauch die Anleitung lesen; Augen- und Gehörschutz tragen.",
        "es": "Lea las instrucciones antes de usar; utilice protección ocular y auditiva.",
        "it": "Leggere le istruzioni prima dell'uso; indossare protezioni per occhi e udito.",
    },
    "Sharp blade: keep out of the reach of children.": {
        "fr": "Lame tranchante : tenir hors de portée des enfants.",
        "de": "Scharfe Klinge: außerhalb der Reichweite von Kindern aufbewahren.",
        "es": "Hoja afilada: mantener fuera del alcance de los niños.",
        "it": "Lama affilata: tenere fuori dalla portata dei bambini.",
    },
}
_UNIT_SUFFIXES = ("_gb", "_inches", "_w", "_cm", "_mm", "_l", "_ml", "_kg", "_hz", "_m", "_v", "_ah", "_bar", "_g")


def _value(value: str, language: str) -> str:
    if language == "en":
        return value
    if language == "fr":
        return VALUE_FR.get(value, value)
    return VALUES[value][LANGUAGES.index(language)] if value in VALUES else value


def _attribute(name: str, value: Any, language: str) -> Any:
    if name == "safety_warnings" and isinstance(value, str):
        return value if language == "en" else WARNINGS.get(value, {}).get(language, value)
    return _value(value, language) if isinstance(value, str) else value


def _title_part(name: str, value: str, language: str) -> str:
    if language in ("en", "fr"):
        return _format_value(name, value, language)
    word = _value(value, language)
    if name in NAMED_FORMATS:
        return NAMED_FORMATS[name][LANGUAGES.index(language)].format(word)
    for suffix in _UNIT_SUFFIXES:
        if name.endswith(suffix):
            return _format_value(name, value, "en")
    return word


def _described_value(name: str, value: str, language: str) -> str:
    """A value after its label ("Größe: S", not "Größe: Größe S"); units stay ("Speicher: 512 GB")."""
    return _value(value, language) if name in ("size", "shoe_size") else _title_part(name, value, language)


def _model(product: Product, leaf: Leaf) -> str:
    """The model name, read back from the product's own title ("Brand Model Noun – …" or "Nom Marque Modèle – …")."""
    head = product.title.split(" – ")[0]
    brand = product.brand
    if product.language == "fr":
        return head.removeprefix(f"{leaf.noun_fr} {brand} ").strip()
    return head.removeprefix(f"{brand} ").removesuffix(f" {leaf.noun_en}").strip()


def goods_text(product: Product, leaf: Leaf, language: str) -> tuple[str, str, dict[str, Any]]:
    """(title, description, attributes) of a goods product in `language`."""
    brand, model = product.brand, _model(product, leaf)
    attributes = dict(product.attributes or {})
    shown = [_title_part(name, attributes[name], language) for name in leaf.title_attributes if name in attributes]
    described = {name: value for name, value in attributes.items() if name in leaf.attributes}
    if language == "en":
        title = f"{brand} {model} {leaf.noun_en}"
        description = f"{leaf.noun_en} by {brand}, model {model}. " + " ".join(
            f"{_label(name, 'en')}: {_described_value(name, value, 'en')}." for name, value in described.items()
        )
    elif language == "fr":
        title = f"{leaf.noun_fr} {brand} {model}"
        description = f"{leaf.noun_fr} de la marque {brand}, modèle {model}. " + " ".join(
            f"{_label(name, 'fr')} : {_described_value(name, value, 'fr')}." for name, value in described.items()
        )
    else:
        index = LANGUAGES.index(language)
        noun = NOUNS[leaf.slug][index]
        title = f"{brand} {model} {noun}" if language == "de" else f"{noun} {brand} {model}"
        description = GOODS_SENTENCE[index].format(noun=noun, brand=brand, model=model) + "".join(
            f" {LABELS[name][index]}: {_described_value(name, value, language)}."
            for name, value in described.items()
            if name in LABELS
        )
    if shown:
        title += " – " + ", ".join(shown)
    translated = {name: _attribute(name, value, language) for name, value in attributes.items()}
    return title[:300], description.strip(), translated


def book_text(product: Product, leaf: Leaf, language: str) -> tuple[str, str, dict[str, Any]]:
    """A book keeps its title (the author's, in the book's language); its description is written in `language`."""
    attributes = dict(product.attributes or {})
    author, pages = attributes.get("author", ""), attributes.get("pages", "")
    book_format = str(attributes.get("format", ""))
    if language == "en":
        description = f"A {leaf.noun_en.lower()} by {author}; {book_format}, {pages} pages."
    elif language == "fr":
        description = f"{leaf.noun_fr} de {author}, {pages} pages, {VALUE_FR.get(book_format, book_format)}."
    else:
        index = LANGUAGES.index(language)
        description = BOOK_SENTENCE[index].format(
            noun=NOUNS[leaf.slug][index], author=author, pages=pages, format=_value(book_format, language)
        )
    translated = {name: _attribute(name, value, language) for name, value in attributes.items()}
    return product.title, description, translated


def product_translations_seed(
    *, products: list[Product], categories: dict[str, SeededCategory], at: dt.datetime
) -> int:
    """Bulk-create every missing language of `products` (read again: the country rules added attributes)."""
    leaf_by_category_id = {entry.category.pk: entry.leaf for entry in categories.values() if entry.leaf}
    rows: list[ProductTranslation] = []
    for product in Product.objects.filter(pk__in=[product.pk for product in products]).order_by("pk"):
        leaf = leaf_by_category_id.get(product.category_id)
        if leaf is None:
            continue
        for language in SITE_LANGUAGES:
            if language == product.language:
                continue
            builder = book_text if leaf.kind == "book" else goods_text
            title, description, attributes = builder(product, leaf, language)
            cleaned, problems = normalise_translation(
                language=language,
                title=title,
                description=description,
                attributes=attributes,
                languages=SITE_LANGUAGES,
                own=product.language,
            )
            if cleaned is None:
                raise ValueError(f"invalid demo translation of {product.title!r} into {language}: {problems}")
            code, parts = cleaned
            rows.append(
                ProductTranslation(
                    product_id=product.pk,
                    language=code,
                    title=parts.title,
                    description=parts.description,
                    attributes=dict(parts.attributes),
                    created_at=at,
                    updated_at=at,
                )
            )
    ProductTranslation.objects.bulk_create(rows, batch_size=1000)
    return len(rows)

"""One index entry per language: a product is found in German by its German translation, with the German stemmer
(a plural finds the singular), in every other language by its own text. Same assertions on SQLite (FTS5 tables per
language, stems from Python) and PostgreSQL (rows per language, the `german` configuration stems)."""

import datetime as dt

import pytest
from django.db import connection

from comptoir.catalog.services import (
    VariantSpec,
    category_create,
    product_family_create,
    product_translation_delete,
    product_translation_put,
)
from comptoir.search.domain.text import analyse, parse_query
from comptoir.search.models import SearchText
from comptoir.search.selectors import SearchQuery, search_products
from comptoir.search.tests.support import committed
from comptoir.testing.builders import make_offer, make_product, make_seller, make_shipping_profile

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 3, 2)


@pytest.fixture
def boots(db):
    with committed():
        category = category_create(
            name_en="Footwear", name_fr="Chaussures", names={"de": "Schuhwerk"}, slug="footwear-i18n"
        )
        seller = make_seller()
        product = make_product("Leather hiking boot", category=category, brand="Alpenfuss", seller=seller)
        make_offer(seller=seller, product=product, shipping_profile=make_shipping_profile(seller))
        product_translation_put(
            product_id=product.pk,
            language="de",
            title="Wanderschuhe aus Leder",
            description="Wasserdichte Schuhe für lange Touren.",
            seller=seller,
        )
    return product


def found(text: str, language: str | None) -> list[int]:
    result = search_products(SearchQuery(text=text, language=language), placed_on=MONDAY)
    return [hit.product_id for hit in result.hits]


def test_the_german_stemmer_reduces_plural_and_singular_to_one_stem():
    assert analyse("Wanderschuhe", "de") == analyse("Wanderschuh", "de") == "wanderschuh"
    assert parse_query("Wanderschuhe", "de").words == ("wanderschuhe",)
    assert parse_query("für die Wanderung", "de").words == ("wanderung",)  # German stop words dropped


def test_a_german_query_finds_the_german_translation_by_a_stemmed_form(boots):
    # Singular query for a plural title, complete words (no prefix match helping).
    assert found("Wanderschuh ", "de") == [boots.pk]
    assert found("wasserdicht ", "de") == [boots.pk]  # the description, "Wasserdichte"
    assert found("Schuhwerk ", "de") == [boots.pk]  # the category's German name


def test_other_languages_search_their_own_entry(boots):
    assert found("Wanderschuh ", "en") == []
    assert found("hiking boots ", "en") == [boots.pk]
    # No French translation: the French entry holds the product's own (English) text.
    assert found("leather boot ", "fr") == [boots.pk]
    # An unknown language searches the default (English) entry.
    assert found("hiking ", "pt") == [boots.pk]


def test_every_product_has_one_entry_per_language(boots):
    if connection.vendor == "postgresql":
        languages = sorted(SearchText.objects.filter(document_id=boots.pk).values_list("language", flat=True))
        assert languages == ["de", "en", "es", "fr", "it"]
    else:
        with connection.cursor() as cursor:
            for language in ("en", "fr", "de", "es", "it"):
                cursor.execute(f"SELECT count(*) FROM search_fts_{language} WHERE rowid = %s", [boots.pk])
                assert cursor.fetchone()[0] == 1


def test_removing_the_translation_reindexes_the_product(boots):
    with committed():
        product_translation_delete(product_id=boots.pk, language="de", seller=boots.created_by_seller)
    assert found("Wanderschuh ", "de") == []
    assert found("hiking boot ", "de") == [boots.pk]


def test_a_translated_family_makes_its_variants_findable_in_german():
    with committed():
        seller = make_seller()
        family = product_family_create(
            title="Wool jumper",
            category_id=make_product().category_id,
            option_names=["Size"],
            variants=[VariantSpec(option_values={"Size": "M"})],
            seller=seller,
        )
        variant = family.variants.get()
        make_offer(seller=seller, product=variant, shipping_profile=make_shipping_profile(seller))
        product_translation_put(product_id=family.pk, language="de", title="Wollpullover", seller=seller)
    assert found("Wollpullover ", "de") == [variant.pk]
    assert found("wool jumper ", "en") == [variant.pk]

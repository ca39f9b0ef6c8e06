"""The API of product translations: a seller sets, reads and removes its product's text per language (idempotent PUT
and DELETE, audited), never another seller's product (404); readers get the text in their language with fallback."""

import pytest

from comptoir.api.tests.conftest import assert_problem
from comptoir.catalog.models import ProductTranslation
from comptoir.catalog.services import VariantSpec, product_family_create
from comptoir.core.models import AuditLog
from comptoir.testing.builders import make_category, make_product

pytestmark = pytest.mark.django_db

GERMAN = {"title": "Wanderschuhe aus Leder", "description": "Wasserdicht.", "attributes": {"Farbe": "Braun"}}


@pytest.fixture
def boot(seller_a):
    return make_product(
        "Leather hiking boot", description="Waterproof.", attributes={"Colour": "Brown"}, seller=seller_a.seller
    )


def test_put_creates_then_replaces_and_the_same_put_changes_nothing(api, seller_a, boot):
    path = f"seller/products/{boot.pk}/translations/de"

    created = api.put(path, GERMAN, token=seller_a.key)
    again = api.put(path, GERMAN, token=seller_a.key)
    replaced = api.put(path, {**GERMAN, "title": "Wanderstiefel"}, token=seller_a.key)

    assert created.status_code == 201, created.content
    assert created.json()["title"] == "Wanderschuhe aus Leder" and created.json()["attributes"] == {"Farbe": "Braun"}
    assert again.status_code == 200 and again.json() == created.json()
    assert replaced.status_code == 200 and replaced.json()["title"] == "Wanderstiefel"
    assert ProductTranslation.objects.filter(product=boot).count() == 1
    # Two changes audited with the seller; the repeated PUT wrote nothing.
    audited = AuditLog.objects.filter(action="product.translation_saved", seller_id=seller_a.seller.pk)
    assert audited.count() == 2
    assert api.get(path, token=seller_a.key).json()["title"] == "Wanderstiefel"
    assert [
        item["language"] for item in api.get(f"seller/products/{boot.pk}/translations", token=seller_a.key).json()
    ] == ["de"]


def test_delete_is_idempotent(api, seller_a, boot):
    path = f"seller/products/{boot.pk}/translations/de"
    api.put(path, GERMAN, token=seller_a.key)

    first = api.delete(path, token=seller_a.key)
    second = api.delete(path, token=seller_a.key)

    assert first.status_code == 204 and second.status_code == 204
    assert not ProductTranslation.objects.filter(product=boot).exists()
    assert AuditLog.objects.filter(action="product.translation_deleted").count() == 1
    assert_problem(api.get(path, token=seller_a.key), 404, "translation_not_found")


def test_another_sellers_product_is_not_found(api, seller_a, seller_b, boot):
    path = f"seller/products/{boot.pk}/translations/de"

    assert_problem(api.put(path, GERMAN, token=seller_b.key), 404, "product_not_found")
    assert_problem(api.get(path, token=seller_b.key), 404, "product_not_found")
    assert_problem(api.delete(path, token=seller_b.key), 404, "product_not_found")
    assert_problem(api.get(f"seller/products/{boot.pk}/translations", token=seller_b.key), 404, "product_not_found")
    assert not ProductTranslation.objects.exists()


def test_invalid_translations_are_refused_with_field_errors(api, seller_a, boot):
    own = api.put(f"seller/products/{boot.pk}/translations/en", GERMAN, token=seller_a.key)
    unknown = api.put(f"seller/products/{boot.pk}/translations/pt", GERMAN, token=seller_a.key)
    empty = api.put(f"seller/products/{boot.pk}/translations/de", {"title": "  "}, token=seller_a.key)

    assert "own language" in assert_problem(own, 422, "invalid_translation")["errors"]["language"]
    assert "language" in assert_problem(unknown, 422, "invalid_translation")["errors"]
    assert "title" in assert_problem(empty, 422, "invalid_translation")["errors"]
    assert not ProductTranslation.objects.exists()


def test_a_variant_is_translated_through_its_family(api, seller_a):
    family = product_family_create(
        title="Wool jumper",
        category_id=make_category().pk,
        option_names=["Size"],
        variants=[VariantSpec(option_values={"Size": "M"})],
        seller=seller_a.seller,
    )
    variant = family.variants.get()

    refused = api.put(f"seller/products/{variant.pk}/translations/de", GERMAN, token=seller_a.key)
    accepted = api.put(f"seller/products/{family.pk}/translations/de", {"title": "Wollpullover"}, token=seller_a.key)

    assert str(family.pk) in assert_problem(refused, 422, "translation_on_variant")["errors"]["product_id"]
    assert accepted.status_code == 201
    shown = api.get(f"products/{variant.pk}?lang=de").json()
    assert shown["title"] == "Wollpullover – M" and shown["text_language"] == "de"


def test_readers_get_the_text_in_their_language_with_fallback(api, seller_a, boot):
    api.put(f"seller/products/{boot.pk}/translations/de", GERMAN, token=seller_a.key)

    german = api.get(f"products/{boot.pk}", headers={"Accept-Language": "de-DE,de;q=0.9"}).json()
    by_parameter = api.get(f"products/{boot.pk}?lang=de").json()
    italian = api.get(f"products/{boot.pk}?lang=it").json()

    assert german["title"] == by_parameter["title"] == "Wanderschuhe aus Leder"
    assert german["attributes"] == {"Farbe": "Braun"} and german["text_language"] == "de"
    assert german["language"] == "en"
    # No Italian text: the product's own.
    assert italian["title"] == "Leather hiking boot" and italian["text_language"] == "en"
    assert italian["description"] == "Waterproof."

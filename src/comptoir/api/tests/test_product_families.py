"""The API of product families: create a family with its variants, add and change variants, offer a variant (never a
family), read them back; seller isolation and idempotent retries."""

import pytest

from comptoir.api.tests.conftest import assert_problem
from comptoir.catalog.models import Product
from comptoir.offers.models import Offer
from comptoir.testing.builders import make_category, make_shipping_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    return make_category("Clothing")


def family_body(category, **overrides):
    body = {
        "title": "Linen shirt",
        "category_id": category.pk,
        "option_names": ["Size", "Colour"],
        "brand": "Atelier",
        "variants": [
            {"option_values": {"Size": "M", "Colour": "Red"}, "gtin": "4006381333931"},
            {"option_values": {"Size": "L", "Colour": "Red"}},
        ],
    }
    body.update(overrides)
    return body


def test_a_seller_creates_a_family_and_offers_a_variant(api, seller_a, category):
    response = api.post("seller/product-families", family_body(category), token=seller_a.key)

    assert response.status_code == 201, response.content
    family = response.json()
    assert family["option_names"] == ["Size", "Colour"] and family["family_id"] is None
    assert [variant["option_values"] for variant in family["variants"]] == [
        {"Size": "M", "Colour": "Red"},
        {"Size": "L", "Colour": "Red"},
    ]
    medium = family["variants"][0]
    assert medium["gtin"] == "04006381333931" and medium["title"] == "Linen shirt – M / Red"

    profile = make_shipping_profile(seller_a.seller)
    offer = {
        "sku": "SHIRT-M-RED",
        "price_amount": 3900,
        "currency": "EUR",
        "stock": 7,
        "shipping_profile_id": profile.pk,
    }
    created = api.post("seller/offers", {**offer, "product_id": medium["id"]}, token=seller_a.key)
    refused = api.post("seller/offers", {**offer, "sku": "SHIRT", "product_id": family["id"]}, token=seller_a.key)

    assert created.status_code == 201 and created.json()["product_id"] == medium["id"]
    assert "family" in assert_problem(refused, 422, "invalid_offer")["errors"]["product_id"]
    variant = api.get(f"products/{medium['id']}").json()
    assert variant["family_id"] == family["id"] and variant["option_values"] == {"Size": "M", "Colour": "Red"}
    assert [item["price"]["amount_minor"] for item in variant["offers"]] == [3900]
    assert api.get(f"products/{family['id']}").json()["variants"][1]["id"] == family["variants"][1]["id"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"option_names": []}, "option_names"),
        ({"option_names": ["Size", "size"]}, "option_names"),
        ({"variants": [{"option_values": {"Size": "M"}}]}, "variants[0].option_values.Colour"),
        ({"variants": [{"option_values": {"Size": "M", "Colour": "Red", "Fit": "Slim"}}]}, "variants[0].option_values"),
        (
            {"variants": [{"option_values": {"Size": "M", "Colour": "Red"}, "gtin": "4006381333932"}]},
            "variants[0].gtin",
        ),
        (
            {"variants": [{"option_values": {"Size": "M", "Colour": "Red"}}] * 2},
            "variants[1].option_values",
        ),
    ],
)
def test_invalid_families_are_422_with_the_field_and_nothing_is_written(api, seller_a, category, change, field):
    problem = assert_problem(
        api.post("seller/product-families", family_body(category, **change), token=seller_a.key), 422
    )

    assert field in problem["errors"], problem
    assert not Product.objects.exists()


def test_a_retried_family_creation_returns_the_same_family(api, seller_a, category):
    first = api.post(
        "seller/product-families", family_body(category), token=seller_a.key, headers={"Idempotency-Key": "fam-1"}
    )
    again = api.post(
        "seller/product-families", family_body(category), token=seller_a.key, headers={"Idempotency-Key": "fam-1"}
    )

    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Product.objects.filter(parent__isnull=True).count() == 1


def test_variants_are_added_and_changed_by_their_sellers_only(api, seller_a, seller_b, category):
    family = api.post("seller/product-families", family_body(category, variants=[]), token=seller_a.key).json()

    added = api.post(
        f"seller/product-families/{family['id']}/variants",
        {"option_values": {"Size": "S", "Colour": "Blue"}},
        token=seller_a.key,
    )
    duplicate = api.post(
        f"seller/product-families/{family['id']}/variants",
        {"option_values": {"Size": "S", "Colour": "Blue"}},
        token=seller_a.key,
    )
    stranger = api.post(
        f"seller/product-families/{family['id']}/variants",
        {"option_values": {"Size": "M", "Colour": "Blue"}},
        token=seller_b.key,
    )
    variant_id = added.json()["id"]
    changed = api.patch(
        f"seller/variants/{variant_id}", {"gtin": "96385074", "title": "Small blue"}, token=seller_a.key
    )
    not_yours = api.patch(f"seller/variants/{variant_id}", {"title": "Mine"}, token=seller_b.key)
    renamed = api.patch(f"seller/product-families/{family['id']}", {"option_names": ["Size"]}, token=seller_a.key)

    assert added.status_code == 201 and added.json()["family_id"] == family["id"]
    assert "option_values" in assert_problem(duplicate, 422, "invalid_variant")["errors"]
    assert_problem(stranger, 403, "family_not_yours")
    assert changed.status_code == 200 and changed.json()["gtin"] == "00000096385074"
    assert_problem(not_yours, 403, "variant_not_yours")
    assert_problem(renamed, 409, "family_has_variants")
    assert Product.objects.get(pk=variant_id).title == "Small blue"


def test_a_variant_cannot_be_added_to_a_plain_product(api, seller_a, category):
    product = api.post("seller/products", {"title": "Mug", "category_id": category.pk}, token=seller_a.key).json()

    problem = assert_problem(
        api.post(
            f"seller/product-families/{product['id']}/variants", {"option_values": {"Size": "S"}}, token=seller_a.key
        ),
        422,
        "not_a_family",
    )

    assert problem["errors"]
    assert not Offer.objects.exists()

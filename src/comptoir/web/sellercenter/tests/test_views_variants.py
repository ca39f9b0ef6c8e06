"""Seller center: a product sold in variants — the family with its options (every combination a variant), the grid
of GTINs and offers saved all or nothing, adding a variant, and other sellers' rows left alone."""

import pytest

from comptoir.catalog.models import Product
from comptoir.catalog.services import VariantSpec, product_family_create
from comptoir.offers.models import Offer
from comptoir.testing.builders import make_category
from comptoir.web.sellercenter.tests.support import shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    return make_category("Clothing")


def test_a_seller_creates_a_family_with_every_combination(owner_client, seller_setup, category):
    response = owner_client.post(
        "/seller/offers/new/family",
        {
            "family-title": "Linen shirt",
            "family-brand": "Atelier",
            "family-category": category.pk,
            "family-option1_name": "Size",
            "family-option1_values": "S, M, L, M",
            "family-option2_name": "Colour",
            "family-option2_values": "White,Blue",
        },
    )

    family = Product.objects.get(title="Linen shirt")
    assert response.status_code == 302 and response["Location"] == f"/seller/families/{family.pk}/"
    assert family.option_names == ["Size", "Colour"] and family.created_by_seller == seller_setup["seller"]
    assert sorted(tuple(v.option_values.values()) for v in family.variants.all()) == sorted(
        (size, colour) for size in "SML" for colour in ("White", "Blue")
    )


def test_family_form_errors_are_shown_and_nothing_is_created(owner_client, category):
    response = owner_client.post(
        "/seller/offers/new/family",
        {
            "family-title": "Shirt",
            "family-category": category.pk,
            "family-option1_name": "Size",
            "family-option2_name": "Size",
            "family-option1_values": "S",
            "family-option2_values": "M",
        },
    )

    assert response.status_code == 422
    assert "Option groups must have different names." in response.content.decode()
    assert not Product.objects.filter(title="Shirt").exists()


def _family(seller, category):
    return product_family_create(
        title="Linen shirt",
        category_id=category.pk,
        option_names=["Size"],
        variants=[VariantSpec(option_values={"Size": size}) for size in ("S", "M", "L")],
        seller=seller,
    )


def _grid(family, rows, profile):
    data = {"shipping_profile": profile.pk}
    for variant in family.variants.order_by("id"):
        values = rows.get(variant.option_values["Size"], {})
        for field in ("gtin", "sku", "price", "stock"):
            data[f"v{variant.pk}-{field}"] = values.get(field, "")
    return data


def test_the_grid_saves_gtins_and_offers_together(owner_client, seller_setup, category):
    family = _family(seller_setup["seller"], category)
    rows = {
        "S": {"gtin": "4006381333931", "sku": "SH-S", "price": "39.90", "stock": "5"},
        "M": {"sku": "SH-M", "price": "41", "stock": "0"},
    }

    response = owner_client.post(f"/seller/families/{family.pk}/", _grid(family, rows, seller_setup["profile"]))
    again = owner_client.post(f"/seller/families/{family.pk}/", _grid(family, rows, seller_setup["profile"]))

    assert response.status_code == again.status_code == 302
    offers = {offer.sku: offer for offer in Offer.objects.filter(product__parent=family)}
    assert set(offers) == {"SH-S", "SH-M"}  # L left empty: no offer; the same grid again changes nothing
    assert (offers["SH-S"].price_amount, offers["SH-S"].stock) == (3990, 5)
    assert offers["SH-S"].product.gtin == "04006381333931"
    page = owner_client.get(f"/seller/families/{family.pk}/").content.decode()
    assert "SH-M" in page and f"/seller/products/{offers['SH-S'].product_id}/media" in page


def test_one_bad_row_saves_nothing(owner_client, seller_setup, category):
    family = _family(seller_setup["seller"], category)
    rows = {
        "S": {"sku": "SH-S", "price": "39.90", "stock": "5"},
        "M": {"gtin": "4006381333932", "sku": "SH-M", "price": "41", "stock": "2"},
        "L": {"sku": "SH-L", "price": "", "stock": "2"},
    }

    response = owner_client.post(f"/seller/families/{family.pk}/", _grid(family, rows, seller_setup["profile"]))

    body = response.content.decode()
    assert response.status_code == 422
    assert "Give the SKU, the price and the stock" in body
    assert not Offer.objects.filter(product__parent=family).exists()


def test_a_service_refusal_rolls_the_grid_back(owner_client, seller_setup, category):
    family = _family(seller_setup["seller"], category)
    rows = {"S": {"sku": "SH-S", "price": "39.90", "stock": "5"}, "M": {"gtin": "4006381333932"}}

    response = owner_client.post(f"/seller/families/{family.pk}/", _grid(family, rows, seller_setup["profile"]))

    assert response.status_code == 422
    assert "check digit" in response.content.decode()
    assert not Offer.objects.filter(product__parent=family).exists()


def test_another_seller_offers_variants_but_does_not_change_their_gtins(client, seller_setup, category):
    family = _family(seller_setup["seller"], category)
    other, other_owner, other_profile = shop("Other shop")
    client.force_login(other_owner)
    data = _grid(family, {"S": {"gtin": "4006381333931", "sku": "O-S", "price": "35", "stock": "3"}}, other_profile)

    response = client.post(f"/seller/families/{family.pk}/", data)

    assert response.status_code == 302
    small = family.variants.get(option_values={"Size": "S"})
    assert small.gtin is None  # not its variant: the field is not shown and is ignored
    assert Offer.objects.get(product=small).seller == other


def test_a_variant_is_added_from_the_family_page(owner_client, seller_setup, category):
    family = _family(seller_setup["seller"], category)

    added = owner_client.post(f"/seller/families/{family.pk}/variants", {"add-option_0": "XL", "add-gtin": ""})
    duplicate = owner_client.post(f"/seller/families/{family.pk}/variants", {"add-option_0": "XL", "add-gtin": ""})

    assert added.status_code == 302
    assert duplicate.status_code == 422
    assert "already has a variant" in duplicate.content.decode()
    assert family.variants.count() == 4


def test_a_plain_product_has_no_family_page(owner_client, seller_setup):
    assert owner_client.get(f"/seller/families/{seller_setup['offer'].product_id}/").status_code == 404

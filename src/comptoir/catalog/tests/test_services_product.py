"""Products are shared catalog entries; a GTIN identifies one product whatever form it is typed in."""

import pytest

from comptoir.catalog.models import Product
from comptoir.catalog.selectors import product_get_by_gtin
from comptoir.catalog.services import product_create
from comptoir.core.exceptions import ValidationError
from comptoir.core.models import AuditLog
from comptoir.testing.builders import make_category, make_product, make_seller

pytestmark = pytest.mark.django_db


def test_product_with_every_attribute_is_created():
    category = make_category("Kitchen")
    seller = make_seller()
    owner = seller.members.get().user

    product = product_create(
        title="  Chef's knife 20 cm ",
        category_id=category.pk,
        description="Forged steel.",
        brand=" Sabatier ",
        gtin="4006381333931",
        attributes={"blade_length_cm": 20, "material": "steel"},
        language="fr",
        weight_grams=250,
        length_mm=330,
        width_mm=50,
        height_mm=20,
        country_of_origin="fr",
        hs_code="821191",
        image_urls=["products/knife-1.jpg", "https://cdn.example/knife-2.jpg"],
        seller=seller,
        actor=owner,
    )

    product.refresh_from_db()
    assert (product.title, product.brand, product.gtin, product.language) == (
        "Chef's knife 20 cm",
        "Sabatier",
        "04006381333931",
        "fr",
    )
    assert product.attributes == {"blade_length_cm": 20, "material": "steel"}
    assert (product.weight_grams, product.length_mm, product.width_mm, product.height_mm) == (250, 330, 50, 20)
    assert (product.country_of_origin, product.hs_code, product.created_by_seller) == ("FR", "821191", seller)
    assert [image.url for image in product.images.all()] == ["products/knife-1.jpg", "https://cdn.example/knife-2.jpg"]
    assert AuditLog.objects.filter(
        action="product.created", target_id=str(product.pk), actor=owner, seller_id=seller.pk
    ).exists()


def test_product_without_gtin_is_allowed_and_several_may_exist():
    first, second = make_product(gtin=None), make_product(gtin="")

    assert first.gtin is None and second.gtin is None


@pytest.mark.parametrize("second_form", ["036000291452", "0036000291452", "00036000291452", "0360-0029-1452"])
def test_duplicate_gtin_in_any_form_points_to_attaching_an_offer(second_form):
    existing = make_product(gtin="036000291452")

    with pytest.raises(ValidationError) as raised:
        make_product(gtin=second_form)

    assert "attach an offer" in raised.value.fields["gtin"]
    assert list(Product.objects.values_list("pk", flat=True)) == [existing.pk]


@pytest.mark.parametrize("lookup", ["036000291452", "0036000291452", "00036000291452", " 036 000 291 452 "])
def test_product_is_found_by_any_form_of_its_gtin(lookup):
    product = make_product(gtin="0036000291452")

    assert product_get_by_gtin(lookup) == product


@pytest.mark.parametrize("lookup", ["036000291453", "garbage", "", "96385074"])
def test_unknown_or_invalid_gtin_finds_nothing(lookup):
    make_product(gtin="036000291452")

    assert product_get_by_gtin(lookup) is None


def test_every_invalid_field_is_reported_at_once():
    with pytest.raises(ValidationError) as raised:
        product_create(
            title=" ",
            category_id=999999,
            gtin="4006381333932",
            country_of_origin="XX",
            hs_code="12AB",
            weight_grams=0,
            length_mm=-5,
            width_mm=1.5,
            height_mm=True,
            attributes=["colour"],
            brand="B" * 121,
            language="",
            image_urls=["x" * 501],
        )

    assert raised.value.code == "invalid_product"
    assert set(raised.value.fields) == {
        "title",
        "category_id",
        "gtin",
        "country_of_origin",
        "hs_code",
        "weight_grams",
        "length_mm",
        "width_mm",
        "height_mm",
        "attributes",
        "brand",
        "language",
        "image_urls",
    }
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    "hs_code, accepted",
    [("8211", False), ("821191", True), ("8211910000", True), ("82119100001", False), ("٨٢١١٩١", False)],
)
def test_hs_code_has_six_to_ten_ascii_digits(hs_code, accepted):
    category = make_category()

    if accepted:
        assert product_create(title="Knife", category_id=category.pk, hs_code=hs_code).hs_code == hs_code
    else:
        with pytest.raises(ValidationError) as raised:
            product_create(title="Knife", category_id=category.pk, hs_code=hs_code)
        assert set(raised.value.fields) == {"hs_code"}


def test_title_longer_than_the_column_is_refused():
    with pytest.raises(ValidationError) as raised:
        make_product(title="T" * 301)

    assert set(raised.value.fields) == {"title"}

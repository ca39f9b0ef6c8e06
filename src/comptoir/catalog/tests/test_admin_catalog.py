import pytest
from django.urls import reverse

from comptoir.catalog.models import Category
from comptoir.core.models import AuditLog
from comptoir.testing.builders import make_category, make_offer, make_product

pytestmark = pytest.mark.django_db(transaction=True)


def _change_form(category: Category, **changes) -> dict:
    data = {"commission_rate_bp": "" if category.commission_rate_bp is None else category.commission_rate_bp}
    data.update(changes)
    return data


def test_commission_rate_changed_in_the_console_goes_through_the_service(console, operator):
    category = make_category("Lighting", commission_rate_bp=1200)

    response = console.post(
        reverse("admin:catalog_category_change", args=[category.pk]), _change_form(category, commission_rate_bp=850)
    )

    assert response.status_code == 302
    category.refresh_from_db()
    assert category.commission_rate_bp == 850
    audit = AuditLog.objects.get(action="category.commission_changed", target_id=str(category.pk))
    assert (audit.actor, audit.data) == (operator, {"from": 1200, "to": 850})


def test_commission_rate_above_100_percent_is_refused(console):
    category = make_category(commission_rate_bp=1200)

    response = console.post(
        reverse("admin:catalog_category_change", args=[category.pk]), _change_form(category, commission_rate_bp=10_001)
    )

    assert response.status_code == 200  # the form again, with its error
    category.refresh_from_db()
    assert category.commission_rate_bp == 1200
    assert not AuditLog.objects.filter(action="category.commission_changed").exists()


def test_only_the_commission_rate_can_change_after_creation(console):
    category = make_category("Garden", commission_rate_bp=1000)

    console.post(
        reverse("admin:catalog_category_change", args=[category.pk]),
        _change_form(category, name_en="Renamed", slug="renamed"),
    )

    category.refresh_from_db()
    assert (category.name_en, category.slug, category.commission_rate_bp) == ("Garden", category.slug, 1000)
    assert category.slug != "renamed"


def test_category_created_in_the_console_gets_its_place_in_the_tree(console, operator):
    parent = make_category("Home")

    response = console.post(
        reverse("admin:catalog_category_add"),
        {
            "parent": parent.pk,
            "name_en": "Lamps",
            "name_fr": "Lampes",
            "slug": "lamps",
            "position": 0,
            "commission_rate_bp": "900",
            "expected_attributes": "[]",
            "_continue": "Save and continue editing",
        },
    )

    assert response.status_code == 302
    lamps = Category.objects.get(slug="lamps")
    assert (lamps.depth, lamps.path, lamps.commission_rate_bp) == (1, f"{parent.path}{lamps.pk}/", 900)
    assert response["Location"] == reverse("admin:catalog_category_change", args=[lamps.pk])
    assert AuditLog.objects.get(action="category.created").actor == operator


def test_category_tree_is_indented_with_inherited_rates(console):
    root = make_category("Electronics", commission_rate_bp=700)
    make_category("Audio", parent=root)

    response = console.get(reverse("admin:catalog_category_changelist"))

    page = response.content.decode()
    assert "— Audio" in page
    rows = {category.name_en: category.effective_commission_bp for category in response.context["cl"].result_list}
    assert rows["Audio"] == 700


def test_products_and_offers_are_searchable_by_gtin_title_and_sku(console):
    product = make_product("Brass desk lamp", gtin="4006381333931")
    offer = make_offer(product=product, sku="LAMP-BRASS-01")
    make_product("Oak table")

    by_gtin = console.get(reverse("admin:catalog_product_changelist"), {"q": "4006381333931"})
    by_title = console.get(reverse("admin:catalog_product_changelist"), {"q": "brass"})
    by_sku = console.get(reverse("admin:offers_offer_changelist"), {"q": "LAMP-BRASS-01"})
    offers_by_gtin = console.get(reverse("admin:offers_offer_changelist"), {"q": "4006381333931"})

    assert [item.pk for item in by_gtin.context["cl"].result_list] == [product.pk]
    assert [item.pk for item in by_title.context["cl"].result_list] == [product.pk]
    assert [item.pk for item in by_sku.context["cl"].result_list] == [offer.pk]
    assert [item.pk for item in offers_by_gtin.context["cl"].result_list] == [offer.pk]


def test_products_cannot_be_edited_from_the_console(console):
    product = make_product("Brass desk lamp")

    response = console.post(reverse("admin:catalog_product_change", args=[product.pk]), {"title": "Changed"})

    assert response.status_code == 403
    product.refresh_from_db()
    assert product.title == "Brass desk lamp"


def test_an_operator_removes_a_picture_from_the_console(console, operator, tmp_path, settings):
    from comptoir.catalog.models import ProductImage
    from comptoir.catalog.services import product_image_upload
    from comptoir.catalog.tests.files import png_bytes

    settings.MEDIA_ROOT = tmp_path
    offer = make_offer()
    image = product_image_upload(
        product_id=offer.product_id, seller=offer.seller, actor=None, content=png_bytes()
    ).image
    assert console.get(reverse("admin:catalog_productimage_changelist")).status_code == 200

    response = console.post(
        reverse("admin:catalog_productimage_changelist"),
        {"action": "remove_pictures", "_selected_action": [image.pk]},
    )

    assert response.status_code == 302
    assert not ProductImage.objects.exists()
    audit = AuditLog.objects.get(action="product.image_removed")
    assert (audit.actor, audit.seller_id) == (operator, offer.seller_id)
    assert not (tmp_path / image.file.name).exists()


def test_category_names_in_other_languages_change_through_their_service(console, operator):
    category = make_category("Lighting", commission_rate_bp=1200)

    response = console.post(
        reverse("admin:catalog_category_change", args=[category.pk]),
        _change_form(category, names='{"de": " Beleuchtung ", "it": "Illuminazione"}'),
    )
    refused = console.post(
        reverse("admin:catalog_category_change", args=[category.pk]), _change_form(category, names='{"de": ""}')
    )

    assert response.status_code == 302 and refused.status_code == 302  # the refusal is a message on the list
    category.refresh_from_db()
    assert category.name_in("de") == "Beleuchtung" and category.name_in("it") == "Illuminazione"
    assert category.name_in("es") == "Lighting" and category.commission_rate_bp == 1200
    audit = AuditLog.objects.get(action="category.names_changed", target_id=str(category.pk))
    assert audit.actor == operator and audit.data["to"] == {"de": "Beleuchtung", "it": "Illuminazione"}

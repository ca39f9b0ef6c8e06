"""product_bulk_create: the one-product services' rules, once per batch, all or nothing; product_update."""

import pytest

from comptoir.catalog.models import Product, ProductImage
from comptoir.catalog.services import (
    ProductDraft,
    product_bulk_create,
    product_family_create,
    product_update,
)
from comptoir.core.exceptions import PermissionDenied, ValidationError
from comptoir.core.models import AuditLog
from comptoir.testing.builders import make_category, make_product, make_seller

pytestmark = pytest.mark.django_db


def test_families_plain_products_and_variants_are_created_with_the_rules_of_the_single_services():
    # given a seller and a category
    seller = make_seller()
    shirts = make_category("Shirts")
    # when it creates a family and a plain product, then two variants of that family
    family, mug = product_bulk_create(
        drafts=[
            ProductDraft(title=" Tee ", category_id=shirts.pk, brand="Acme", option_names=[" Size ", "Colour"]),
            ProductDraft(title="Mug", category_id=shirts.pk, gtin="4006381333931", image_urls=("https://x/mug.jpg",)),
        ],
        seller=seller,
    )
    small, large = product_bulk_create(
        drafts=[
            ProductDraft(title="", family_id=family.pk, option_values={"Colour": "Red", "Size": " S "}),
            ProductDraft(title="Big tee", family_id=family.pk, option_values={"Size": "L", "Colour": "Red"}),
        ],
        seller=seller,
    )
    # then they are what the single services would have made
    assert (family.title, family.option_names, family.created_by_seller) == ("Tee", ["Size", "Colour"], seller)
    assert mug.gtin == "04006381333931"
    assert ProductImage.objects.get(product=mug).url == "https://x/mug.jpg"
    small.refresh_from_db()
    assert small.option_values == {"Size": "S", "Colour": "Red"}
    assert list(small.option_values) == ["Size", "Colour"]  # the family's order: one stored form per combination
    assert (small.title, small.brand, small.category_id, small.parent_id) == (
        "Tee – S / Red",
        "Acme",
        shirts.pk,
        family.pk,
    )
    assert large.title == "Big tee"
    assert AuditLog.objects.filter(action="product.bulk_created").count() == 2


def test_one_bad_draft_refuses_the_batch_and_names_each_error_by_index():
    # given a family with a variant and a product holding a GTIN
    shirts = make_category("Shirts")
    family = product_family_create(title="Tee", category_id=shirts.pk, option_names=["Size"])
    product_bulk_create(drafts=[ProductDraft(title="", family_id=family.pk, option_values={"Size": "M"})])
    make_product("Mug", category=shirts, gtin="4006381333931")
    plain = make_product("Plain", category=shirts)
    before = Product.objects.count()
    # when a batch holds good drafts and every kind of bad one
    with pytest.raises(ValidationError) as raised:
        product_bulk_create(
            drafts=[
                ProductDraft(title="Fine", category_id=shirts.pk),
                ProductDraft(title="", category_id=shirts.pk),
                ProductDraft(title="Taken", category_id=shirts.pk, gtin="4006381333931"),
                ProductDraft(title="Twice", category_id=shirts.pk, gtin="96385074"),
                ProductDraft(title="Twice again", category_id=shirts.pk, gtin="96385074"),
                ProductDraft(title="", family_id=family.pk, option_values={"Size": "M"}),
                ProductDraft(title="", family_id=family.pk, option_values={"Colour": "Red"}),
                ProductDraft(title="", family_id=plain.pk, option_values={"Size": "S"}),
                ProductDraft(title="Nowhere", category_id=10**9),
                ProductDraft(title="Fam", category_id=shirts.pk, option_names=["Size", "size"]),
            ]
        )
    # then nothing is created and every error is named
    assert Product.objects.count() == before
    fields = raised.value.fields
    assert set(fields) == {
        "items[1].title",
        "items[2].gtin",
        "items[4].gtin",
        "items[5].option_values",
        "items[6].option_values",
        "items[6].option_values.Size",
        "items[7].family_id",
        "items[8].category_id",
        "items[9].option_names",
    }
    assert raised.value.code == "invalid_product"


def test_a_seller_adds_variants_only_to_a_family_it_may_extend():
    shirts = make_category("Shirts")
    family = product_family_create(title="Tee", category_id=shirts.pk, option_names=["Size"], seller=make_seller())
    with pytest.raises(ValidationError) as raised:
        product_bulk_create(
            drafts=[ProductDraft(title="", family_id=family.pk, option_values={"Size": "S"})], seller=make_seller()
        )
    assert "items[0].family_id" in raised.value.fields


def test_a_batch_costs_a_fixed_number_of_queries(django_assert_max_num_queries):
    seller = make_seller()
    shirts = make_category("Shirts")
    [family] = product_bulk_create(
        drafts=[ProductDraft(title="Tee", category_id=shirts.pk, option_names=["Size"])], seller=seller
    )
    drafts = [
        ProductDraft(title="", family_id=family.pk, option_values={"Size": str(size)}, image_urls=("https://x/a.jpg",))
        for size in range(300)
    ]
    with django_assert_max_num_queries(12):
        product_bulk_create(drafts=drafts, seller=seller)
    assert Product.objects.filter(parent=family).count() == 300


def test_product_update_changes_a_plain_products_own_text_only_for_its_creator():
    seller = make_seller()
    shirts = make_category("Shirts")
    [product] = product_bulk_create(drafts=[ProductDraft(title="Mug", category_id=shirts.pk)], seller=seller)
    updated = product_update(product_id=product.pk, changes={"title": " Big mug ", "weight_grams": 300}, seller=seller)
    assert (updated.title, updated.weight_grams) == ("Big mug", 300)
    with pytest.raises(PermissionDenied):
        product_update(product_id=product.pk, changes={"title": "Mine"}, seller=make_seller())
    with pytest.raises(ValidationError) as raised:
        product_update(product_id=product.pk, changes={"title": "", "gtin": "1"}, seller=seller)
    assert set(raised.value.fields) == {"gtin"}
    with pytest.raises(ValidationError) as raised:
        product_update(product_id=product.pk, changes={"title": ""}, seller=seller)
    assert set(raised.value.fields) == {"title"}
    family = product_family_create(title="Tee", category_id=shirts.pk, option_names=["Size"])
    with pytest.raises(ValidationError):
        product_update(product_id=family.pk, changes={"title": "Shirt"})


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_batches_adding_the_same_combination_at_once_add_one_variant():
    import threading

    from django.db import connection

    # given a family, and two imports racing to add its M variant with other sizes
    family = product_family_create(title="Tee", category_id=make_category().pk, option_names=["Size"])
    start = threading.Barrier(2)
    created, refused, failures = [], [], []

    def add(sizes):
        try:
            start.wait(timeout=10)
            drafts = [ProductDraft(title="", family_id=family.pk, option_values={"Size": size}) for size in sizes]
            created.append(product_bulk_create(drafts=drafts))
        except ValidationError as error:
            refused.append(error)
        except Exception as error:  # reported below; a thread must not swallow a failure
            failures.append(error)
        finally:
            connection.close()

    # when both run at once
    threads = [threading.Thread(target=add, args=(sizes,)) for sizes in (["S", "M"], ["M", "L"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then one batch is added whole (the family is locked while its combinations are checked), the other refused
    # whole with the combination named, not a database error
    assert failures == []
    assert len(created) == 1 and len(refused) == 1
    assert "items[" in next(iter(refused[0].fields)) and "option_values" in next(iter(refused[0].fields))
    assert Product.objects.filter(parent=family).count() == 2


def test_an_importer_adds_pictures_to_the_family_it_created_and_to_nothing_else(media_root):
    from comptoir.catalog.services import product_image_import
    from comptoir.catalog.tests.files import png_bytes

    seller = make_seller()
    family = product_family_create(title="Tee", category_id=make_category().pk, option_names=["Size"], seller=seller)
    outcome = product_image_import(
        product_id=family.pk, seller=seller, actor=None, content=png_bytes(), source_url="https://shop/t.png"
    )
    assert outcome.created and outcome.image.file.name.startswith(f"catalog/products/{family.pk}/")
    assert AuditLog.objects.get(action="product.image_imported").data["url"] == "https://shop/t.png"
    again = product_image_import(product_id=family.pk, seller=seller, actor=None, content=png_bytes())
    assert (again.created, again.image.pk) == (False, outcome.image.pk)
    with pytest.raises(PermissionDenied):
        product_image_import(product_id=family.pk, seller=make_seller(), actor=None, content=png_bytes())
    with pytest.raises(ValidationError):
        product_image_import(product_id=family.pk, seller=seller, actor=None, content=b"<html>not a picture</html>")

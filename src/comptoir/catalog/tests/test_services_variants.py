"""Product families and variants: one variant per combination, option values keyed by the family's groups, GTIN rules
as for every product, no offer on a family, and who may write."""

import pytest
from django.db import IntegrityError, transaction

from comptoir.catalog.models import Product
from comptoir.catalog.selectors import product_family_variants, product_variant_find
from comptoir.catalog.services import (
    VariantSpec,
    product_family_create,
    product_family_update,
    product_variant_create,
    product_variant_update,
)
from comptoir.core.exceptions import Conflict, PermissionDenied, ValidationError
from comptoir.core.models import AuditLog
from comptoir.testing.builders import make_category, make_offer, make_product, make_seller

pytestmark = pytest.mark.django_db


def _family(**extra):
    return product_family_create(
        title="Linen shirt",
        category_id=extra.pop("category", None) or make_category().pk,
        option_names=extra.pop("option_names", ["Size", "Colour"]),
        **extra,
    )


def test_family_with_variants_is_created_in_the_family_group_order():
    seller = make_seller()
    owner = seller.members.get().user

    family = _family(
        brand="Atelier",
        variants=[
            VariantSpec(option_values={"Colour": " Red ", "Size": "M"}, gtin="4006381333931"),
            VariantSpec(option_values={"Size": "L", "Colour": "Sky   blue"}, title="Linen shirt, large, sky blue"),
        ],
        seller=seller,
        actor=owner,
    )

    assert family.option_names == ["Size", "Colour"] and family.is_family and family.gtin is None
    first, second = product_family_variants(family.pk)
    assert list(first.option_values.items()) == [("Size", "M"), ("Colour", "Red")]
    assert (first.title, first.gtin, first.brand, first.category_id) == (
        "Linen shirt – M / Red",
        "04006381333931",
        "Atelier",
        family.category_id,
    )
    assert second.option_values == {"Size": "L", "Colour": "Sky blue"}
    assert second.title == "Linen shirt, large, sky blue"
    assert not first.is_family and first.parent_id == family.pk
    assert AuditLog.objects.filter(action="product.family_created", target_id=str(family.pk), actor=owner).exists()
    assert AuditLog.objects.filter(action="product.variant_created", seller_id=seller.pk).count() == 2


@pytest.mark.parametrize(
    ("option_names", "message"),
    [
        ([], "At least one option group"),
        (["Size", " size "], "different names"),
        (["A", "B", "C", "D", "E", "F"], "At most 5"),
        (["Size", ""], "1 to 40 characters"),
        ("Size", "At least one option group"),
    ],
)
def test_family_option_groups_are_validated(option_names, message):
    with pytest.raises(ValidationError) as raised:
        _family(option_names=option_names)

    assert message in raised.value.fields["option_names"]
    assert not Product.objects.exists()


def test_family_reports_the_product_errors_and_the_option_errors_together():
    with pytest.raises(ValidationError) as raised:
        product_family_create(title="", category_id=make_category().pk, option_names=[])

    assert set(raised.value.fields) >= {"title", "option_names"}


@pytest.mark.parametrize(
    ("option_values", "field"),
    [
        ({"Size": "M"}, "option_values.Colour"),
        ({"Size": "M", "Colour": "  "}, "option_values.Colour"),
        ({"Size": "M", "Colour": "Red", "Fit": "Slim"}, "option_values"),
        ({"Size": "M", "Colour": 3}, "option_values.Colour"),
        ({"Size": "M", "Colour": "x" * 61}, "option_values.Colour"),
        (["M", "Red"], "option_values"),
    ],
)
def test_variant_option_values_are_exactly_the_family_groups(option_values, field):
    family = _family()

    with pytest.raises(ValidationError) as raised:
        product_variant_create(family_id=family.pk, option_values=option_values)

    assert raised.value.code == "invalid_variant" and field in raised.value.fields
    assert not family.variants.exists()


def test_one_variant_per_combination_and_a_bad_variant_creates_nothing():
    category = make_category()

    with pytest.raises(ValidationError) as raised:
        product_family_create(
            title="Sneaker",
            category_id=category.pk,
            option_names=["Size"],
            variants=[VariantSpec(option_values={"Size": "42"}), VariantSpec(option_values={"Size": " 42"})],
        )

    assert "already has a variant" in raised.value.fields["variants[1].option_values"]
    assert not Product.objects.exists()  # neither the family nor the first variant


def test_adding_an_existing_combination_is_refused():
    family = _family(variants=[VariantSpec(option_values={"Size": "M", "Colour": "Red"})])

    with pytest.raises(ValidationError) as raised:
        product_variant_create(family_id=family.pk, option_values={"Colour": "Red", "Size": "M"})

    assert raised.value.fields == {"option_values": "This family already has a variant with these options."}
    assert family.variants.count() == 1


def test_the_database_refuses_a_second_variant_with_the_same_combination():
    family = _family(variants=[VariantSpec(option_values={"Size": "M", "Colour": "Red"})])

    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.create(
            title="Copy", category_id=family.category_id, parent=family, option_values={"Size": "M", "Colour": "Red"}
        )


@pytest.mark.parametrize(
    "fields",
    [
        {"option_values": {"Size": "M"}},  # option values without a family
        {"option_names": ["Size"], "option_values": {"Size": "M"}},  # a family with option values
    ],
)
def test_the_database_keeps_option_values_on_variants_only(fields):
    category = make_category()

    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.create(title="Odd", category=category, **fields)


def test_the_database_refuses_a_variant_that_is_a_family():
    family = _family()

    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.create(
            title="Odd",
            category_id=family.category_id,
            parent=family,
            option_values={"Size": "S", "Colour": "Red"},
            option_names=["Fit"],
        )


def test_variant_gtin_follows_the_product_rules():
    make_product(gtin="4006381333931")
    family = _family()

    with pytest.raises(ValidationError) as wrong_digit:
        product_variant_create(family_id=family.pk, option_values={"Size": "S", "Colour": "Red"}, gtin="4006381333932")
    with pytest.raises(ValidationError) as taken:
        product_variant_create(family_id=family.pk, option_values={"Size": "S", "Colour": "Red"}, gtin="4006381333931")

    assert wrong_digit.value.fields["gtin"] == "The GTIN check digit is wrong."
    assert "already exists" in taken.value.fields["gtin"]


def test_a_variant_cannot_be_added_to_a_plain_product_or_a_variant():
    plain = make_product()
    family = _family(variants=[VariantSpec(option_values={"Size": "M", "Colour": "Red"})])
    variant = family.variants.get()

    for product in (plain, variant):
        with pytest.raises(ValidationError) as raised:
            product_variant_create(family_id=product.pk, option_values={"Size": "S"})
        assert raised.value.code == "not_a_family"


def test_a_family_takes_no_offer_and_its_variants_do():
    family = _family(variants=[VariantSpec(option_values={"Size": "M", "Colour": "Red"})])
    variant = family.variants.get()

    with pytest.raises(ValidationError) as raised:
        make_offer(product=family)
    offer = make_offer(product=variant, sku="SHIRT-M-RED", price_amount=3500, stock=4)

    assert "family" in raised.value.fields["product_id"]
    assert (offer.product_id, offer.sku, offer.price_amount, offer.stock) == (variant.pk, "SHIRT-M-RED", 3500, 4)


def test_who_may_add_variants_to_a_family():
    creator, reseller, stranger = make_seller(), make_seller(), make_seller()
    family = _family(seller=creator, variants=[VariantSpec(option_values={"Size": "M", "Colour": "Red"})])
    make_offer(seller=reseller, product=family.variants.get())

    product_variant_create(family_id=family.pk, option_values={"Size": "L", "Colour": "Red"}, seller=creator)
    product_variant_create(family_id=family.pk, option_values={"Size": "S", "Colour": "Red"}, seller=reseller)
    with pytest.raises(PermissionDenied) as raised:
        product_variant_create(family_id=family.pk, option_values={"Size": "XL", "Colour": "Red"}, seller=stranger)

    assert raised.value.code == "family_not_yours"
    assert family.variants.count() == 3


def test_variant_update_changes_its_own_fields_and_keeps_combinations_unique():
    seller = make_seller()
    family = _family(
        seller=seller,
        variants=[
            VariantSpec(option_values={"Size": "M", "Colour": "Red"}),
            VariantSpec(option_values={"Size": "L", "Colour": "Red"}),
        ],
    )
    medium, large = product_family_variants(family.pk)

    updated = product_variant_update(
        variant_id=medium.pk,
        changes={"gtin": "96385074", "option_values": {"Size": "S", "Colour": "Red"}, "title": "Small red"},
        seller=seller,
    )
    with pytest.raises(ValidationError) as duplicate:
        product_variant_update(variant_id=large.pk, changes={"option_values": {"Size": "S", "Colour": "Red"}})
    with pytest.raises(ValidationError) as unknown:
        product_variant_update(variant_id=large.pk, changes={"category_id": 1})
    with pytest.raises(PermissionDenied):
        product_variant_update(variant_id=large.pk, changes={"title": "Mine"}, seller=make_seller())

    updated.refresh_from_db()
    assert (updated.gtin, updated.option_values, updated.title) == (
        "00000096385074",
        {"Size": "S", "Colour": "Red"},
        "Small red",
    )
    assert "option_values" in duplicate.value.fields and "category_id" in unknown.value.fields
    assert product_variant_find(family_id=family.pk, option_values={"Size": " S", "Colour": "Red"}) == updated
    assert product_variant_find(family_id=family.pk, option_values={"Size": "M", "Colour": "Red"}) is None


def test_family_update_renames_groups_only_without_variants_and_passes_the_brand_on():
    seller = make_seller()
    empty = _family(seller=seller)
    family = _family(seller=seller, variants=[VariantSpec(option_values={"Size": "M", "Colour": "Red"})])

    product_family_update(family_id=empty.pk, changes={"option_names": ["Size", "Color"]}, seller=seller)
    product_family_update(family_id=family.pk, changes={"brand": "Maison", "title": "Shirt"}, seller=seller)
    with pytest.raises(Conflict):
        product_family_update(family_id=family.pk, changes={"option_names": ["Size"]}, seller=seller)
    with pytest.raises(PermissionDenied):
        product_family_update(family_id=family.pk, changes={"title": "Other"}, seller=make_seller())

    empty.refresh_from_db()
    family.refresh_from_db()
    assert empty.option_names == ["Size", "Color"]
    assert (family.title, family.brand, family.variants.get().brand) == ("Shirt", "Maison", "Maison")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_requests_adding_the_same_combination_at_once_add_one_variant():
    import threading

    from django.db import connection

    # given a family, and two requests racing to add its M / Red (e.g. a retried import)
    family = _family()
    start = threading.Barrier(2)
    created, refused, errors = [], [], []

    def add():
        try:
            start.wait(timeout=10)
            created.append(product_variant_create(family_id=family.pk, option_values={"Size": "M", "Colour": "Red"}))
        except ValidationError as error:
            refused.append(error)
        except Exception as error:  # reported below; a thread must not swallow a failure
            errors.append(error)
        finally:
            connection.close()

    # when both run at once
    threads = [threading.Thread(target=add) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then one variant is added (the family row is locked while the combinations are checked), the other refused
    assert errors == []
    assert len(created) == len(refused) == 1
    assert refused[0].fields == {"option_values": "This family already has a variant with these options."}
    assert family.variants.count() == 1

"""Category tree: materialised paths, depth, inherited commission."""

import pytest
from django.test import override_settings

from comptoir.catalog.models import Category
from comptoir.catalog.selectors import category_commission_bp, category_subtree_ids
from comptoir.catalog.services import category_create, category_set_commission
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.core.models import AuditLog
from comptoir.testing.builders import make_category, make_operator

pytestmark = pytest.mark.django_db


def test_paths_and_depths_follow_the_tree():
    home = category_create(name_en="Home", name_fr="Maison")
    kitchen = category_create(name_en="Kitchen", name_fr="Cuisine", parent=home)
    knives = category_create(name_en="Knives", name_fr="Couteaux", parent=kitchen)

    assert (home.path, home.depth) == (f"/{home.pk}/", 0)
    assert (kitchen.path, kitchen.depth) == (f"/{home.pk}/{kitchen.pk}/", 1)
    assert (knives.path, knives.depth) == (f"/{home.pk}/{kitchen.pk}/{knives.pk}/", 2)
    assert Category.objects.get(pk=knives.pk).path == knives.path
    assert (home.slug, knives.slug) == ("home", "knives")


def test_subtree_contains_descendants_only():
    home, garden = make_category("Home"), make_category("Garden")
    kitchen = make_category("Kitchen", parent=home)
    knives = make_category("Knives", parent=kitchen)

    assert sorted(category_subtree_ids(home)) == sorted([home.pk, kitchen.pk, knives.pk])
    assert sorted(category_subtree_ids(kitchen)) == sorted([kitchen.pk, knives.pk])
    assert garden.pk not in category_subtree_ids(home)


def test_category_name_follows_the_active_language():
    from django.utils import translation

    category = category_create(name_en="Kitchen", name_fr="Cuisine")

    with translation.override("fr"):
        assert category.name == "Cuisine"
    with translation.override("en"):
        assert category.name == "Kitchen"


def test_commission_is_inherited_from_the_nearest_ancestor_with_a_rate():
    root = make_category("Root", commission_rate_bp=1500)
    middle = make_category("Middle", parent=root)
    leaf = make_category("Leaf", parent=middle)
    special = make_category("Special", parent=middle, commission_rate_bp=800)

    assert category_commission_bp(root) == 1500
    assert category_commission_bp(middle) == 1500
    assert category_commission_bp(leaf) == 1500
    assert category_commission_bp(special) == 800


def test_commission_change_on_an_ancestor_reaches_descendants_and_is_audited():
    root = make_category("Root", commission_rate_bp=1500)
    leaf = make_category("Leaf", parent=make_category("Middle", parent=root))
    operator = make_operator()

    category_set_commission(category_id=root.pk, commission_rate_bp=1000, actor=operator)

    assert category_commission_bp(leaf) == 1000
    row = AuditLog.objects.get(action="category.commission_changed")
    assert (row.actor, row.data) == (operator, {"from": 1500, "to": 1000})


def test_zero_commission_is_a_rate_not_an_absence():
    root = make_category("Root", commission_rate_bp=1500)
    free = make_category("Free", parent=root, commission_rate_bp=0)

    assert category_commission_bp(make_category("Child", parent=free)) == 0


@override_settings(COMPTOIR={"DEFAULT_COMMISSION_BP": 1234})
def test_without_any_rate_the_marketplace_default_applies():
    leaf = make_category("Leaf", parent=make_category("Root"))

    assert category_commission_bp(leaf) == 1234


@pytest.mark.parametrize("rate", [-1, 10_001, 12.5, "1200", True])
def test_invalid_commission_rates_are_field_errors(rate):
    category = make_category()

    with pytest.raises(ValidationError) as create_error:
        category_create(name_en="X", name_fr="X", commission_rate_bp=rate)
    with pytest.raises(ValidationError) as change_error:
        category_set_commission(category_id=category.pk, commission_rate_bp=rate, actor=make_operator())

    assert set(create_error.value.fields) == set(change_error.value.fields) == {"commission_rate_bp"}


def test_commission_change_on_an_unknown_category_is_not_found():
    with pytest.raises(NotFound):
        category_set_commission(category_id=987654, commission_rate_bp=100, actor=make_operator())


def test_invalid_names_and_slugs_are_field_errors():
    category_create(name_en="Books", name_fr="Livres")

    with pytest.raises(ValidationError) as raised:
        category_create(name_en="Books", name_fr=" ")
    with pytest.raises(ValidationError) as bad_slug:
        category_create(name_en="Other", name_fr="Autre", slug="Not A Slug!")

    assert set(raised.value.fields) == {"name_fr", "slug"}
    assert "already uses" in raised.value.fields["slug"]
    assert set(bad_slug.value.fields) == {"slug"}
    assert Category.objects.count() == 1

"""Setting how a product is taxed (`product_tax_set`, `comptoir tax product-set`): validated, idempotent, audited,
and the country rules follow in the same transaction (docs/TAXES.md "Categories")."""

import io

import pytest
from django.core.management import CommandError, call_command

from comptoir.catalog.models import Product
from comptoir.catalog.services import product_tax_set
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.core.models import AuditLog
from comptoir.testing.builders import make_operator, make_product

pytestmark = pytest.mark.django_db


def test_a_category_is_set_once_and_setting_it_again_changes_nothing():
    product, operator = make_product("Odyssey"), make_operator()

    product_tax_set(product_id=product.pk, tax_class="reduced", tax_category="books", actor=operator)
    product_tax_set(product_id=product.pk, tax_class="reduced", tax_category="books", actor=operator)

    product.refresh_from_db()
    assert (product.tax_class, product.tax_category) == ("reduced", "books")
    audit = AuditLog.objects.get(action="product.tax_set")
    assert audit.data == {
        "before": {"tax_class": "standard", "tax_category": ""},
        "after": {"tax_class": "reduced", "tax_category": "books"},
    }


@pytest.mark.parametrize(
    ("tax_class", "tax_category", "field"),
    [("lowered", "books", "tax_class"), ("standard", "Books!", "tax_category"), ("standard", "b", "tax_category")],
)
def test_a_bad_class_or_category_is_refused_with_its_field(tax_class, tax_category, field):
    product = make_product()
    with pytest.raises(ValidationError) as raised:
        product_tax_set(product_id=product.pk, tax_class=tax_class, tax_category=tax_category, actor=None)
    assert field in raised.value.fields
    assert Product.objects.get(pk=product.pk).tax_category == ""


def test_an_unknown_product_is_not_found():
    with pytest.raises(NotFound):
        product_tax_set(product_id=987654, tax_class="standard", tax_category="books", actor=None)


def test_the_command_sets_the_category_and_says_when_it_is_an_excise_good():
    product = make_product("Bordeaux 2019")
    out = io.StringIO()
    call_command("tax", "product-set", "--product", str(product.pk), "--category", "alcohol", stdout=out)
    assert f"product {product.pk}: class standard, category alcohol (an excise good)." in out.getvalue()
    with pytest.raises(CommandError, match="tax_category"):
        call_command("tax", "product-set", "--product", str(product.pk), "--category", "Wine!")

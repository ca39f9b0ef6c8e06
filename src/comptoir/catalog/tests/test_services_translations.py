"""product_translation_put / product_translation_delete: who may write, idempotence, audit, the search event, and two
writers of one product at once."""

import threading

import pytest
from django.db import connection

from comptoir.catalog.events import ProductsChanged
from comptoir.catalog.models import ProductTranslation
from comptoir.catalog.services import (
    VariantSpec,
    product_family_create,
    product_translation_delete,
    product_translation_put,
)
from comptoir.core import events
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.core.models import AuditLog
from comptoir.testing.builders import make_category, make_product, make_seller

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(monkeypatch):
    seen: list[ProductsChanged] = []
    original = events.publish

    def record(event):
        if isinstance(event, ProductsChanged):
            seen.append(event)
        return original(event)

    monkeypatch.setattr("comptoir.catalog.services.translations.publish", record)
    return seen


def test_a_seller_translates_its_product_once_however_often_it_repeats(published):
    seller = make_seller()
    product = make_product("Hiking boot", seller=seller)

    first = product_translation_put(product_id=product.pk, language="de", title="Wanderschuh", seller=seller)
    repeated = product_translation_put(product_id=product.pk, language="de", title="Wanderschuh ", seller=seller)

    assert (first.is_created, first.is_changed) == (True, True)
    assert (repeated.is_created, repeated.is_changed) == (False, False)
    assert ProductTranslation.objects.get().title == "Wanderschuh"
    assert AuditLog.objects.filter(action="product.translation_saved").count() == 1
    assert [event.product_ids for event in published] == [(product.pk,)]


def test_another_sellers_product_is_not_found_and_nothing_is_written():
    product = make_product(seller=make_seller())
    with pytest.raises(NotFound):
        product_translation_put(product_id=product.pk, language="de", title="Fremd", seller=make_seller())
    with pytest.raises(NotFound):
        product_translation_delete(product_id=product.pk, language="de", seller=make_seller())
    # The system (imports, an operator) may translate any product.
    product_translation_put(product_id=product.pk, language="de", title="Erlaubt")
    assert ProductTranslation.objects.get().title == "Erlaubt"


def test_a_familys_translation_reindexes_its_variants_and_a_variant_is_refused(published):
    seller = make_seller()
    family = product_family_create(
        title="Wool jumper",
        category_id=make_category().pk,
        option_names=["Size"],
        variants=[VariantSpec(option_values={"Size": size}) for size in ("S", "M")],
        seller=seller,
    )
    variant_ids = tuple(family.variants.order_by("id").values_list("pk", flat=True))

    product_translation_put(product_id=family.pk, language="fr", title="Pull en laine", seller=seller)
    with pytest.raises(ValidationError) as refused:
        product_translation_put(product_id=variant_ids[0], language="fr", title="Pull S", seller=seller)

    assert refused.value.code == "translation_on_variant"
    assert [event.product_ids for event in published] == [variant_ids]


def test_delete_removes_once_and_audits_once():
    product = make_product()
    product_translation_put(product_id=product.pk, language="it", title="Scarpone")

    assert product_translation_delete(product_id=product.pk, language="it") is True
    assert product_translation_delete(product_id=product.pk, language="it") is False
    assert AuditLog.objects.filter(action="product.translation_deleted").count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_writers_of_one_new_language_at_once_leave_one_translation():
    # given a product and two requests creating its German text at the same moment (a retried API call)
    seller = make_seller()
    product = make_product(seller=seller)
    start = threading.Barrier(2)
    outcomes, errors = [], []

    def put(title):
        try:
            start.wait(timeout=10)
            outcomes.append(product_translation_put(product_id=product.pk, language="de", title=title, seller=seller))
        except Exception as error:  # reported below; a thread must not swallow a failure
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=put, args=(title,)) for title in ("Erster", "Zweiter")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then both succeed one after the other (the product row is locked): one created it, the other replaced it
    assert errors == []
    assert sorted(outcome.is_created for outcome in outcomes) == [False, True]
    assert ProductTranslation.objects.filter(product=product).count() == 1

"""Categories mapped to Google's taxonomy: by an operator, and the demo's mapping is real taxonomy."""

import pytest

from comptoir.core.exceptions import PermissionDenied, ValidationError
from comptoir.demo.google_categories import GOOGLE_CATEGORY_IDS
from comptoir.feeds.models import GoogleCategoryMapping
from comptoir.feeds.services import google_categories_assign
from comptoir.feeds.tests.google_files import google_specification
from comptoir.testing.builders import make_category, make_operator, make_user


def test_every_demo_category_maps_to_a_category_of_googles_taxonomy():
    _, taxonomy = google_specification()

    assert {slug: google_id for slug, google_id in GOOGLE_CATEGORY_IDS.items() if google_id not in taxonomy} == {}


@pytest.mark.django_db
def test_an_operator_maps_categories_and_a_new_mapping_replaces_the_old():
    operator, category = make_operator(), make_category()

    google_categories_assign(actor=operator, google_category_ids={category.pk: 536})
    google_categories_assign(actor=operator, google_category_ids={category.pk: 638})

    assert GoogleCategoryMapping.objects.get().google_category_id == 638
    with pytest.raises(ValidationError):
        google_categories_assign(actor=operator, google_category_ids={category.pk + 1000: 1})
    with pytest.raises(ValidationError):
        google_categories_assign(actor=operator, google_category_ids={category.pk: 0})
    with pytest.raises(PermissionDenied):
        google_categories_assign(actor=make_user(), google_category_ids={category.pk: 1})
    assert GoogleCategoryMapping.objects.get().google_category_id == 638

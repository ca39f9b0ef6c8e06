"""The operator console's one offer action: how an offer is fulfilled."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from comptoir.offers.models import FulfilmentMethod
from comptoir.testing.builders import make_offer

pytestmark = pytest.mark.django_db


def test_an_operator_marks_offers_as_fulfilled_by_the_marketplace(console):
    offer = make_offer()

    response = console.post(
        reverse("admin:offers_offer_changelist"),
        {"action": "fulfilled_by_the_marketplace", ACTION_CHECKBOX_NAME: [offer.pk]},
    )

    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.fulfilment_method == FulfilmentMethod.MARKETPLACE

"""The trust admin is for browsing: every trust model is listed with its filters, nothing can be added, changed or
deleted."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from comptoir.testing.auth import force_login_verified
from comptoir.testing.builders import make_operator, make_seller
from comptoir.trust.models import EnforcementAction, SellerTrust
from comptoir.trust.services import seller_trust_recompute

pytestmark = pytest.mark.django_db


@pytest.fixture
def console(client):
    force_login_verified(client, make_operator())
    return client


def test_every_trust_model_is_registered_read_only():
    request = None
    for model in apps.get_app_config("trust").get_models():
        model_admin = admin.site._registry.get(model)
        assert model_admin is not None, model.__name__
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)


def test_trust_lists_and_filters_render_and_a_row_cannot_be_changed(console):
    # given a seller with a computed trust row and a warning
    seller = make_seller()
    trust = seller_trust_recompute(seller_id=seller.pk)
    action = EnforcementAction.objects.create(
        seller=seller, kind="warning", facts={}, facts_text="Score 40.", rule="Below 45.", redress="Appeal."
    )
    # when the operator browses the lists with their filters
    assert console.get(reverse("admin:trust_sellertrust_changelist"), {"tier": trust.tier}).status_code == 200
    listing = console.get(
        reverse("admin:trust_enforcementaction_changelist"), {"kind": "warning", "is_active__exact": "1"}
    )
    assert listing.status_code == 200 and seller.name in listing.content.decode()
    for name in ("review", "sellertrusthistory", "sellerdailystats", "appeal", "message", "sellertrust"):
        assert console.get(reverse(f"admin:trust_{name}_changelist")).status_code == 200
    # then a trust row can be viewed but a post changes nothing
    url = reverse("admin:trust_sellertrust_change", args=[trust.pk])
    assert console.get(url).status_code == 200
    console.post(url, {"tier": "top_rated", "score": "99"})
    assert SellerTrust.objects.get(pk=trust.pk).score == trust.score
    assert console.get(reverse("admin:trust_enforcementaction_change", args=[action.pk])).status_code == 200
    assert console.post(reverse("admin:trust_enforcementaction_delete", args=[action.pk])).status_code == 403

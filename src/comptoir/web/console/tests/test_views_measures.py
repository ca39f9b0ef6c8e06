"""Console measures on a seller (issue 10): warn, reduce visibility, suspend, lift, reinstate from
/console/trust/sellers/<id>, in French and English, with a required reason and a confirmation step; the decision
writes the seller's statement of reasons. Operators only."""

import pytest
from django.urls import reverse

from comptoir.core.models import AuditLog
from comptoir.sellers.models import SellerStatus
from comptoir.testing.auth import force_login_verified
from comptoir.testing.builders import make_operator, make_seller, make_user
from comptoir.trust.models import EnforcementAction
from comptoir.trust.services import measure_take

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = make_operator("ops@example.com")
    force_login_verified(client, user)
    return user


def url_of(seller):
    return reverse("console:trust-seller-measure", args=[seller.pk])


SUSPEND = {"operation": "take", "kind": "suspension", "ground": "illegal_content", "reason": "Counterfeit chargers."}


def test_only_verified_operators_take_measures(client):
    seller = make_seller()
    assert client.post(url_of(seller), SUSPEND).status_code == 302  # to the login page
    force_login_verified(client, make_user())
    assert client.post(url_of(seller), SUSPEND | {"confirmed": "1"}).status_code == 403
    seller.refresh_from_db()
    assert seller.status == SellerStatus.VERIFIED and not EnforcementAction.objects.exists()


def test_the_seller_trust_page_offers_the_measures_in_english_and_french(client, operator):
    seller = make_seller()
    page = client.get(reverse("console:trust-seller", args=[seller.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Measures" in page and 'name="kind"' in page and 'name="ground"' in page and "Review and confirm" in page
    assert url_of(seller) in page
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("console:trust-seller", args=[seller.pk])).content.decode()
    assert "Mesures" in page and "Vérifier puis confirmer" in page and "Manquement aux conditions générales" in page


def test_a_suspension_needs_a_reason_then_a_confirmation_then_writes_the_statement(client, operator):
    seller = make_seller()
    # without a reason: the form again, with the error, and nothing happens
    refused = client.post(url_of(seller), SUSPEND | {"reason": "  "}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 422
    assert "State the facts: the seller reads them in the statement of reasons." in refused.content.decode()
    # with a reason: the confirmation page shows what the seller will read, and nothing happens yet
    preview = client.post(url_of(seller), SUSPEND, HTTP_ACCEPT_LANGUAGE="en")
    page = preview.content.decode()
    assert preview.status_code == 200
    for expected in (
        "The statement of reasons the seller will read",
        "Manual decision by the marketplace",
        "Counterfeit chargers.",
        "Illegal products or content",
        "offers leave the storefront",
        "Confirm: Suspension",
        'name="confirmed" value="1"',
    ):
        assert expected in page
    assert not EnforcementAction.objects.exists()
    # confirmed: the measure is taken through the service
    done = client.post(url_of(seller), SUSPEND | {"confirmed": "1"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "The measure is taken." in done.content.decode()
    action = EnforcementAction.objects.get(seller=seller)
    assert (action.kind, action.is_automated, action.created_by, action.facts_text) == (
        "suspension",
        False,
        operator,
        "Counterfeit chargers.",
    )
    seller.refresh_from_db()
    assert seller.status == SellerStatus.SUSPENDED
    assert AuditLog.objects.filter(action="trust.measure.suspension", actor=operator).exists()
    # a second confirmation (a double submit) takes nothing twice
    again = client.post(url_of(seller), SUSPEND | {"confirmed": "1"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "A measure of this kind is already active for this seller." in again.content.decode()
    assert EnforcementAction.objects.filter(seller=seller).count() == 1


def test_the_confirmation_page_is_in_french(client, operator):
    seller = make_seller()
    client.cookies["django_language"] = "fr"
    page = client.post(url_of(seller), SUSPEND).content.decode()
    assert "Décision manuelle de la place de marché" in page and "Confirmer : Suspension" in page


def test_an_operator_warns_lifts_and_reinstates(client, operator):
    seller = make_seller()
    client.post(
        url_of(seller),
        {"operation": "take", "kind": "warning", "ground": "terms_breach", "reason": "Buyers contacted by email."}
        | {"confirmed": "1"},
    )
    warning = EnforcementAction.objects.get(seller=seller, kind="warning")
    assert warning.is_active and not warning.is_automated
    page = client.get(reverse("console:trust-seller", args=[seller.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Lift this measure…" in page and "Buyers contacted by email." in page
    client.post(
        url_of(seller),
        {"operation": "lift", "action_id": warning.pk, "reason": "Explained and stopped.", "confirmed": "1"},
    )
    warning.refresh_from_db()
    assert not warning.is_active and warning.lifted_by == operator
    measure_take(seller_id=seller.pk, actor=operator, kind="suspension", ground="performance", reason="Late.")
    page = client.get(reverse("console:trust-seller", args=[seller.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Reinstate…" in page
    assert client.post(url_of(seller), {"operation": "reinstate", "reason": ""}).status_code == 422
    client.post(url_of(seller), {"operation": "reinstate", "reason": "New warehouse checked.", "confirmed": "1"})
    seller.refresh_from_db()
    assert seller.status == SellerStatus.VERIFIED
    assert not EnforcementAction.objects.filter(seller=seller, is_active=True).exists()


def test_another_sellers_measure_cannot_be_lifted_through_this_seller(client, operator):
    seller, other = make_seller(), make_seller("Other shop")
    action = measure_take(seller_id=other.pk, actor=operator, kind="warning", ground="terms_breach", reason="x")
    response = client.post(
        url_of(seller), {"operation": "lift", "action_id": action.pk, "reason": "y", "confirmed": "1"}
    )
    assert response.status_code == 404
    assert EnforcementAction.objects.get(pk=action.pk).is_active


def test_the_seller_pages_lead_to_the_measures_and_the_trust_list_flags_a_suspension(client, operator):
    seller = make_seller("Bazar Express")
    measure_take(seller_id=seller.pk, actor=operator, kind="suspension", ground="performance", reason="Late.")
    from comptoir.trust.services import seller_trust_recompute

    seller_trust_recompute(seller_id=seller.pk)
    detail = client.get(reverse("console:seller-detail", args=[seller.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert reverse("console:trust-seller", args=[seller.pk]) in detail.content.decode()
    listing = client.get(reverse("console:trust-sellers"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'Bazar Express</a> <span class="badge badge--danger">Suspended</span>' in listing

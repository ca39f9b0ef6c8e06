"""Console trust pages: the review reports queue, the appeals queue, a seller's trust and the audited tier override.
Operators only."""

import pytest
from django.urls import reverse

from comptoir.core.models import AuditLog
from comptoir.orders.tests.support import advance, buy
from comptoir.testing.auth import force_login_verified
from comptoir.testing.builders import make_operator, make_seller, make_user
from comptoir.trust.models import Appeal, EnforcementAction, ReviewReport, SellerTrust
from comptoir.trust.services import review_create, review_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = make_operator("ops@example.com")
    force_login_verified(client, user)
    return user


def reported_review():
    bought = buy()
    advance(bought, "delivered")
    review = review_create(
        buyer=bought.buyer,
        seller_order_id=bought.seller_order.pk,
        text="Suspicious praise",
        ratings={"product_rating": 5, "item_as_described": 5, "communication": 5, "shipping_speed": 5, "packaging": 5},
    )
    return review_report(reporter=make_user(), review_id=review.pk, reason="fake", details="Copied text")


def appeal_of(seller):
    action = EnforcementAction.objects.create(
        seller=seller,
        kind="visibility_reduced",
        facts={"score": "40", "tier": "below_standard", "metrics": {}},
        facts_text="x",
        rule="r",
        redress="a",
    )
    return Appeal.objects.create(action=action, submitted_by=make_user(), text="We changed carrier.")


@pytest.mark.parametrize("name", ["console:trust-reports", "console:trust-appeals", "console:trust-sellers"])
def test_buyers_and_sellers_get_403(client, name):
    for user in (make_user(), make_seller().members.get().user):
        force_login_verified(client, user)
        assert client.get(reverse(name)).status_code == 403


def test_upholding_a_report_hides_the_review_with_the_note(client, operator):
    report = reported_review()
    page = client.get(reverse("console:trust-reports")).content.decode()
    assert "Suspicious praise" in page and "Copied text" in page
    url = reverse("console:trust-report-decide", args=[report.pk])
    client.post(url, {f"report{report.pk}-decision": "accept", f"report{report.pk}-note": ""})
    assert ReviewReport.objects.get().status == "open"
    client.post(url, {f"report{report.pk}-decision": "accept", f"report{report.pk}-note": "Copied from another shop."})
    report.refresh_from_db()
    assert report.status == "upheld" and report.review.status == "hidden" and report.decided_by == operator
    assert "Suspicious praise" not in client.get(reverse("console:trust-reports")).content.decode()


def test_dismissing_a_report_keeps_the_review(client, operator):
    report = reported_review()
    client.post(
        reverse("console:trust-report-decide", args=[report.pk]),
        {f"report{report.pk}-decision": "refuse", f"report{report.pk}-note": "Genuine."},
    )
    report.refresh_from_db()
    assert report.status == "dismissed" and report.review.status == "published"


def test_granting_an_appeal_lifts_the_restriction(client, operator):
    appeal = appeal_of(make_seller("Atelier"))
    page = client.get(reverse("console:trust-appeals")).content.decode()
    assert "We changed carrier." in page and "Grant: lift the restriction" in page
    client.post(
        reverse("console:trust-appeal-decide", args=[appeal.pk]),
        {f"appeal{appeal.pk}-decision": "accept", f"appeal{appeal.pk}-note": "Verified."},
    )
    appeal.refresh_from_db()
    assert appeal.status == "granted" and not appeal.action.__class__.objects.get(pk=appeal.action_id).is_active


def test_rejecting_an_appeal_needs_a_statement(client, operator):
    appeal = appeal_of(make_seller())
    url = reverse("console:trust-appeal-decide", args=[appeal.pk])
    client.post(url, {f"appeal{appeal.pk}-decision": "refuse", f"appeal{appeal.pk}-note": ""})
    assert Appeal.objects.get().status == "open"
    client.post(url, {f"appeal{appeal.pk}-decision": "refuse", f"appeal{appeal.pk}-note": "The defects are confirmed."})
    assert Appeal.objects.get().status == "rejected"


def test_the_tier_override_requires_a_reason_and_is_audited(client, operator):
    seller = make_seller("Maison Test")
    url = reverse("console:trust-seller", args=[seller.pk])
    assert "Tier override" in client.get(url).content.decode()
    response = client.post(url, {"tier": "top_rated", "reason": ""})
    assert response.status_code == 422 and "Explain the override" in response.content.decode()
    assert client.post(url, {"tier": "top_rated", "reason": "Migrated history checked"}).status_code == 302
    assert SellerTrust.objects.get(seller=seller).tier_override == "top_rated"
    assert AuditLog.objects.filter(action="trust.tier_overridden", actor=operator, seller_id=seller.pk).exists()
    assert client.get(reverse("console:trust-seller", args=[999999])).status_code == 404

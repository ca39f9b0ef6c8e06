"""The operator console: who may enter, what the dashboard counts, the seller verification queue."""

import datetime

import pytest
from django.urls import reverse

from comptoir.core.models import AuditLog
from comptoir.orders.models import Order
from comptoir.sellers.models import Seller, SellerStatus
from comptoir.testing.auth import force_login_verified
from comptoir.testing.builders import ADDRESS, CARD_OK, make_offer, make_operator, make_seller, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client):
    force_login_verified(client, make_operator("ops@example.com"))
    return client


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/console/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/console/")


@pytest.mark.parametrize("path", ["/console/", "/console/sellers/"])
def test_a_buyer_and_a_seller_member_get_a_friendly_403(client, path):
    seller_owner = make_seller().members.get().user
    for user in (make_user(), seller_owner):
        force_login_verified(client, user)
        response = client.get(path)
        assert response.status_code == 403
        assert "You cannot open this page" in response.content.decode()


def test_an_operator_logged_in_without_the_code_step_is_sent_back_to_it(client):
    operator = make_operator()
    from comptoir.testing.auth import make_totp_device

    make_totp_device(operator)
    client.force_login(operator)
    response = client.get("/console/sellers/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_queue_lists_pending_sellers_oldest_first_and_only_them(operator_client):
    newer = make_seller("Newer shop", verified=False)
    older = make_seller("Older shop", verified=False)
    Seller.objects.filter(pk=older.pk).update(created_at=newer.created_at - datetime.timedelta(days=3))
    make_seller("Already verified")
    page = operator_client.get("/console/sellers/").content.decode()
    assert page.index("Older shop") < page.index("Newer shop")
    assert "Already verified" not in page


def test_the_detail_page_shows_all_trader_information_with_the_iban_decrypted(operator_client):
    seller = make_seller("Atelier Lumière", verified=False)
    page = operator_client.get(reverse("console:seller-detail", args=[seller.pk])).content.decode()
    for value in (
        "Atelier Test SARL",
        "12 rue de la Paix",
        "75002",
        "Paris",
        "+33 1 23 45 67 89",
        "contact@atelier.example",
        "RCS Paris",
        "123 456 789",
        "FR40303265045",
        seller.members.get().user.email,
    ):
        assert value in page
    assert "FR14 2004 1010 0505 0001 3M02 606" in page


def test_the_iban_is_never_shown_in_the_queue(operator_client):
    make_seller("Atelier", verified=False)
    assert "FR14" not in operator_client.get("/console/sellers/").content.decode()


def test_approving_a_seller_verifies_it_and_audits_the_operator(operator_client):
    seller = make_seller(verified=False)
    response = operator_client.post(reverse("console:seller-approve", args=[seller.pk]), {"approve-reason": ""})
    assert response.status_code == 302 and response["Location"] == "/console/sellers/"
    seller.refresh_from_db()
    assert seller.status == SellerStatus.VERIFIED
    assert AuditLog.objects.get(action="seller.verified", target_id=str(seller.pk)).actor.email == "ops@example.com"


def test_rejecting_without_a_reason_shows_the_error_next_to_the_field(operator_client):
    seller = make_seller(verified=False)
    response = operator_client.post(reverse("console:seller-reject", args=[seller.pk]), {"reject-reason": "  "})
    assert response.status_code == 422
    assert 'id="id_reject-reason_error">Explain the decision; the seller will see it.' in response.content.decode()
    seller.refresh_from_db()
    assert seller.status == SellerStatus.PENDING


def test_rejecting_with_a_reason_rejects_and_keeps_the_reason(operator_client):
    seller = make_seller(verified=False)
    operator_client.post(
        reverse("console:seller-reject", args=[seller.pk]), {"reject-reason": "The VAT ID belongs to another company."}
    )
    seller.refresh_from_db()
    assert seller.status == SellerStatus.REJECTED and seller.status_reason == "The VAT ID belongs to another company."


def test_approving_a_seller_that_is_no_longer_pending_says_so(operator_client):
    seller = make_seller()
    response = operator_client.post(reverse("console:seller-approve", args=[seller.pk]), follow=True)
    assert "cannot be approved: it is no longer pending" in response.content.decode()


def test_an_unknown_seller_is_a_404(operator_client):
    assert operator_client.get(reverse("console:seller-detail", args=[999999])).status_code == 404


def test_the_dashboard_counts_paid_orders_gmv_and_links_to_the_admin(operator_client):
    from comptoir.checkout.services import order_checkout

    offer = make_offer(price_amount=12345, stock=5)
    order_checkout(
        buyer=make_user(),
        shipping_address=ADDRESS,
        payment_method=CARD_OK,
        lines=[{"offer_id": offer.pk, "quantity": 1}],
        idempotency_key="dash-1",
    )
    old = Order.objects.get()
    make_seller("Waiting shop", verified=False)
    page = operator_client.get("/console/").content.decode()
    assert "Marketplace overview" in page
    total = old.total.format("en")
    assert page.count(total) >= 2  # last 30 days and all time
    assert "1 seller to verify" in page
    assert 'href="/admin/"' in page
    assert "<svg" in page and 'class="bar"' in page


def test_the_dashboard_is_french_for_a_french_operator(operator_client):
    operator_client.cookies["django_language"] = "fr"
    page = operator_client.get("/console/").content.decode()
    assert "Vue d’ensemble de la place de marché" in page
    assert "Litiges ouverts" in page

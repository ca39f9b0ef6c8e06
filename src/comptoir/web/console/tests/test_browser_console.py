"""Operator journeys in a real browser: log in with a TOTP code through the real pages, review and
approve a pending seller (in English and in French), and the admin and API docs under the CSP."""

import datetime

import pytest

from comptoir.checkout.services import order_checkout
from comptoir.core import clock
from comptoir.orders.models import Order
from comptoir.sellers.models import Seller, SellerStatus
from comptoir.testing.auth import make_totp_device
from comptoir.testing.builders import (
    ADDRESS,
    CARD_OK,
    make_offer,
    make_operator,
    make_seller,
    make_user,
    trader_information,
)
from comptoir.web.tests.browser import login_browser, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery"


def _csp_violations(page):
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return violations


def _pending_sellers():
    from comptoir.sellers.services import seller_onboard

    shops = [
        ("Maison Verlaine", "FR", "Maison Verlaine SAS"),
        ("Holzwerk Bauer", "DE", "Holzwerk Bauer GmbH"),
        ("Bottega Rossi", "IT", "Bottega Rossi S.r.l."),
    ]
    sellers = []
    for index, (name, country, legal_name) in enumerate(shops):
        owner = make_user(f"owner{index}@{name.split()[0].lower()}.example")
        seller = seller_onboard(
            owner=owner, name=name, trader=trader_information(country, legal_name=legal_name, email=owner.email)
        )
        Seller.objects.filter(pk=seller.pk).update(
            created_at=clock.now() - datetime.timedelta(days=6 - 2 * index, hours=index)
        )
        sellers.append(seller)
    return sellers


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_operator_approves_a_pending_seller(browser_page, live_server, language):
    page = browser_page
    violations = _csp_violations(page)
    operator = make_operator("claire.ops@example.com")
    device = make_totp_device(operator)
    first, *_ = _pending_sellers()
    page.goto(live_server.url + "/")
    if language == "fr":
        page.get_by_role("button", name="FR").click()
        page.wait_for_load_state()

    login_browser(page, live_server, operator.email, PASSWORD, totp_device=device, next_path="/console/sellers/")

    assert page.url.endswith("/console/sellers/")
    heading = {"en": "Seller verification", "fr": "Vérification des vendeurs"}[language]
    assert page.locator("h1").inner_text() == heading
    rows = page.locator("tbody tr")
    assert rows.count() == 3
    assert "Maison Verlaine" in rows.nth(0).inner_text()  # the longest waiting first
    if language == "en":
        save_screenshot(page, "operator-queue")
    rows.nth(0).get_by_role("link", name={"en": "Review", "fr": "Examiner"}[language]).click()
    page.wait_for_load_state()
    assert "FR14 2004 1010 0505 0001 3M02 606" in page.locator(".iban").inner_text()
    if language == "en":
        save_screenshot(page, "operator-seller-review")
    page.get_by_role("button", name={"en": "Approve seller", "fr": "Approuver le vendeur"}[language]).click()
    page.wait_for_load_state()

    success = {"en": "Maison Verlaine is verified", "fr": "Maison Verlaine est vérifié"}[language]
    assert success in page.locator(".message--success").inner_text()
    assert page.locator("tbody tr").count() == 2
    first.refresh_from_db()
    assert first.status == SellerStatus.VERIFIED
    assert violations == []


def test_a_rejection_without_a_reason_is_refused_next_to_the_field(browser_page, live_server):
    page = browser_page
    operator = make_operator()
    device = make_totp_device(operator)
    seller = make_seller("Shop to reject", verified=False)
    login_browser(
        page, live_server, operator.email, PASSWORD, totp_device=device, next_path=f"/console/sellers/{seller.pk}/"
    )
    page.get_by_role("button", name="Reject seller").click()
    page.wait_for_load_state()
    assert page.locator("#id_reject-reason_error").inner_text() == "Explain the decision; the seller will see it."
    page.locator("#id_reject-reason").fill("The trade register number does not exist.")
    with page.expect_navigation():  # a load state already reached would not wait for the POST
        page.get_by_role("button", name="Reject seller").click()
    seller.refresh_from_db()
    assert seller.status == SellerStatus.REJECTED


def _marketplace_activity():
    offers = [make_offer(price_amount=price, stock=200) for price in (2490, 8900, 15900)]
    buyer = make_user()
    now = clock.now()
    for day in range(30):
        for index in range((day * 7) % 5 + (1 if day % 3 else 3)):
            offer = offers[(day + index) % 3]
            result = order_checkout(
                buyer=buyer,
                shipping_address=ADDRESS,
                payment_method=CARD_OK,
                lines=[{"offer_id": offer.pk, "quantity": 1 + index % 2}],
                idempotency_key=f"dash-{day}-{index}",
            )
            Order.objects.filter(pk=result.order.pk).update(paid_at=now - datetime.timedelta(days=day, hours=index))


def test_the_dashboard_and_the_admin_and_the_api_docs_work_under_the_csp(browser_page, live_server):
    page = browser_page
    violations = _csp_violations(page)
    _marketplace_activity()
    _pending_sellers()
    operator = make_operator()
    device = make_totp_device(operator)
    login_browser(page, live_server, operator.email, PASSWORD, totp_device=device, next_path="/console/")

    assert page.locator(".chart rect.bar").count() == 30
    assert page.locator(".stat").count() == 5
    save_screenshot(page, "operator-dashboard")

    page.goto(live_server.url + "/admin/")
    assert page.locator("#site-name").is_visible()
    # The admin's stylesheet applied: the header has its coloured background.
    assert page.locator("#header").evaluate("element => getComputedStyle(element).backgroundColor") not in (
        "rgba(0, 0, 0, 0)",
        "",
    )
    page.goto(live_server.url + "/admin/sellers/seller/")
    assert page.locator("#result_list").is_visible()

    page.goto(live_server.url + "/api/docs")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 10
    page.locator(".opblock").first.click()
    page.locator(".opblock-body").first.wait_for()
    assert violations == []

"""The operator records a card chargeback from the admin, in a real browser: select the seller order, pick the action,
fill in the amount, reason and provider reference, and see the result in the order's history and the ledger."""

import pytest

from comptoir.checkout.services import order_checkout
from comptoir.orders.models import SellerOrder, SellerOrderEvent
from comptoir.payments.models import Chargeback
from comptoir.payments.verify import ledger_verify
from comptoir.testing.auth import make_totp_device
from comptoir.testing.builders import ADDRESS, CARD_OK, make_offer, make_operator, make_seller, make_user
from comptoir.web.tests.browser import login_browser, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery"


def test_the_operator_records_a_chargeback_from_the_admin(browser_page, live_server):
    # Given a paid seller order of 2 × 25.00 EUR
    seller = make_seller("Maison Verlaine", commission_rate_bp=1000)
    offer = make_offer(seller=seller, price_amount=2500, stock=10)
    result = order_checkout(
        buyer=make_user(),
        shipping_address=ADDRESS,
        payment_method=CARD_OK,
        lines=[{"offer_id": offer.pk, "quantity": 2}],
    )
    seller_order = SellerOrder.objects.get(order=result.order, seller=seller)
    operator = make_operator()
    page = browser_page
    login_browser(
        page, live_server, operator.email, PASSWORD, totp_device=make_totp_device(operator), next_path="/admin/"
    )

    def open_the_action():
        page.goto(live_server.url + "/admin/orders/sellerorder/")
        page.locator(f'input[name="_selected_action"][value="{seller_order.pk}"]').check()
        page.select_option('select[name="action"]', "record_chargeback")
        page.locator('button[name="index"], input[name="index"]').first.click()
        page.get_by_label("Amount").wait_for()

    def submit(amount: str, screenshot: str = ""):
        page.get_by_label("Amount").fill(amount)
        page.get_by_label("Reason").fill("Fraudulent: the cardholder does not recognise the payment")
        page.get_by_label("Provider reference").fill("CB-2026-0042")
        if screenshot:
            save_screenshot(page, screenshot)
        page.locator('input[name="apply"]').click()
        page.wait_for_load_state()

    # When the operator selects it in the seller orders list and picks "Record a chargeback"
    open_the_action()
    total = f"{seller_order.total_amount // 100}.{seller_order.total_amount % 100:02d}"  # 50.00 of goods + shipping
    assert f"at most €{total} can still be charged back" in page.locator("#content").inner_text()
    # an amount above what was paid is refused with the reason, nothing recorded
    submit("80.00")
    assert "CO-" in page.locator(".messagelist").inner_text() and Chargeback.objects.count() == 0
    open_the_action()
    submit("30.00", screenshot="console-chargeback")

    # Then the list says it is recorded, the order's history has the event trust reads, and the ledger verifies
    assert "chargeback of" in page.locator(".messagelist").inner_text()
    chargeback = Chargeback.objects.get()
    assert (chargeback.amount, chargeback.provider_reference, chargeback.seller_order_id) == (
        3000,
        "CB-2026-0042",
        seller_order.pk,
    )
    event = SellerOrderEvent.objects.get(seller_order=seller_order, action="chargeback")
    assert event.actor_role == "operator" and event.data["provider_reference"] == "CB-2026-0042"
    assert ledger_verify().ok

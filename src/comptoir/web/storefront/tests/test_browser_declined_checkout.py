"""Real-browser journey "a declined card" (issue 10 item 13): the buyer types an address, picks express delivery and
pays with a card the bank refuses. The checkout page comes back with the address and the delivery choice as typed,
the card field empty and the reason next to it; the account's order list shows no order — in English and French."""

import pytest
from playwright.sync_api import expect

from comptoir.orders.models import Order
from comptoir.orders.services import cart_line_set
from comptoir.web.storefront.tests.seed import seed_shop
from comptoir.web.tests.browser import login_browser, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

BUYER_PASSWORD = "correct-horse-battery"  # the builders' default password
TYPED = {"name": "Camille Martin", "street": "8 rue des Lilas", "postal_code": "69001", "city": "Lyon"}
WORDS = {
    "en": {"declined": "Declined: the bank refused the payment"},
    "fr": {"declined": "Refusée : la banque a refusé le paiement"},
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_declined_card_keeps_the_form_and_leaves_no_order_in_the_list(browser_page, live_server, language):
    # given a buyer with headphones from Klangwerk in the cart, on the checkout page in their language
    shop = seed_shop()
    cart_line_set(buyer=shop.buyer, offer_id=shop.offers["headphones_klang"].pk, quantity=1)
    page = browser_page
    login_browser(page, live_server, shop.buyer.email, BUYER_PASSWORD, next_path="/checkout")
    page.get_by_role("button", name=language.upper()).click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language

    # when they fill the address, choose express delivery and pay with a card that is declined
    for field, value in TYPED.items():
        page.locator(f"[name='{field}']").fill(value)
    express = page.locator(f"input[name='shipping_{shop.sellers['klang'].pk}'][value='express']")
    express.check()
    page.wait_for_load_state("networkidle")  # the delivery block refreshes the summary through htmx
    page.locator("[name='card_number']").fill("4000 0000 0000 0002")
    page.locator("form:has([name='idempotency_key']) [type='submit']").click()
    page.wait_for_load_state()

    # then the page says why, keeps the address and the delivery choice, and the card field is empty
    expect(page.locator(".field__error", has_text=WORDS[language]["declined"])).to_be_visible()
    for field, value in TYPED.items():
        expect(page.locator(f"[name='{field}']")).to_have_value(value)
    expect(page.locator(f"input[name='shipping_{shop.sellers['klang'].pk}'][value='express']")).to_be_checked()
    expect(page.locator("[name='card_number']")).to_have_value("")
    save_screenshot(page, f"checkout-declined-{language}")

    # and the account's order list shows no order (the attempt is kept for the operator only)
    page.goto(f"{live_server.url}/account/orders")
    attempt = Order.objects.get(buyer=shop.buyer)
    assert attempt.status == "payment_failed"
    assert attempt.number not in page.content()

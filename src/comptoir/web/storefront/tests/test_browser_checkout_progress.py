"""Real-browser journey "a double submission": the buyer submits the checkout form while its first submission is
still running. Instead of a request held open, the browser gets a page that says the order is being processed and
refreshes itself; when the first submission ends, the page lands on the order's confirmation by itself — in English
and in French."""

import re

import pytest
from playwright.sync_api import expect

from comptoir.checkout.services import order_checkout
from comptoir.core.idempotency import idempotency_claim
from comptoir.core.models import IdempotencyRecord
from comptoir.orders.models import Order
from comptoir.orders.services import cart_line_set
from comptoir.testing.builders import ADDRESS, CARD_OK
from comptoir.web.storefront.tests.seed import seed_shop
from comptoir.web.tests.browser import login_browser, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

BUYER_PASSWORD = "correct-horse-battery"  # the builders' default password
WORDS = {
    "en": {"title": "Your order is being processed", "pay": "Place order"},
    "fr": {"title": "Votre commande est en cours de traitement", "pay": "Passer la commande"},
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_second_submission_waits_on_a_self_refreshing_page_that_lands_on_the_confirmation(
    browser_page, live_server, language
):
    # given a buyer with one item in the cart on the checkout page, in their language
    shop = seed_shop()
    cart_line_set(buyer=shop.buyer, offer_id=shop.offers["pan_son"].pk, quantity=1)
    page = browser_page
    login_browser(page, live_server, shop.buyer.email, BUYER_PASSWORD, next_path="/checkout")
    page.get_by_role("button", name=language.upper()).click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language
    key = page.locator("input[name='idempotency_key']").input_value()
    for field, value in ADDRESS.items():
        locator = page.locator(f"[name='{field}']")
        if locator.count():
            if locator.evaluate("element => element.tagName") == "SELECT":
                locator.select_option(value)
            else:
                locator.fill(value)
    page.locator("[name='card_number']").fill("4242 4242 4242 4242")
    # and the form's first submission still running (its key claimed, no outcome yet)
    idempotency_claim(actor_key=f"user:{shop.buyer.pk}", key=key, scope="checkout", fingerprint="first")

    # when the buyer submits the form again
    page.locator("form:has([name='idempotency_key']) [type='submit']").click()

    # then the page says the order is being processed, no order exists yet, and it keeps refreshing
    expect(page.locator("h1")).to_have_text(WORDS[language]["title"])
    expect(page).to_have_url(re.compile(rf"/checkout\?key={key}$"))
    assert not Order.objects.filter(buyer=shop.buyer).exists()
    save_screenshot(page, f"checkout-in-progress-{language}")

    # when the first submission ends (here: it is finished by the same key's checkout)
    IdempotencyRecord.objects.filter(key=key).delete()
    outcome = order_checkout(buyer=shop.buyer, shipping_address=ADDRESS, payment_method=CARD_OK, idempotency_key=key)
    assert outcome.order_status == "paid"

    # then the waiting page, on its next refresh, shows that order's confirmation
    page.wait_for_url(re.compile(rf"{outcome.order.number}"), timeout=10_000)
    assert Order.objects.filter(buyer=shop.buyer).count() == 1

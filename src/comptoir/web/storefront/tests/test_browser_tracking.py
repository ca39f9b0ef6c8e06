"""Real-browser journey "the buyer sees the tracking": a seller ships a parcel with a carrier and a tracking number
(through the order services), the buyer logs in through the real login page and finds both on the order page —
once in English and once in French (switched with the header's language buttons)."""

import re

import pytest
from playwright.sync_api import expect

from comptoir.checkout.services import order_checkout
from comptoir.orders.services import seller_order_accept, seller_order_ship
from comptoir.testing.builders import ADDRESS, CARD_OK
from comptoir.web.storefront.tests.seed import seed_shop
from comptoir.web.tests.browser import login_browser, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

BUYER_PASSWORD = "correct-horse-battery"  # the builders' default password
WORDS = {
    "en": {"my_orders": "My orders", "tracking": "Tracking", "shipped": "Shipped", "not_shipped": "Not shipped yet"},
    "fr": {
        "my_orders": "Mes commandes",
        "tracking": "Suivi",
        "shipped": "Expédiée",
        "not_shipped": "Pas encore expédiée",
    },
}


def _shipped_order(shop):
    """The buyer orders from two sellers; only Le Comptoir du Son ships so far."""
    result = order_checkout(
        buyer=shop.buyer,
        shipping_address=ADDRESS,
        payment_method=CARD_OK,
        lines=[
            {"offer_id": shop.offers["speaker_son"].pk, "quantity": 1},
            {"offer_id": shop.offers["casserole_cucina"].pk, "quantity": 1},
        ],
    )
    assert result.order_status == "paid", result.summary
    parts = {part.seller_id: part for part in result.order.seller_orders.all()}
    shipped, waiting = parts[shop.sellers["son"].pk], parts[shop.sellers["cucina"].pk]
    seller = shop.sellers["son"]
    seller_order_accept(seller=seller, seller_order_id=shipped.pk, actor=None)
    seller_order_ship(
        seller=seller, seller_order_id=shipped.pk, actor=None, carrier="Colissimo", tracking_number="6A23456789012"
    )
    return result.order, shipped, waiting


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_buyer_sees_the_carrier_and_tracking_number_on_their_order(browser_page, live_server, language):
    # given an order whose first parcel was shipped with a carrier and a tracking number
    shop = seed_shop()
    order, shipped, waiting = _shipped_order(shop)
    words = WORDS[language]
    page = browser_page

    # when the buyer logs in through the login page, picks the language in the header and opens the order from the list
    login_browser(page, live_server, shop.buyer.email, BUYER_PASSWORD, next_path="/account/orders")
    expect(page).to_have_url(re.compile(r"/account/orders$"))
    if language == "fr":
        page.get_by_role("button", name="FR").click()
        page.wait_for_load_state()
    else:
        page.get_by_role("button", name="EN").click()
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language
    expect(page.locator("h1")).to_have_text(words["my_orders"])
    page.get_by_role("link", name=order.number).click()
    page.wait_for_url(re.compile(rf"/account/orders/{order.number}$"))

    # then the shipped parcel shows its carrier and tracking number under the translated label, with its status
    parcel = page.locator(f"section[id='{shipped.number}']")
    tracking = parcel.locator(".facts div", has=page.locator("dt", has_text=words["tracking"])).locator("dd")
    expect(tracking).to_have_text(re.compile(r"Colissimo\s*·\s*6A23456789012"))
    expect(tracking.locator("code")).to_have_text("6A23456789012")
    expect(parcel.locator(".badge")).to_have_text(words["shipped"])
    # and the parcel that has not left yet says so, in the same language
    other = page.locator(f"section[id='{waiting.number}']")
    expect(other.locator(".facts div", has=page.locator("dt", has_text=words["tracking"])).locator("dd")).to_have_text(
        words["not_shipped"]
    )
    # and the tracking number is a link to the carrier's public tracking page (issue 10 item 17)
    link = tracking.locator("a.tracking-link")
    expect(link).to_have_attribute("href", "https://www.laposte.fr/outils/suivre-vos-envois?code=6A23456789012")
    expect(link).to_have_text("6A23456789012")
    save_screenshot(page, f"order-tracking-link-{language}")

"""Real-browser journeys of a buyer, once in English and once in French (switched with the header's language buttons),
and the storefront screenshots for the documentation."""

import re

import pytest
from playwright.sync_api import expect

from comptoir.orders.models import Order
from comptoir.web.storefront.tests.seed import seed_more_products, seed_shop
from comptoir.web.tests.browser import login_browser, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "en": {
        "add": "Add to cart",
        "checkout": "Proceed to checkout",
        "pay": "Place order and pay",
        "thanks": "Thank you, your order is confirmed",
        "follow": "Follow your order",
        "parcels": "It ships in 2 parcels, one per seller.",
        "search": "Search",
    },
    "fr": {
        "add": "Ajouter au panier",
        "checkout": "Passer la commande",
        "pay": "Commander et payer",
        "thanks": "Merci, votre commande est confirmée",
        "follow": "Suivre ma commande",
        "parcels": "Elle est expédiée en 2 colis, un par vendeur.",
        "search": "Rechercher",
    },
}


def add_offer_to_cart(page, offer, expected_count: int, words):
    row = page.locator(f"#offer-{offer.pk}")
    row.get_by_role("button", name=words["add"]).click()
    # htmx swaps the header's cart link in place: no page load.
    page.locator("#cart-link .cart-link__count").filter(has_text=str(expected_count)).wait_for()
    expect(row.locator(".offer-status")).to_have_class(re.compile("offer-status--ok"))


def search(page, words: str):
    page.locator("#site-search").fill(words)
    page.locator("form.search button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/search\?q={words}"))


def buyer_journey(page, live_server, shop, language: str, screenshots: bool):
    words = WORDS[language]
    login_browser(page, live_server, shop.buyer)
    page.goto(live_server.url + "/")
    if language == "fr":
        page.get_by_role("button", name="FR").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "fr"
    if screenshots:
        save_screenshot(page, "storefront-home")

    # Search from the header, open the speaker and buy it from Le Comptoir du Son.
    search(page, "kelvor")
    assert page.locator(".product-card").count() == 6
    if screenshots:
        save_screenshot(page, "search")
    # A facet narrows the results in place (htmx) and the address bar keeps the filter.
    page.locator("input[name=ships_from][value=ES]").check()
    page.wait_for_url(re.compile(r"ships_from=ES"))
    expect(page.locator(".product-card")).to_have_count(2)
    page.locator("input[name=ships_from][value='']").check()
    page.wait_for_url(re.compile(r"ships_from=(&|$)"))
    expect(page.locator(".product-card")).to_have_count(6)
    page.locator(".product-card", has_text="Kelvor Rock Bluetooth Speaker").click()
    page.wait_for_url(re.compile(r"/p/\d+/"))
    add_offer_to_cart(page, shop.offers["speaker_son"], 1, words)

    # Then the headphones, which four sellers offer, from Klangwerk Audio.
    search(page, "casque")
    page.locator(".product-card", has_text="Casque sans fil Sonora Aria").click()
    page.wait_for_url(re.compile(r"/p/\d+/"))
    assert page.locator(".offer").count() == 4
    if screenshots:
        save_screenshot(page, "product-offers")
    add_offer_to_cart(page, shop.offers["headphones_klang"], 2, words)

    page.locator("#cart-link").click()
    page.wait_for_url(re.compile(r"/cart$"))
    assert page.locator(".seller-group").count() == 2
    if screenshots:
        save_screenshot(page, "cart")
    page.get_by_role("link", name=words["checkout"]).click()
    page.wait_for_url(re.compile(r"/checkout$"))
    page.locator("#id_name").fill("Camille Martin")
    page.locator("#id_street").fill("8 rue des Lilas")
    page.locator("#id_postal_code").fill("75011")
    page.locator("#id_city").fill("Paris")
    page.locator("#id_country").select_option("FR")
    page.wait_for_load_state("networkidle")
    express = page.locator(f"input[name=shipping_{shop.sellers['klang'].pk}][value=express]")
    express.check()
    page.wait_for_load_state("networkidle")
    expect(express).to_be_checked()
    # htmx re-rendered the summary with the express price of Klangwerk Audio (15.90).
    expect(page.locator("#checkout-summary")).to_contain_text("15.90" if language == "en" else "15,90")
    page.locator("#id_card_number").fill("4242 4242 4242 4242")
    page.get_by_role("button", name=words["pay"]).click()
    page.wait_for_url(re.compile(r"/checkout/confirmation/CO-"))
    assert page.get_by_role("heading", name=words["thanks"]).is_visible()
    assert page.locator(".shipment").count() == 2
    assert words["parcels"] in page.locator(".confirmation").inner_text()
    if screenshots:
        save_screenshot(page, "checkout-confirmation")

    page.get_by_role("link", name=words["follow"]).click()
    page.wait_for_url(re.compile(r"/account/orders/CO-"))
    assert page.locator(".shipment").count() == 2
    order = Order.objects.get(buyer=shop.buyer)
    assert {seller_order.seller_id for seller_order in order.seller_orders.all()} == {
        shop.sellers["klang"].pk,
        shop.sellers["son"].pk,
    }
    assert order.seller_orders.get(seller=shop.sellers["klang"]).shipping_service_level == "express"
    assert page.locator(".cart-link__count").count() == 0  # the cart is empty after checkout


def test_buyer_searches_adds_offers_from_two_sellers_checks_out_and_sees_two_seller_orders_in_english(
    browser_page, live_server
):
    shop = seed_more_products(seed_shop())
    buyer_journey(browser_page, live_server, shop, "en", screenshots=True)


def test_buyer_journey_in_french(browser_page, live_server):
    shop = seed_more_products(seed_shop())
    buyer_journey(browser_page, live_server, shop, "fr", screenshots=False)
    assert browser_page.get_by_role("heading", name="Historique").first.is_visible()

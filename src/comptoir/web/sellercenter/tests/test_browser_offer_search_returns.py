"""Seller-center journeys of issue 10 items 15 and 17 in a real browser, in English and French:
- "add an offer": the seller finds a catalog product by name and sees its current best price;
- returns: the seller sets a return address, then accepts a buyer's return of one unit."""

import pytest
from playwright.sync_api import expect

from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.services import (
    seller_order_accept,
    seller_order_mark_delivered,
    seller_order_request_return,
    seller_order_ship,
)
from comptoir.testing.auth import make_totp_device
from comptoir.testing.builders import make_product
from comptoir.web.sellercenter.tests.support import offer_of, order_of, shop
from comptoir.web.tests.browser import login_browser, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = {
    "en": {
        "search": "Search the catalog",
        "best": "Best price now",
        "sell": "Sell this product",
        "accept": "Accept the return",
        "save": "Save",
        "saved": "Your return address is saved.",
        "accepted": "the buyer sees your return address",
        "set": "Set the return address",
    },
    "fr": {
        "search": "Chercher dans le catalogue",
        "best": "Meilleur prix actuel",
        "sell": "Vendre ce produit",
        "accept": "Accepter le retour",
        "save": "Enregistrer",
        "saved": "Votre adresse de retour est enregistrée.",
        "accepted": "l’acheteur voit votre adresse",
        "set": "Indiquer l’adresse de retour",
    },
}


def _seller_in(page, live_server, language):
    seller, owner, profile = shop("Atelier Lumière")
    device = make_totp_device(owner)
    login_browser(page, live_server, owner, totp_device=device)
    page.goto(live_server.url + "/seller/")
    page.get_by_role("button", name=language.upper(), exact=True).click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language
    return seller, owner, profile


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_seller_finds_a_product_by_name_with_its_best_price(browser_page, live_server, language):
    # given a lamp two other shops already sell, at 129.00 € and 119.00 € (4.90 € delivery)
    page, words = browser_page, TEXT[language]
    lamp = make_product("Brass table lamp", brand="Lueur", gtin="4006381333931")
    for name, price in (("Maison Alba", 12900), ("Casa Lux", 11900)):
        other, _owner, profile = shop(name)
        offer_of(other, profile, product=lamp, price_amount=price, stock=3)
    _seller_in(page, live_server, language)

    # when the seller looks for it by name in "add an offer"
    page.goto(live_server.url + "/seller/offers/new")
    page.locator("#id_q").fill("brass lamp")
    page.get_by_role("button", name=words["search"]).click()
    page.wait_for_load_state()

    # then the lamp is listed with its best delivered price and a way to sell it
    results = page.locator("table.offer-search__results")
    expect(results).to_contain_text("Brass table lamp")
    expect(results).to_contain_text(words["best"])
    expect(results).to_contain_text("123.90" if language == "en" else "123,90")
    save_screenshot(page, f"seller-offer-search-{language}")
    results.get_by_role("link", name=words["sell"]).click()
    page.wait_for_url(f"**/seller/offers/new/{lamp.pk}")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_seller_sets_a_return_address_and_accepts_a_return(browser_page, live_server, language):
    page, words = browser_page, TEXT[language]
    seller, owner, profile = _seller_in(page, live_server, language)
    # given a delivered order of two mugs whose buyer returns one
    offer = offer_of(seller, profile, sku="MUG-1", price_amount=1490, stock=10)
    seller_order = order_of(offer, quantity=2)
    seller_order_accept(seller=seller, seller_order_id=seller_order.pk, actor=owner)
    seller_order_ship(
        seller=seller, seller_order_id=seller_order.pk, actor=owner, carrier="UPS", tracking_number="1Z9999"
    )
    seller_order_mark_delivered(seller=seller, seller_order_id=seller_order.pk, actor=owner, actor_role=Actor.SELLER)
    seller_order_request_return(
        buyer=seller_order.order.buyer,
        seller_order_id=seller_order.pk,
        return_reason="damaged",
        lines={seller_order.lines.get().pk: 1},
    )

    # when the seller opens the order, follows the link to set a return address and saves it
    page.goto(f"{live_server.url}/seller/orders/{seller_order.number}/")
    page.get_by_role("link", name=words["set"]).click()
    page.locator("#id_name").fill("Atelier Lumière – retours")
    page.locator("#id_street").fill("2 quai du Port")
    page.locator("#id_postal_code").fill("13002")
    page.locator("#id_city").fill("Marseille")
    page.locator("#id_country").fill("FR")
    page.locator("#id_instructions").fill("Wrap each mug in paper.")
    page.get_by_role("button", name=words["save"]).click()
    expect(page.get_by_text(words["saved"])).to_be_visible()
    save_screenshot(page, f"seller-return-address-{language}")

    # and accepts the return
    page.goto(f"{live_server.url}/seller/orders/{seller_order.number}/")
    expect(page.locator("#return")).to_contain_text("1")
    page.get_by_role("button", name=words["accept"]).click()
    page.wait_for_load_state()

    # then the page says the buyer now sees the address
    expect(page.locator("#return")).to_contain_text(words["accepted"])
    save_screenshot(page, f"seller-return-accepted-{language}")

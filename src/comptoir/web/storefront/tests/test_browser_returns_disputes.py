"""Real-browser journeys of issue 10 item 15, in English and French:
- a buyer reports a parcel "not received" the day it was ordered: refused, with the date from which it may be reported;
- a buyer returns one of two speakers: chooses the units, waits for the seller, then sees the return address and the
  seller's instructions."""

import pytest
from playwright.sync_api import expect

from comptoir.checkout.services import order_checkout
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.services import (
    seller_order_accept,
    seller_order_mark_delivered,
    seller_order_return_accept,
    seller_order_ship,
    seller_return_policy_set,
)
from comptoir.testing.builders import ADDRESS, CARD_OK
from comptoir.web.storefront.tests.seed import seed_shop
from comptoir.web.tests.browser import login_browser, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

BUYER_PASSWORD = "correct-horse-battery"
WORDS = {
    "en": {
        "problem": "Report a problem",
        "reason": "What went wrong?",
        "describe": "Describe the problem",
        "open": "Open a dispute",
        "not_received": "Item not received",
        "too_early": "you can report it from",
        "return": "Return an item",
        "return_reason": "Reason for the return",
        "damaged": "Arrived damaged",
        "request": "Request the return",
        "waiting": "Waiting for the seller to accept your return",
        "accepted": "The seller accepted your return",
    },
    "fr": {
        "problem": "Signaler un problème",
        "reason": "Quel est le problème ?",
        "describe": "Décrivez le problème",
        "open": "Ouvrir un litige",
        "not_received": "Article non reçu",
        "too_early": "vous pourrez le signaler à partir du",
        "return": "Retourner un article",
        "return_reason": "Motif du retour",
        "damaged": "Arrivé endommagé",
        "request": "Demander le retour",
        "waiting": "En attente de l’acceptation du vendeur",
        "accepted": "Le vendeur a accepté votre retour",
    },
}


def _order(shop, lines):
    return order_checkout(
        buyer=shop.buyer,
        shipping_address=ADDRESS,
        payment_method=CARD_OK,
        lines=[{"offer_id": shop.offers[key].pk, "quantity": quantity} for key, quantity in lines],
    ).order


def _open_in(page, live_server, shop, language, path):
    login_browser(page, live_server, shop.buyer.email, BUYER_PASSWORD, next_path=path)
    page.get_by_role("button", name=language.upper()).click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language


@pytest.mark.parametrize("language", ["en", "fr"])
def test_not_received_before_the_promised_date_is_refused_with_the_date(browser_page, live_server, language):
    # given an order placed just now
    shop = seed_shop()
    order = _order(shop, [("pan_son", 1)])
    words, page = WORDS[language], browser_page
    _open_in(page, live_server, shop, language, f"/account/orders/{order.number}")

    # when the buyer reports the parcel as not received
    page.get_by_text(words["problem"]).click()
    page.get_by_label(words["reason"]).select_option("not_received")
    page.get_by_label(words["describe"]).fill("Nothing arrived.")
    page.get_by_role("button", name=words["open"]).click()
    page.wait_for_load_state()

    # then nothing is opened and the form says from which date it may be
    expect(page.locator(".field__error", has_text=words["too_early"])).to_be_visible()
    assert not order.seller_orders.get().disputes.exists()
    save_screenshot(page, f"dispute-too-early-{language}")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_return_of_chosen_units_shows_the_address_once_the_seller_accepts(browser_page, live_server, language):
    # given a delivered Klangwerk parcel of two speakers and headphones, and Klangwerk's return address
    shop = seed_shop()
    order = _order(shop, [("speaker_klang", 2), ("headphones_klang", 1)])
    seller, seller_order = shop.sellers["klang"], order.seller_orders.get()
    seller_order_accept(seller=seller, seller_order_id=seller_order.pk, actor=None)
    seller_order_ship(
        seller=seller, seller_order_id=seller_order.pk, actor=None, carrier="DHL", tracking_number="JJD0001234567"
    )
    seller_order_mark_delivered(seller=seller, seller_order_id=seller_order.pk, actor=None, actor_role=Actor.SELLER)
    seller_return_policy_set(
        seller=seller,
        actor=None,
        address={
            "name": "Klangwerk Retouren",
            "street": "Lagerstraße 4",
            "postal_code": "10115",
            "city": "Berlin",
            "country": "DE",
        },
        instructions="Pack the speaker in its original box and write the order number on it.",
    )
    speaker = seller_order.lines.get(offer=shop.offers["speaker_klang"])
    words, page = WORDS[language], browser_page
    _open_in(page, live_server, shop, language, f"/account/orders/{order.number}")

    # when the buyer asks to return one of the two speakers
    page.get_by_text(words["return"]).click()
    page.get_by_label(words["return_reason"]).select_option("damaged")
    page.locator(f"[name='{seller_order.number}-return-line_{speaker.pk}']").fill("1")
    save_screenshot(page, f"return-choose-units-{language}")
    page.get_by_role("button", name=words["request"]).click()
    page.wait_for_load_state()

    # then the page lists the unit and waits for the seller, without the address yet
    request = page.locator(".return-request")
    expect(request).to_contain_text(words["waiting"])
    expect(request).to_contain_text("1 ×")
    expect(request).not_to_contain_text("Lagerstraße 4")

    # when the seller accepts, the buyer sees the address and the instructions
    seller_order_return_accept(seller=seller, seller_order_id=seller_order.pk, actor=None)
    page.reload()
    expect(page.locator(".return-request")).to_contain_text(words["accepted"])
    expect(page.locator(".return-request")).to_contain_text("Lagerstraße 4")
    expect(page.locator(".return-request")).to_contain_text("original box")
    save_screenshot(page, f"return-accepted-{language}")

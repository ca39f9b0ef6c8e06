"""Real-browser journey: a buyer reviews a delivered order with the keyboard-accessible star groups, and the review
appears on the seller's page with the verified-purchase label; once in English, once in French."""

import re

import pytest
from playwright.sync_api import expect

from comptoir.orders.tests.support import advance, buy
from comptoir.testing.builders import make_product, make_seller, make_user
from comptoir.trust.services import review_create, review_reply
from comptoir.web.tests.browser import login_browser, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "en": {
        "write": "Write a review",
        "publish": "Publish my review",
        "done": "You reviewed this order.",
        "verified": "Verified purchase",
        "ratings": ["The product", "Item as described", "Communication", "Shipping speed", "Packaging"],
        "policy": "How reviews are verified",
    },
    "fr": {
        "write": "Donner mon avis",
        "publish": "Publier mon avis",
        "done": "Vous avez donné votre avis sur cette commande.",
        "verified": "Achat vérifié",
        "ratings": ["Le produit", "Conforme à la description", "Communication", "Rapidité d’expédition", "Emballage"],
        "policy": "Comment les avis sont vérifiés",
    },
}


def earlier_reviews(seller, product):
    """Two earlier verified reviews, one answered by the seller, so the page shows a breakdown."""
    for name, ratings, text in (
        ("Lucie Bernard", (5, 5, 5, 5, 4), "Lampe superbe, très bien emballée. Livrée en deux jours."),
        ("Tom Weber", (3, 4, 3, 2, 4), "Nice lamp, but the parcel took a week to arrive."),
    ):
        buyer = make_user(full_name=name)
        bought = buy(seller=seller, buyer=buyer, offer=seller.offers.first())
        advance(bought, "delivered")
        review = review_create(
            buyer=buyer,
            seller_order_id=bought.seller_order.pk,
            text=text,
            ratings=dict(
                zip(
                    ("product_rating", "item_as_described", "communication", "shipping_speed", "packaging"),
                    ratings,
                    strict=True,
                )
            ),
        )
        if ratings[3] < 3:
            review_reply(
                seller=seller,
                actor=bought.seller_user,
                review_id=review.pk,
                text="Sorry for the delay: the carrier lost a day. We now ship with a faster service.",
            )


def review_journey(page, live_server, language: str, screenshots: bool):
    words = WORDS[language]
    seller = make_seller("Atelier Lumière")
    from comptoir.testing.builders import make_offer

    make_offer(seller=seller, product=make_product("Lampe de bureau Orsay en laiton"), price_amount=8900, stock=20)
    earlier_reviews(seller, None)
    buyer = make_user(full_name="Camille Martin")
    bought = buy(seller=seller, buyer=buyer, offer=seller.offers.first())
    advance(bought, "delivered")

    login_browser(page, live_server, buyer)
    page.goto(live_server.url + "/")
    if language == "fr":
        page.get_by_role("button", name="FR").click()
        page.wait_for_load_state()
    page.goto(f"{live_server.url}/account/orders/{bought.order.number}")
    page.get_by_role("link", name=words["write"]).click()
    page.wait_for_url(re.compile(r"/account/reviews/"))
    # Each rating is a radio group named by its legend: pick the stars with the keyboard-reachable labels.
    for legend, stars in zip(words["ratings"], ("5", "5", "4", "5", "5"), strict=True):
        group = page.get_by_role("group", name=legend)
        group.locator(f"label[for$='_{int(stars) - 1}']").click()
        expect(group.locator(f"input[value='{stars}']")).to_be_checked()
    page.locator("#id_text").fill(
        "Très belle lampe, exactement comme sur les photos."
        if language == "fr"
        else "Beautiful lamp, exactly as pictured."
    )
    page.get_by_role("button", name=words["publish"]).click()
    page.wait_for_url(re.compile(r"/account/orders/"))
    expect(page.locator(".trust-order")).to_contain_text(words["done"])

    page.goto(f"{live_server.url}/s/{seller.slug}")
    review = page.locator(".review").first
    expect(review).to_contain_text("Camille M.")
    expect(review.locator(".review__verified")).to_contain_text(words["verified"])
    expect(page.locator(".reviews")).to_contain_text("3")
    expect(page.locator(".review__reply")).to_be_visible()
    expect(page.locator(".trust-badge").first).to_be_visible()
    if screenshots:
        save_screenshot(page, "reviews")
    page.get_by_role("link", name=words["policy"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["policy"])


def test_a_buyer_reviews_a_delivered_order_and_sees_it_on_the_seller_page_in_english(browser_page, live_server):
    review_journey(browser_page, live_server, "en", screenshots=True)


def test_a_buyer_reviews_a_delivered_order_in_french(browser_page, live_server):
    review_journey(browser_page, live_server, "fr", screenshots=False)

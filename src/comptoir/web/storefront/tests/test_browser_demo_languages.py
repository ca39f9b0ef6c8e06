"""The seeded demo in a real browser (issue 12, "Show it"): a buyer journey in each of the five languages — search in
that language, the product page, the cart, checkout and the order page — each from another country, shown and charged
in another currency than the offer's (the operator's "presentment" mode), and the product page's screenshots in three
currencies and languages (var/screenshots/demo-product-*.png).

One small demo is seeded for the module (about half a minute); the journeys share it, so they are one test."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from playwright.sync_api import expect

from comptoir.catalog.models import ProductTranslation
from comptoir.compliance.models import OfferMarketBlock
from comptoir.currencies.selectors import rates_cache_clear
from comptoir.demo.seeding import DemoSizes, demo_seed
from comptoir.offers.models import Offer
from comptoir.orders.models import Order
from comptoir.testing.builders import make_user
from comptoir.web.tests.browser import login_browser, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = DemoSizes(sellers=8, products=120, orders=40, buyers=12)
END_DAY = dt.date(2026, 3, 2)

# language -> (the buyer's country, the currency chosen, the offer's currency, words the pages must show)
JOURNEYS = {
    "en": ("GB", "GBP", "GBP", {"add": "Add to cart", "thanks": "Thank you, your order is confirmed", "sign": "£"}),
    "fr": (
        "FR",
        "EUR",
        "USD",
        {"add": "Ajouter au panier", "thanks": "Merci, votre commande est confirmée", "sign": "€"},
    ),
    "de": (
        "CH",
        "CHF",
        "CZK",
        {"add": "In den Warenkorb", "thanks": "Vielen Dank, Ihre Bestellung ist bestätigt", "sign": "CHF"},
    ),
    "es": (
        "ES",
        "EUR",
        "PLN",
        {"add": "Añadir a la cesta", "thanks": "Gracias, su pedido está confirmado", "sign": "€"},
    ),
    "it": (
        "IT",
        "EUR",
        "SEK",
        {"add": "Aggiungi al carrello", "thanks": "Grazie, il Suo ordine è confermato", "sign": "€"},
    ),
}
ADDRESSES = {
    "GB": ("Oliver Brown", "12 High Street", "EC1A 1BB", "London"),
    "FR": ("Camille Martin", "8 rue des Lilas", "75011", "Paris"),
    "CH": ("Lena Keller", "Bahnhofstrasse 4", "8001", "Zürich"),
    "ES": ("Lucía Romero", "Calle Mayor 5", "28013", "Madrid"),
    "IT": ("Giulia Bianchi", "Via Roma 10", "40121", "Bologna"),
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        call_command("flush", interactive=False, verbosity=0)
        rates_cache_clear()
        yield demo_seed(seed=12, sizes=SIZES, today=END_DAY)
        rates_cache_clear()


def _offer_to_buy(language: str, country: str, currency: str) -> tuple[Offer, str]:
    """An offer in `currency` that may be sold to `country`, on a product with its own title in `language`."""
    blocked = OfferMarketBlock.objects.filter(country=country).values("offer_id")
    for offer in (
        Offer.objects.filter(currency=currency, is_active=True, stock__gt=0, product__parent__isnull=True)
        .exclude(pk__in=blocked)
        .select_related("product")
        .order_by("pk")
    ):
        product = offer.product
        if product.language == language:
            title = product.title
        else:
            translation = ProductTranslation.objects.filter(product=product, language=language).first()
            if translation is None or translation.title == product.title:  # a book keeps its title: not this test
                continue
            title = translation.title
        return offer, title
    raise AssertionError(f"the demo has no {currency} offer for {country}")


def _journey(page, live_server, language: str) -> Order:
    country, currency, offer_currency, words = JOURNEYS[language]
    offer, title = _offer_to_buy(language, country, offer_currency)
    buyer = make_user(email=f"demo-journey-{language}@example.com", country=country, preferred_language=language)
    page.context.clear_cookies()
    page.context.set_extra_http_headers({"Accept-Language": f"{language};q=1.0"})
    login_browser(page, live_server, buyer)
    page.goto(f"{live_server.url}/?lang={language}&country={country}&currency={currency}")
    assert page.locator("html").get_attribute("lang") == language

    # Search in the reader's language: the product's translated name finds it (that language's stemmer).
    query = title.split(" – ")[0]
    page.locator("#site-search").fill(query)
    page.locator("form.search button[type=submit]").click()
    page.wait_for_url(re.compile(r"/search\?q="))
    card = page.locator(".product-card", has_text=query).first
    expect(card).to_be_visible()
    assert words["sign"] in card.inner_text()  # the card's price, in the chosen currency
    card.click()
    page.wait_for_url(re.compile(r"/p/\d+/"))

    # The product page: its title in the language, the offer converted into the chosen currency with the rate's date.
    assert query in page.locator("h1").first.inner_text()
    row = page.locator(f"#offer-{offer.pk}")
    assert words["sign"] in row.inner_text()
    if offer_currency != currency:
        assert row.locator("[data-converted]").count() >= 1 or "≈" in row.inner_text()
    save_screenshot(page, f"demo-product-{language}-{currency.lower()}")
    row.get_by_role("button", name=words["add"]).click()
    page.locator("#cart-link .cart-link__count").filter(has_text="1").wait_for()

    page.goto(live_server.url + reverse("storefront:cart"))
    assert query in page.locator("main").inner_text()
    assert words["sign"] in page.locator("main").inner_text()
    page.goto(live_server.url + reverse("storefront:checkout"))
    name, street, postal_code, city = ADDRESSES[country]
    page.locator("#id_name").fill(name)
    page.locator("#id_street").fill(street)
    page.locator("#id_postal_code").fill(postal_code)
    page.locator("#id_city").fill(city)
    page.locator("#id_country").select_option(country)
    page.wait_for_load_state("networkidle")
    summary = page.locator("#checkout-summary").inner_text()
    assert words["sign"] in summary and (offer_currency == currency or currency in summary)  # "pay in CHF", converted
    page.locator("#id_card_number").fill("4242 4242 4242 4242")
    page.locator("form:has([name='idempotency_key']) [type='submit']").click()
    page.wait_for_url(re.compile(r"/checkout/confirmation/CO-"))
    assert page.get_by_role("heading", name=words["thanks"]).is_visible()

    order = Order.objects.get(buyer=buyer)
    page.goto(live_server.url + reverse("storefront:order_detail", args=[order.number]))
    text = page.locator("main").inner_text()
    assert query in text and words["sign"] in text
    assert page.locator("html").get_attribute("lang") == language
    return order


def test_a_buyer_walks_the_demo_in_each_language_and_pays_in_the_chosen_currency(demo, browser_page, live_server):
    presentment = {**settings.COMPTOIR, "FX": {**settings.COMPTOIR["FX"], "CHARGE_CURRENCY": "presentment"}}
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    # A freshly seeded demo's first pages fill its caches (rates, trust, search) on a machine shared with other runs.
    page.set_default_navigation_timeout(30_000)
    page.set_default_timeout(30_000)
    with override_settings(COMPTOIR=presentment):
        orders = {language: _journey(page, live_server, language) for language in JOURNEYS}
    for language, order in orders.items():
        country, currency, offer_currency, _words = JOURNEYS[language]
        seller_order = order.seller_orders.get()
        assert (order.currency, order.status, order.shipping_address["country"]) == (currency, "paid", country)
        assert seller_order.currency == offer_currency
        if currency != offer_currency:
            assert order.fx_source == "ECB" and order.fx_day is not None

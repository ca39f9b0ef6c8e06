"""The display currency in a real browser: chosen beside the delivery country, the product page shows the offers
converted into pounds with the ECB rate's date, and an offer priced in pounds with its own price."""

import re

import pytest

from comptoir.currencies.selectors import rates_cache_clear
from comptoir.currencies.services import rates_import
from comptoir.search.tests.support import committed
from comptoir.testing.builders import make_offer, make_seller, make_shipping_profile
from comptoir.web.storefront.tests.seed import seed_shop
from comptoir.web.tests.browser import save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

HEADPHONES = "/p/{pk}/casque-sans-fil-sonora-aria-reduction-de-bruit-noir"
RATES = b"""Date,USD,GBP,CHF,PLN,CZK,SEK,DKK,NOK,
2026-12-04,1.1172,0.8338,0.9194,4.4038,24.353,10.978,7.4735,10.312,
"""


def test_the_buyer_switches_to_pounds_and_sees_converted_prices_with_the_rate_date(browser_page, live_server):
    rates_cache_clear()
    with committed():
        shop = seed_shop()
        rates_import(content=RATES, file_name="eurofxref-hist.csv")
        seller = make_seller("Camden Audio")
        make_offer(
            seller=seller,
            product=shop.products["headphones"],
            price_amount=15000,
            currency="GBP",
            shipping_profile=make_shipping_profile(seller, currency="GBP", first_item_amount=0, express=False),
        )
    page = browser_page
    page.context.set_extra_http_headers({"Accept-Language": "en-GB,en;q=0.9"})
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + HEADPHONES.format(pk=shop.products["headphones"].pk))
    assert page.locator("[data-converted]").count() >= 1  # the pound offer, converted into euros

    page.select_option("#currency-product", "GBP")
    page.locator("#currency-product").locator("xpath=ancestor::form").locator("button[type=submit]").click()
    page.wait_for_load_state()

    featured = page.locator("#featured-offer")
    assert "≈ £137.49" in featured.locator(".buy-box__price").inner_text()  # 164.90 EUR × 0.8338
    assert "€164.90 · ECB rate of 4 Dec 2026" in featured.locator(".price-origin").first.inner_text()
    pound_row = page.locator(".offer", has_text="Camden Audio")
    assert "£150.00" in pound_row.inner_text() and "≈" not in pound_row.locator(".offer__price").inner_text()
    save_screenshot(page, "product-in-pounds")

    # In French, in Swiss francs: numbers, currency and the rate's date in the reader's format.
    page.context.add_cookies([{"name": "django_language", "value": "fr", "url": live_server.url}])
    page.context.set_extra_http_headers({"Accept-Language": "fr-FR,fr;q=0.9"})
    page.select_option("#currency-product", "CHF")
    page.locator("#currency-product").locator("xpath=ancestor::form").locator("button[type=submit]").click()
    page.wait_for_load_state()
    featured = page.locator("#featured-offer")
    assert "≈ 151,61\xa0CHF" in featured.locator(".buy-box__price").inner_text()  # 164.90 EUR × 0.9194
    assert "164,90\xa0€ · taux BCE du 4 déc. 2026" in featured.locator(".price-origin").first.inner_text()
    save_screenshot(page, "product-in-francs-fr")
    rates_cache_clear()


def test_a_buyer_pays_in_pounds_for_euro_and_zloty_offers_and_each_seller_is_settled_in_its_currency(
    browser_page, live_server
):
    from django.conf import settings
    from django.test import override_settings
    from django.urls import reverse

    from comptoir.orders.models import Order
    from comptoir.orders.services import cart_line_set
    from comptoir.testing.builders import ADDRESS
    from comptoir.web.tests.browser import login_browser

    rates_cache_clear()
    with committed():
        shop = seed_shop()
        rates_import(content=RATES, file_name="eurofxref-hist.csv")
        krakow = make_seller("Kraków Audio", country="PL")
        zloty_offer = make_offer(
            seller=krakow,
            product=shop.products["headphones"],
            price_amount=99900,
            currency="PLN",
            shipping_profile=make_shipping_profile(krakow, currency="PLN", first_item_amount=2500, express=False),
        )
        cart_line_set(buyer=shop.buyer, offer_id=shop.offers["headphones_klang"].pk, quantity=1)
        cart_line_set(buyer=shop.buyer, offer_id=zloty_offer.pk, quantity=1)
    presentment = {**settings.COMPTOIR, "FX": {**settings.COMPTOIR["FX"], "CHARGE_CURRENCY": "presentment"}}
    page = browser_page
    page.context.set_extra_http_headers({"Accept-Language": "en-GB,en;q=0.9"})
    page.set_viewport_size({"width": 1280, "height": 900})
    with override_settings(COMPTOIR=presentment):
        # The buyer chose pounds: the cart mixing euros and złoty is one order, charged in pounds.
        login_browser(page, live_server, shop.buyer)
        page.goto(live_server.url + reverse("storefront:cart") + "?currency=GBP")
        page.goto(live_server.url + reverse("storefront:checkout"))
        assert "You pay in GBP" in page.locator("#checkout-summary").inner_text()
        for field, value in ADDRESS.items():
            locator = page.locator(f"[name='{field}']")
            if locator.count():
                if locator.evaluate("element => element.tagName") == "SELECT":
                    locator.select_option(value)
                else:
                    locator.fill(value)
        page.locator("[name='card_number']").fill("4242 4242 4242 4242")
        page.locator("form:has([name='idempotency_key']) [type='submit']").click()
        # wait for the confirmation page itself: a load state already reached would not wait for the POST
        page.wait_for_url(re.compile(r"/checkout/confirmation/CO-"))
        order = Order.objects.get(buyer=shop.buyer)
        assert (order.currency, order.status, order.fx_source) == ("GBP", "paid", "ECB")

        page.goto(live_server.url + reverse("storefront:order_detail", args=[order.number]))
        save_screenshot(page, "order-paid-in-pounds")
        text = page.locator("main").inner_text()
        assert "you paid in gbp" in text.lower()  # a label the stylesheet may upper-case
        assert "1 PLN = 0.189336 GBP" in text  # 0.8338 / 4.4038 = 0.1893364…, frozen with 12 decimals, shown with 6
        assert "1 EUR = 0.8338 GBP" in text
        assert "Charged in GBP at the ECB rate of 4 Dec 2026, frozen on this order" in text
        assert f"£{order.total_amount // 100}.{order.total_amount % 100:02d}" in page.locator(".summary").inner_text()

        # The Kraków seller sees the sale in złoty: escrow and statement in its own currency.
        login_browser(page, live_server, krakow.members.get().user)
        page.goto(live_server.url + reverse("sellercenter:money") + "?currency=PLN&period=all")
        statement = page.locator("table").inner_text()
        assert "Payment received" in statement and "PLN1,024.00" in statement
        assert "In escrow · PLN" in page.locator("main").inner_text()
        save_screenshot(page, "seller-statement-in-zloty")
    rates_cache_clear()

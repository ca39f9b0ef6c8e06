"""Search filters in a real browser: a typed price survives the in-place refresh another filter starts, and the sort
applies on its first change."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from comptoir.search.tests.support import committed
from comptoir.web.storefront.tests.seed import seed_shop

pytestmark = pytest.mark.django_db(transaction=True)


def _prices(page) -> list[Decimal]:
    """The delivered prices of the result cards, in page order ("€87.90" -> 87.90)."""
    texts = page.locator(".product-card .product-card__price .price").all_inner_texts()
    return [Decimal(re.sub(r"[^\d.]", "", text)) for text in texts]


def test_a_price_typed_while_the_results_refresh_is_kept_and_applied(browser_page, live_server):
    with committed():
        seed_shop()
    page = browser_page
    page.goto(f"{live_server.url}/search")
    all_prices = _prices(page)
    assert max(all_prices) > 100  # the maximum typed below does filter something out

    # The buyer types a minimum, then goes to the maximum: leaving the first field refreshes the results (htmx) while
    # the second is being typed. The server is slowed down so that the refresh lands in the middle of the typing.
    page.locator("#price-min").click()
    page.keyboard.type("10")
    page.route("**/search?*", lambda route: (page.wait_for_timeout(300), route.continue_()))
    page.locator("#price-max").click()
    page.keyboard.type("100", delay=200)
    page.keyboard.press("Tab")

    page.wait_for_url(re.compile(r"price_min=10&price_max=100(&|$)"))
    expect(page.locator("#price-min")).to_have_value("10")
    expect(page.locator("#price-max")).to_have_value("100")  # it read "0" (the "1" went into the replaced field)
    expect(page.locator(".product-card")).to_have_count(len([price for price in all_prices if 10 <= price <= 100]))
    assert all(10 <= price <= 100 for price in _prices(page))


def test_the_sort_applies_on_its_first_change(browser_page, live_server):
    with committed():
        seed_shop()
    page = browser_page
    page.goto(f"{live_server.url}/search")

    page.locator("#sort").select_option("price_desc")

    page.wait_for_url(re.compile(r"sort=price_desc"))
    expect(page.locator("#sort")).to_have_value("price_desc")
    prices = _prices(page)
    assert len(prices) > 2 and prices == sorted(prices, reverse=True)

    page.locator("#sort").select_option("price_asc")  # and again, on the refreshed page

    page.wait_for_url(re.compile(r"sort=price_asc"))
    page.wait_for_function(
        "() => { const p = [...document.querySelectorAll('.product-card .price')]"
        ".map(e => parseFloat(e.textContent.replace(/[^0-9.]/g, ''))); "
        "return p.every((v, i) => i === 0 || p[i - 1] <= v); }"
    )
    assert _prices(page) == sorted(prices)

"""The main pages on a phone (390 × 844 CSS pixels, issue 10 item 18): search results come before the filters, which
fold behind a "Filters" toggle; the header stays small; the seller's price fields keep a usable width; no page scrolls
sideways. Screenshots: docs/screenshots/mobile-*.png (COMPTOIR_SCREENSHOTS=1)."""

from __future__ import annotations

import pytest

from comptoir.search.tests.support import committed
from comptoir.testing.auth import make_totp_device
from comptoir.testing.builders import make_operator, make_seller, make_user, trader_information
from comptoir.web.sellercenter.tests.support import offer_of, shop
from comptoir.web.storefront.tests.seed import seed_shop
from comptoir.web.tests.browser import login_browser, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(_browser, live_server):
    context = _browser.new_context(viewport=PHONE, locale="en-GB", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _scroll_width(page) -> tuple[int, int]:
    return page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")


def _assert_no_sideways_scroll(page):
    """Nothing is wider than the screen: neither the page (a phone browser would zoom out to show it all, which also
    widens innerWidth) nor a table inside its scrolling wrapper."""
    scroll_width, inner_width = _scroll_width(page)
    assert scroll_width <= inner_width == PHONE["width"], f"{page.url} is {scroll_width}px wide on a 390px screen"
    wide = page.evaluate(
        """() => [...document.querySelectorAll('.table-wrap')]
            .filter(wrap => wrap.scrollWidth > wrap.clientWidth + 1)
            .map(wrap => wrap.scrollWidth + ' > ' + wrap.clientWidth)"""
    )
    assert wide == [], f"a table of {page.url} scrolls sideways: {wide}"


def _box(page, selector: str) -> dict:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box


def test_on_a_phone_search_results_come_first_and_the_filters_fold_away(phone, live_server):
    with committed():
        seed_shop()
    page = phone

    page.goto(live_server.url + "/")
    header = _box(page, ".site-header")
    assert header["height"] <= 130, f"the header takes {header['height']}px of 844"
    _assert_no_sideways_scroll(page)
    save_screenshot(page, "mobile-home")

    page.goto(live_server.url + "/search")
    first_result = _box(page, ".product-card")
    assert first_result["y"] < 600, f"the first result starts {first_result['y']}px down"
    assert not page.locator("#price-min").is_visible()  # folded behind the toggle
    _assert_no_sideways_scroll(page)
    save_screenshot(page, "mobile-search")

    page.get_by_text("Filters", exact=True).click()
    assert page.locator("#price-min").is_visible()
    assert _box(page, "#price-min")["width"] >= 80
    _assert_no_sideways_scroll(page)
    save_screenshot(page, "mobile-search-filters")

    # The header no longer follows the scroll on a phone: the whole screen is left to the page.
    page.mouse.wheel(0, 1500)
    page.wait_for_function("() => window.scrollY > 500")
    header_after_scroll = page.locator(".site-header").bounding_box()
    assert header_after_scroll is None or header_after_scroll["y"] + header_after_scroll["height"] <= 0

    page.locator(".product-card").first.click()
    page.wait_for_url("**/p/**")
    _assert_no_sideways_scroll(page)
    save_screenshot(page, "mobile-product")


def test_on_a_phone_the_sellers_price_fields_keep_their_width(phone, live_server):
    seller, owner, profile = shop()
    for index in range(3):
        offer_of(seller, profile, sku=f"MUG-{index}", price_amount=1490 + index * 100, stock=12)
    page = phone
    login_browser(page, live_server, owner)

    page.goto(live_server.url + "/seller/offers/")
    price = page.locator("input[name=price]").first
    price.wait_for()
    assert price.bounding_box()["width"] >= 80
    _assert_no_sideways_scroll(page)
    save_screenshot(page, "mobile-seller-offers")


def test_on_a_phone_the_console_queue_does_not_scroll_sideways(phone, live_server):
    from comptoir.sellers.services import seller_onboard

    for index, (name, country) in enumerate([("Maison Verlaine", "FR"), ("Holzwerk Bauer Möbelmanufaktur", "DE")]):
        owner = make_user(f"owner{index}@shop{index}.example")
        seller_onboard(owner=owner, name=name, trader=trader_information(country, email=owner.email))
    make_seller("Verified shop")
    operator = make_operator()
    page = phone
    login_browser(page, live_server, operator, totp_device=make_totp_device(operator))

    page.goto(live_server.url + "/console/sellers/")
    page.get_by_text("Maison Verlaine").first.wait_for()
    _assert_no_sideways_scroll(page)
    save_screenshot(page, "mobile-console-queue")

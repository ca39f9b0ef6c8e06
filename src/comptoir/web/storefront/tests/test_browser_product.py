"""The product page in a real browser: offer badges stay inside their column (issue 10, item 14: "Livraison la plus
rapide" ran over the delivery dates). The documentation's product screenshot comes from test_browser_journeys."""

import pytest

from comptoir.search.tests.support import committed
from comptoir.web.storefront.tests.seed import seed_shop
from comptoir.web.tests.browser import save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

HEADPHONES = "/p/{pk}/casque-sans-fil-sonora-aria-reduction-de-bruit-noir"


def _overlaps(page) -> list[str]:
    """Badges of the offer list that spill out of their column or cover a neighbouring one."""
    return page.evaluate(
        """() => {
        const found = [];
        for (const badge of document.querySelectorAll('.offer .badge')) {
            const column = badge.closest('.offer > div').getBoundingClientRect();
            const box = badge.getBoundingClientRect();
            if (box.left < column.left - 0.5 || box.right > column.right + 0.5) found.push(badge.textContent.trim());
        }
        return found;
    }"""
    )


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_offer_badges_stay_inside_their_column_at_every_width(browser_page, live_server, language):
    with committed():
        shop = seed_shop()
    page = browser_page
    if language != "en":
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    url = live_server.url + HEADPHONES.format(pk=shop.products["headphones"].pk)
    for width in (1280, 1180, 1000, 800, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        assert page.locator(".offer .badge--brand").count() >= 1
        assert _overlaps(page) == [], f"{language} at {width}px"


def test_the_storefront_in_german(browser_page, live_server):
    """Issue 12: the home and a product page in German, with German prices and dates (screenshots for the docs)."""
    with committed():
        shop = seed_shop()
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/?lang=de")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("button", name="Suchen").count() == 1
    save_screenshot(page, "storefront-home-de")
    page.goto(live_server.url + HEADPHONES.format(pk=shop.products["headphones"].pk))  # the cookie keeps German
    assert page.get_by_role("button", name="In den Warenkorb").count() >= 1
    assert "\xa0€" in page.locator(".offer").first.inner_text()
    save_screenshot(page, "storefront-product-de")

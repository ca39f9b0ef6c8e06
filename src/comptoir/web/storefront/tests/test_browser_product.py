"""The product page in a real browser: offer badges stay inside their column (issue 10, item 14: "Livraison la plus
rapide" ran over the delivery dates); the variant picker of a product family. The documentation's product screenshot
comes from test_browser_journeys."""

import re

import pytest
from playwright.sync_api import expect

from comptoir.catalog.services import product_translation_put
from comptoir.search.tests.support import committed
from comptoir.web.storefront.tests.seed import seed_family, seed_shop
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


def test_the_variant_picker_switches_variant_offers_and_pictures(browser_page, live_server, settings, tmp_path):
    """A family page: picking a colour, then a size, shows that variant's pictures and offers (htmx swaps the page in
    place, the address follows); search shows the family once, with its options as facets. Screenshots:
    variant-picker, search-variants."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMPTOIR_SERVE_MEDIA = True
    with committed():
        shop = seed_shop()
        family = seed_family(shop, with_pictures=True)
    page = browser_page
    page.goto(f"{live_server.url}/p/{family.pk}/organic-cotton-t-shirt")
    expect(page.locator(".variant-picker__status")).to_contain_text("Chosen: S / Red")
    expect(page.locator(".gallery img").first).to_have_attribute("alt", "Organic cotton T-shirt, red")

    page.locator(".variant-picker").get_by_role("link", name="Navy").click()
    navy_small = shop.products["tshirt S Navy"]
    expect(page).to_have_url(re.compile(rf"\?variant={navy_small.pk}$"))
    expect(page.locator(".variant-picker__status")).to_contain_text("S / Navy is out of stock")
    page.locator(".variant-picker").get_by_role("link", name="M", exact=True).click()
    expect(page.locator(".variant-picker__status")).to_contain_text("Chosen: M / Navy")
    expect(page.locator(".gallery img").first).to_have_attribute("alt", "Organic cotton T-shirt, navy")
    expect(page.locator(f"#offer-{shop.offers['tshirt M Navy klang'].pk}")).to_be_visible()
    assert page.locator(".offer-list > li.offer").count() == 1
    # Unavailable values are struck through but still reachable; the chosen ones are marked for assistive technology.
    assert page.locator(".variant-picker__value.is-selected[aria-current='true']").count() == 2
    save_screenshot(page, "variant-picker")

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/search?q=t-shirt")
    expect(page.locator(".product-card")).to_have_count(1)
    expect(page.locator(".product-card__options")).to_contain_text("Size: S, M, L")
    page.locator(".facet--options").get_by_label("Navy").check()
    expect(page).to_have_url(re.compile(r"o\.Colour=Navy"))
    expect(page.locator(".product-card__options")).to_contain_text("Colour: Navy")
    save_screenshot(page, "search-variants")


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


def test_a_translated_product_page_in_german(browser_page, live_server):
    """Issue 12, languages: a French listing with a German translation, found by a German search with another form of
    the word and shown in German (title, description, characteristics); Italian falls back to the French text.
    Screenshot: product-translated-de."""
    with committed():
        shop = seed_shop()
        headphones = shop.products["headphones"]
        product_translation_put(
            product_id=headphones.pk,
            language="de",
            title="Kabellose Kopfhörer Sonora Aria – Geräuschunterdrückung, schwarz",
            description="Ohrumschließende Kopfhörer mit aktiver Geräuschunterdrückung, 30 Stunden Akkulaufzeit.",
            attributes={"Farbe": "schwarz", "Verbindung": "kabellos"},
        )
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/search?lang=de&q=kabelloser+kopfhorer")  # "kabellose" in the title
    card = page.locator(".product-card").first
    expect(card).to_contain_text("Kabellose Kopfhörer Sonora Aria")
    card.click()
    expect(page.locator("h1")).to_have_text("Kabellose Kopfhörer Sonora Aria – Geräuschunterdrückung, schwarz")
    expect(page.locator(".prose").first).to_contain_text("30 Stunden Akkulaufzeit")
    expect(page.locator("table.attributes")).to_contain_text("Verbindung")
    assert page.locator("html").get_attribute("lang") == "de"
    save_screenshot(page, "product-translated-de")
    page.goto(page.url.split("?")[0] + "?lang=it")
    expect(page.locator("h1")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_contain_text("Casque sans fil Sonora Aria")

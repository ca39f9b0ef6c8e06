"""In a real browser: a seller uploads pictures of a product it offers in the seller center, then the product page
shows them as a gallery (main picture, thumbnails, no script needed) at desktop width and at 390 px, and the search
cards show the first picture. Screenshots: product-gallery-desktop, product-gallery-mobile, seller-pictures."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from comptoir.catalog.models import ProductImage
from comptoir.demo.pictures import render_demo_picture
from comptoir.offers.models import Offer
from comptoir.search.tests.support import committed
from comptoir.web.storefront.tests.seed import seed_shop
from comptoir.web.tests.browser import login_browser, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def _visible_slide_ids(page) -> list[str]:
    return page.evaluate(
        "() => [...document.querySelectorAll('.gallery__slide')]"
        ".filter(slide => getComputedStyle(slide).display !== 'none').map(slide => slide.id)"
    )


def test_a_seller_uploads_pictures_and_buyers_see_the_gallery(browser_page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMPTOIR_SERVE_MEDIA = True
    with committed():
        shop = seed_shop()
    product = shop.products["headphones"]
    files = []
    for view in range(3):
        path = tmp_path / f"headphones-{view}.jpg"
        path.write_bytes(render_demo_picture(title=product.title, brand=product.brand, tone=1, view=view))
        files.append(path)
    not_a_picture = tmp_path / "notes.jpg"
    not_a_picture.write_text("just text\n" * 10)

    page = browser_page
    owner = get_user_model().objects.get(email="owner-son@example.com")
    login_browser(page, live_server, owner)
    page.goto(live_server.url + "/seller/offers/")
    page.locator(f"#offer-row-{shop.offers['headphones_son'].pk}").get_by_role("link", name="Pictures and 3D").click()
    page.wait_for_url(re.compile(rf"/seller/products/{product.pk}/media$"))

    # A text file named .jpg is refused, with the reason next to the field.
    page.locator("#id_file").first.set_input_files(str(not_a_picture))
    page.get_by_role("button", name="Upload the picture").click()
    expect(page.locator(".field__error")).to_contain_text("not of an accepted type")

    for number, path in enumerate(files):
        page.locator("#id_file").first.set_input_files(str(path))
        page.locator("#id_alt_text").fill(f"Sonora Aria headphones, view {number + 1}")
        page.get_by_role("button", name="Upload the picture").click()
        expect(page.locator(".message, .messages").first).to_contain_text("Picture added")
    expect(page.locator(".sc-picture")).to_have_count(3)
    expect(page.locator(".sc-picture").first).to_contain_text("Main picture")
    save_screenshot(page, "seller-pictures")
    page.screenshot(path="/work/wt/pics-shots/seller-pictures.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert _no_sideways_scroll(page)
    page.screenshot(path="/work/wt/pics-shots/seller-pictures-mobile.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    images = list(ProductImage.objects.filter(product=product).order_by("position"))
    assert [len(image.renditions) for image in images] == [3, 3, 3]  # the task ran after each upload

    # The product page: the main picture (a WebP rendition, loaded), thumbnails switching it without any script.
    page.goto(live_server.url + (page.locator("a", has_text="See the product page").get_attribute("href") or ""))
    main = page.locator(f"#picture-{images[0].pk} img")
    expect(main).to_be_visible()
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", main.element_handle())
    assert main.get_attribute("alt") == "Sonora Aria headphones, view 1"
    assert "w480.webp 480w" in (main.get_attribute("srcset") or "")
    assert _visible_slide_ids(page) == [f"picture-{images[0].pk}"]
    page.locator(f'a.gallery__thumb[href="#picture-{images[2].pk}"]').click()
    assert _visible_slide_ids(page) == [f"picture-{images[2].pk}"]
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path="/work/wt/pics-shots/product-gallery-desktop.png")
    save_screenshot(page, "product-gallery-desktop")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.url.split("#")[0])
    expect(page.locator(f"#picture-{images[0].pk} img")).to_be_visible()
    assert _no_sideways_scroll(page)
    stage = page.locator(".gallery__stage").bounding_box()
    assert stage is not None and stage["width"] <= 390 and stage["x"] >= 0
    page.screenshot(path="/work/wt/pics-shots/product-gallery-mobile.png")
    save_screenshot(page, "product-gallery-mobile")

    # Search cards show the first picture instead of the letter tile.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/search?q=sonora")
    card = page.locator(".product-card", has_text="Sonora Aria").first
    card_image = card.locator(".product-card__image img")
    expect(card_image).to_be_visible()
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", card_image.element_handle())
    assert card.locator(".tile").count() == 0
    page.screenshot(path="/work/wt/pics-shots/search-cards.png")


def test_the_gallery_and_the_pictures_page_have_no_serious_accessibility_violation(
    _browser, live_server, settings, tmp_path
):
    from comptoir.catalog.services import product_image_upload, product_model_3d_upload
    from comptoir.catalog.tests.files import glb_bytes
    from comptoir.web.tests.test_browser_accessibility import axe_violations

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMPTOIR_SERVE_MEDIA = True
    with committed():
        shop = seed_shop()
    product, offer = shop.products["headphones"], shop.offers["headphones_son"]
    for view in range(2):
        content = render_demo_picture(title=product.title, brand=product.brand, tone=1, view=view)
        product_image_upload(product_id=product.pk, seller=offer.seller, actor=None, content=content)
    product_model_3d_upload(product_id=product.pk, seller=offer.seller, actor=None, content=glb_bytes())

    context = _browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    login_browser(page, live_server, get_user_model().objects.get(email="owner-son@example.com"))
    problems = {}
    for path in (
        f"/p/{product.pk}/casque-sans-fil-sonora-aria-reduction-de-bruit-noir",
        f"/seller/products/{product.pk}/media",
    ):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        if found := axe_violations(page):
            problems[path] = found
    context.close()
    assert problems == {}


def test_a_seller_creates_a_product_with_variants_offers_them_and_adds_a_picture_per_variant(
    browser_page, live_server, settings, tmp_path
):
    """The seller center's variants: the family form (every combination a variant), the grid of offers saved at once,
    a picture on one variant, which the storefront's picker then shows. Screenshot: seller-variants."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMPTOIR_SERVE_MEDIA = True
    with committed():
        seed_shop()
    picture = tmp_path / "navy.jpg"
    picture.write_bytes(render_demo_picture(title="Linen shirt - Navy", brand="Atelier", tone=0, colour=(29, 42, 77)))
    page = browser_page
    login_browser(page, live_server, get_user_model().objects.get(email="owner-son@example.com"))
    page.goto(live_server.url + "/seller/offers/new")
    page.get_by_role("link", name="Create a product with variants").click()
    page.get_by_label("Product title").fill("Linen shirt")
    page.get_by_label("Category").select_option(label="Books")
    page.locator("#id_family-option1_values").fill("S, M, L")
    page.locator("#id_family-option2_values").fill("White, Navy")
    page.get_by_role("button", name="Create the product and its variants").click()
    expect(page.locator(".sc-variants tbody tr")).to_have_count(6)

    for label, (sku, price, stock) in {
        "M / Navy": ("LS-M-NAVY", "49.90", "4"),
        "S / White": ("LS-S-W", "45", "2"),
    }.items():
        page.get_by_label(f"SKU of {label}").fill(sku)
        page.get_by_label(f"Price of {label}").fill(price)
        page.get_by_label(f"Stock of {label}").fill(stock)
    page.get_by_label("GTIN of M / Navy").fill("4006381333931")
    page.get_by_role("button", name="Save the variants and offers").click()
    expect(page.locator(".message, .messages").first).to_contain_text("Your variants and offers are saved.")
    save_screenshot(page, "seller-variants")

    page.locator("tr", has_text="M / Navy").get_by_role("link", name="Pictures (0)").click()
    page.locator("#id_file").first.set_input_files(str(picture))
    page.locator("#id_alt_text").fill("Linen shirt, navy")
    page.get_by_role("button", name="Upload the picture").click()
    expect(page.locator(".message, .messages").first).to_contain_text("Picture added")

    page.goto(live_server.url + (page.locator("a", has_text="See the product page").get_attribute("href") or ""))
    expect(page.locator(".variant-picker__status")).to_contain_text("Chosen: M / Navy")
    expect(page.locator(".gallery img").first).to_have_attribute("alt", "Linen shirt, navy")
    assert page.locator(".variant-picker__value.is-unavailable").count() >= 1  # L has no offer in any colour

    # The family's own pictures (an import's product pictures land there too), reached from the variant grid: shown
    # on the product page for a variant that has none of its own.
    page.goto(live_server.url + "/seller/offers/")
    page.locator("tr", has_text="LS-S-W").get_by_role("link", name="All variants").click()
    page.get_by_role("link", name="Pictures of the product, for every variant (0)").click()
    expect(page.locator("h1")).to_have_text("Linen shirt")
    expect(page.locator(".breadcrumbs")).to_contain_text("Variants")
    whole = tmp_path / "whole.jpg"
    whole.write_bytes(render_demo_picture(title="Linen shirt", brand="Atelier", tone=1, colour=(200, 200, 190)))
    page.locator("#id_file").first.set_input_files(str(whole))
    page.locator("#id_alt_text").fill("Linen shirt, all colours")
    page.get_by_role("button", name="Upload the picture").click()
    expect(page.locator(".message, .messages").first).to_contain_text("Picture added")
    expect(page.locator(".sc-picture img")).to_have_attribute("alt", "Linen shirt, all colours")
    save_screenshot(page, "seller-family-pictures")
    page.get_by_role("link", name="Variants").click()
    expect(page.get_by_role("link", name="Pictures of the product, for every variant (1)")).to_be_visible()
    white = Offer.objects.get(sku="LS-S-W").product_id
    page.goto(f"{live_server.url}/p/{white}/")
    expect(page.locator(".gallery img").first).to_have_attribute("alt", "Linen shirt, all colours")

"""Seller-center journeys in a real browser (Debian's chromium) against a live server, in English and French."""

import re

import pytest

from comptoir.testing.auth import make_totp_device
from comptoir.testing.builders import make_user
from comptoir.web.sellercenter.tests.seed import seed_shop
from comptoir.web.tests.browser import login_browser, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery"
TEXT = {
    "en": {
        "ship": "Mark as shipped",
        "shipped": "marked as shipped",
        "carrier": "Carrier",
        "tracking": "Tracking number",
        "late": "Late",
        "to_ship": "To ship",
    },
    "fr": {
        "ship": "Marquer comme expédiée",
        "shipped": "marquée comme expédiée",
        "carrier": "Transporteur",
        "tracking": "Numéro de suivi",
        "late": "En retard",
        "to_ship": "À expédier",
    },
}


def _choose_language(page, live_server, language: str):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("button", name=language.upper(), exact=True).click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_seller_logs_in_with_two_factor_and_ships_with_a_tracking_number(browser_page, live_server, language):
    # Given a shop whose owner protects the account with an authenticator app, and an accepted order
    shop = seed_shop(weeks=3)
    device = make_totp_device(shop["owner"])
    order = shop["to_ship"]
    page = browser_page
    words = TEXT[language]
    _choose_language(page, live_server, language)

    # When the owner logs in with password and code, and opens the orders to ship
    login_browser(page, live_server, shop["owner"].email, PASSWORD, totp_device=device, next_path="/seller/")
    assert page.url.endswith("/seller/")
    page.get_by_role("navigation", name=re.compile("Seller center|Espace vendeur")).get_by_role(
        "link", name=re.compile("^(Orders|Commandes)$")
    ).click()
    page.get_by_role("link", name=words["to_ship"], exact=True).click()
    page.get_by_role("link", name=order.number).click()
    page.get_by_label(words["carrier"], exact=True).select_option("colissimo")
    page.get_by_label(words["tracking"]).fill("6a 1234 5678 901")
    page.get_by_role("button", name=words["ship"]).click()
    page.wait_for_load_state()

    # Then the order is shipped with the tracking number, and the page says so in the chosen language
    assert words["shipped"] in page.locator(".messages").inner_text()
    assert "6A12345678901" in page.locator("main").inner_text()
    order.refresh_from_db()
    assert (order.status, order.carrier, order.tracking_number) == ("shipped", "La Poste / Colissimo", "6A12345678901")


def test_a_session_without_the_code_step_cannot_enter_the_seller_center(browser_page, live_server):
    # Given a member with a confirmed device whose browser session skipped the code step
    shop = seed_shop(weeks=1)
    device = make_totp_device(shop["owner"])
    page = browser_page
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    login_browser(page, live_server, shop["owner"])  # planted session, no device verified
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)

    # When they open the seller center, then the code is asked first, and the right code lets them in
    page.goto(live_server.url + "/seller/orders/")
    assert "/seller/security/verify" in page.url
    from comptoir.testing.auth import totp_code

    page.get_by_label(re.compile("Code from your authenticator app")).fill(totp_code(device))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()
    assert page.url.endswith("/seller/orders/")


def test_inline_price_and_stock_edit_swaps_only_the_row(browser_page, live_server):
    # Given the owner on the offers page
    shop = seed_shop(weeks=1)
    page = browser_page
    login_browser(page, live_server, shop["owner"])
    page.goto(live_server.url + "/seller/offers/")
    offer = shop["offers"][1]
    row = page.locator(f"#offer-row-{offer.pk}")

    # When a wrong price is saved, then the error shows inside the row and nothing changes
    row.locator("input[name=price]").fill("abc")
    row.get_by_role("button", name="Save").click()
    page.locator(f"#offer-row-{offer.pk} .field__error").wait_for()
    assert "12.34" in page.locator(f"#offer-row-{offer.pk}").inner_text()
    offer.refresh_from_db()
    assert offer.price_amount == 5900

    # When a good price and stock are saved, then the row is updated in place
    page.locator(f"#offer-row-{offer.pk} input[name=price]").fill("61.50")
    page.locator(f"#offer-row-{offer.pk} input[name=stock]").fill("9")
    page.locator(f"#offer-row-{offer.pk}").get_by_role("button", name="Save").click()
    page.locator(f"#offer-row-{offer.pk}.htmx-added, #offer-row-{offer.pk}:not(.row--error)").first.wait_for()
    page.wait_for_function(f"document.querySelector('#offer-row-{offer.pk} .field__error') === null")
    offer.refresh_from_db()
    assert (offer.price_amount, offer.stock) == (6150, 9)


def test_screenshots_of_the_seller_center(browser_page, live_server):
    # Given a shop with twelve weeks of history, seen by its owner in English
    shop = seed_shop(weeks=12)
    page = browser_page
    login_browser(page, live_server, shop["owner"])

    page.goto(live_server.url + "/seller/")
    assert page.locator(".sc-chart svg rect.bar").count() == 24
    assert shop["late"].number in page.locator("main").inner_text()
    save_screenshot(page, "seller-dashboard")

    page.goto(live_server.url + "/seller/offers/")
    assert page.locator("tbody tr").count() == 10
    save_screenshot(page, "seller-offers")

    page.goto(live_server.url + "/seller/orders/")
    assert page.locator("tr.row--alert").count() >= 1
    save_screenshot(page, "seller-orders")

    # And a newcomer whose VAT number has a wrong check digit sees the reason next to the field
    newcomer = make_user("newcomer@example.com")
    page.context.clear_cookies()
    login_browser(page, live_server, newcomer)
    page.goto(live_server.url + "/seller/onboarding/")
    page.get_by_label("Shop name").fill("Les Jardins de Provence")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Legal name").fill("Les Jardins de Provence SAS")
    page.get_by_label("Street address").fill("4 chemin des Oliviers")
    page.get_by_label("Postal code").fill("13100")
    page.get_by_label("City").fill("Aix-en-Provence")
    page.get_by_label("Country of establishment").select_option("FR")
    page.get_by_label("Phone").fill("+33 4 42 00 00 00")
    page.get_by_label("Contact email").fill("bonjour@jardins.example")
    page.get_by_label("Trade register", exact=True).fill("RCS Aix-en-Provence")
    page.get_by_label("Registration number").fill("512 345 678")
    page.get_by_label("VAT identification number").fill("FR41303265045")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert "check digit" in page.locator(".field--invalid").inner_text()
    save_screenshot(page, "seller-onboarding-errors")


def test_the_owner_adds_a_webhook_reads_the_delivery_log_and_sends_a_failed_event_again(
    browser_page, live_server, settings
):
    """Screenshots: seller-webhook-delivery (a delivery's attempts, the replay among them), seller-webhook-log."""
    from comptoir.offers.services import offer_update
    from comptoir.web.sellercenter.tests.support import offer_of, shop
    from comptoir.webhooks.models import WebhookAttempt
    from comptoir.webhooks.tests.receiver import start_receiver

    settings.COMPTOIR = {**settings.COMPTOIR, "WEBHOOKS": {**settings.COMPTOIR["WEBHOOKS"], "MAX_ATTEMPTS": 1}}
    receiver, server = start_receiver()
    try:
        # Given a shop whose owner is signed in
        seller, owner, profile = shop()
        offers = [offer_of(seller, profile, sku=f"MUG-00{number}", stock=3) for number in (1, 2)]
        page = browser_page
        login_browser(page, live_server, owner)

        # When the owner adds an endpoint for "offer out of stock" and keeps the secret shown once
        page.goto(live_server.url + "/seller/")
        page.get_by_role("navigation", name="Seller center").get_by_role("link", name="Webhooks").click()
        page.get_by_label("URL").fill(receiver.url)
        page.get_by_label("Description").fill("Warehouse system")
        page.get_by_label("Offer out of stock").check()
        page.get_by_role("button", name="Add the endpoint").click()
        receiver.secret = page.locator("#new-secret").input_value()
        assert receiver.secret.startswith("whsec_")
        page.get_by_role("link", name="I have stored the secret").click()

        # And two offers sell out while the receiver first fails, then answers
        receiver.statuses = [500]
        for offer in offers:
            offer_update(seller=seller, actor=None, offer_id=offer.pk, changes={"stock": 0})
        page.goto(live_server.url + "/seller/webhooks/")
        log = page.locator(".sc-webhook-log")
        assert "Failed" in log.inner_text() and "Delivered" in log.inner_text() and "HTTP 500" in log.inner_text()

        # Then the failed one is opened and sent again, and the log says it was delivered
        log.locator("tr.row--alert").get_by_role("link").click()
        page.get_by_role("button", name="Send again").click()
        assert "being sent again" in page.locator(".messages").inner_text()
        assert "Sent again" in page.locator("main").inner_text()
        save_screenshot(page, "seller-webhook-delivery")
        assert WebhookAttempt.objects.filter(is_replay=True, is_success=True).count() == 1
        assert len(receiver.received) == 3 and all(request.is_verified for request in receiver.received)
        page.goto(live_server.url + "/seller/webhooks/")
        save_screenshot(page, "seller-webhook-log")
    finally:
        server.shutdown()
        server.server_close()


IMPORT_CSV = (
    "Handle,Title,Body (HTML),Vendor,Product Category,Option1 Name,Option1 Value,Variant SKU,Variant Price,"
    "Variant Inventory Qty,Variant Barcode,Status\n"
    "linen-apron,Linen apron,<p>Stonewashed <b>linen</b>.</p>,Atelier,Home & kitchen,Colour,Sand,APRON-SAND,29.00,"
    "12,1.23457E+12,active\n"
    "linen-apron,,,,,,Charcoal,APRON-CHAR,29.00,8,,\n"
    "tea-towel,Tea towel,,Atelier,Kitchen textiles,Title,Default Title,TOWEL,9.50,40,4006381333931,active\n"
)


def test_a_seller_imports_a_shopify_export_after_reading_its_report(browser_page, live_server, settings, tmp_path):
    # Given the owner of a shop, and a Shopify export with one wrong price
    settings.MEDIA_ROOT = tmp_path / "media"
    shop = seed_shop(weeks=1)
    broken = tmp_path / "broken.csv"
    broken.write_text(IMPORT_CSV.replace("9.50", "nine"))
    good = tmp_path / "products_export.csv"
    good.write_text(IMPORT_CSV)
    page = browser_page
    login_browser(page, live_server, shop["owner"])
    page.goto(live_server.url + "/seller/")
    page.get_by_role("link", name="Import", exact=True).click()

    # When the broken file is checked, then the report names the line and the column, and offers no import
    page.get_by_label("Shop", exact=True).select_option("shopify")
    page.get_by_label("Export file").set_input_files(str(broken))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url(re.compile(r"/seller/imports/\d+/$"))
    error_row = page.locator(".sc-errors-table tbody tr")
    assert error_row.count() == 1
    assert error_row.locator("td").nth(0).inner_text() == "4"
    assert "Variant Price" in error_row.locator("td").nth(1).inner_text()
    assert page.get_by_role("button", name="Import now").count() == 0
    save_screenshot(page, "seller-import-errors")

    # When the corrected file is checked with a category for what matches none, then the report counts it all
    page.goto(live_server.url + "/seller/imports/")
    page.get_by_label("Shop", exact=True).select_option("shopify")
    page.get_by_label("Export file").set_input_files(str(good))
    page.get_by_label("Category for products whose category matches none of ours").select_option(label="Home & kitchen")
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url(re.compile(r"/seller/imports/\d+/$"))
    stats = page.locator(".grid--stats").inner_text()
    assert "Products\n2" in stats and "Variants\n2" in stats and "Offers\n3" in stats
    assert "rounded by a spreadsheet" in page.locator("details").text_content()
    assert "Kitchen textiles\tHome & kitchen (your default category)" in page.locator("main").inner_text()
    save_screenshot(page, "seller-import-report")

    # When the seller imports it, then the offers exist and the page says so
    page.get_by_role("button", name="Import now").click()
    page.wait_for_url(re.compile(r"/seller/imports/\d+/$"))
    page.get_by_text("Your products and offers are in the catalog.").wait_for()
    assert page.locator("progress").get_attribute("value") == "100"
    save_screenshot(page, "seller-import-done")
    page.get_by_role("link", name="See your offers").click()
    assert "APRON-CHAR" in page.locator("main").inner_text() or "Linen apron" in page.locator("main").inner_text()


def test_the_seller_issues_a_credit_note_for_a_released_order(browser_page, live_server):
    from comptoir.checkout.services import seller_order_complete
    from comptoir.orders.domain.state_machine import Actor
    from comptoir.orders.models import CreditNote
    from comptoir.orders.services import seller_order_accept, seller_order_mark_delivered, seller_order_ship
    from comptoir.testing.builders import make_operator
    from comptoir.web.sellercenter.tests.support import offer_of, order_of, shop

    # Given a released order of three mugs
    seller, owner, profile = shop()
    seller_order = order_of(offer_of(seller, profile, sku="MUG-001", price_amount=1490, stock=12), quantity=3)
    seller_order_accept(seller=seller, seller_order_id=seller_order.pk, actor=owner)
    seller_order_ship(
        seller=seller, seller_order_id=seller_order.pk, actor=owner, carrier="DHL", tracking_number="JD0001112223"
    )
    seller_order_mark_delivered(seller=seller, seller_order_id=seller_order.pk, actor=owner, actor_role=Actor.SELLER)
    seller_order_complete(seller_order_id=seller_order.pk, actor=make_operator())
    line = seller_order.lines.get()
    page = browser_page
    login_browser(page, live_server, owner)
    page.goto(f"{live_server.url}/seller/orders/{seller_order.number}/")
    card = page.locator("#credit-notes")

    # When nothing is chosen, then the error shows in the card and nothing is refunded
    card.get_by_role("button", name="Issue the credit note").click()
    page.locator("#credit-notes .message--error").wait_for()
    assert "Choose at least one unit or the shipping to refund." in card.inner_text()
    assert not CreditNote.objects.exists()

    # When two units are credited, then the card is swapped with the note and one unit is left to refund
    page.locator(f"#credit-notes input[name=line_{line.pk}]").fill("2")
    page.locator("#credit-notes input[name=reason]").fill("Two mugs arrived broken")
    page.locator("#credit-notes").get_by_role("button", name="Issue the credit note").click()
    page.locator("#credit-notes .message--success").wait_for()
    text = page.locator("#credit-notes").inner_text()
    assert f"{seller_order.number}-C1" in text and "29.80" in text
    assert page.locator(f"#credit-notes input[name=line_{line.pk}]").get_attribute("max") == "1"
    assert page.url.endswith(f"/seller/orders/{seller_order.number}/")  # swapped in place, no navigation
    save_screenshot(page, "seller-credit-note")
    assert list(CreditNote.objects.values_list("gross_amount", "reason")) == [(2980, "Two mugs arrived broken")]

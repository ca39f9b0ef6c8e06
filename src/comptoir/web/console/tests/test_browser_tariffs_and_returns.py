"""In a real browser: the operator sees the loaded tariff rates in the admin (read-only, filtered by area), the UK VAT
field of the filings page proposes the last quarter of the operator's HMRC stagger, and the marketplace's OSS return
shows each row's Member State of dispatch."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import TestCase, override_settings

from comptoir.checkout.services import order_checkout
from comptoir.core import clock
from comptoir.sellers.models import Seller
from comptoir.taxes.models import VatRate
from comptoir.taxes.services import tariff_rates_load
from comptoir.testing.auth import make_totp_device
from comptoir.testing.builders import CARD_OK, make_offer, make_operator, make_seller, make_shipping_profile, make_user
from comptoir.web.tests.browser import login_browser, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery"
TARIFF = (
    "area,hs_prefix,origin,rate_percent,valid_from,valid_to,source\n"
    "EU,61101190,,12,2026-01-01,,CN 6110 11 90 conventional rate\n"
    "EU,61,GB,0,2021-01-01,,EU-UK TCA Art. GOODS.5\n"
    "GB,6110,,12,2026-01-01,,UK Global Tariff example\n"
)
STAGGER_2 = {**settings.COMPTOIR, "FILINGS": {**(settings.COMPTOIR.get("FILINGS") or {}), "UK_VAT_STAGGER": "2"}}


def test_tariff_rates_in_the_admin_and_the_returns_in_the_console(browser_page, live_server):
    tariff_rates_load(text=TARIFF)
    for country, rate_bp in {"FR": 2000, "PL": 2300}.items():
        VatRate.objects.create(
            country=country,
            tax_class="standard",
            rate_bp=rate_bp,
            valid_from=dt.date(2026, 1, 1),
            source="test",
            imported_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )
    seller = make_seller("Brooklyn Stock in Poland", country="FR")
    Seller.objects.filter(pk=seller.pk).update(country="US")
    seller.refresh_from_db()
    offer = make_offer(
        seller=seller,
        price_amount=10000,
        shipping_profile=make_shipping_profile(seller, first_item_amount=490, express=False),
        ships_from_country="PL",
    )
    address = {"name": "A Buyer", "street": "1 Rue", "postal_code": "75001", "city": "Paris", "country": "FR"}
    with clock.frozen_at(dt.datetime(2026, 9, 2, 12, tzinfo=dt.UTC)), TestCase.captureOnCommitCallbacks(execute=True):
        order_checkout(
            buyer=make_user(),
            shipping_address=address,
            payment_method=CARD_OK,
            lines=[{"offer_id": offer.pk, "quantity": 1}],
        )
    operator = make_operator()
    page = browser_page
    login_browser(
        page, live_server, operator.email, PASSWORD, totp_device=make_totp_device(operator), next_path="/admin/"
    )

    page.goto(live_server.url + "/admin/taxes/tariffrate/?area__exact=EU")
    listed = page.locator("#result_list").inner_text()
    assert "61101190" in listed and "GB" in listed and "12" in listed and "6110\t" not in listed
    assert page.locator("#content .object-tools a.addlink").count() == 0  # loaded from files, not added here
    save_screenshot(page, "admin-tariff-rates")

    with override_settings(COMPTOIR=STAGGER_2):
        page.goto(live_server.url + "/console/filings/")
        uk = page.locator("#uk-period")
        assert uk.get_attribute("pattern") == r"\d{4}-S2Q[1-4]"
        assert "S2Q" in (uk.get_attribute("value") or "")
        page.goto(live_server.url + "/console/filings/returns/oss/2026-Q3")
        rows = page.locator("#rows-title + .table-wrap table")
        assert "DISPATCHED FROM" in rows.locator("thead").inner_text().upper()
        assert rows.locator("tbody tr").first.locator("td").last.inner_text() == "PL"
        save_screenshot(page, "console-oss-return-dispatch")

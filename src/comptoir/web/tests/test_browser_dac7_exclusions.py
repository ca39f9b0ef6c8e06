"""An operator excludes a listed seller from DAC7 in the console's Tax filings page, in a real browser: the seller
leaves the reportable list and appears among the excluded, with the reason (docs/TAXES.md, "DAC7: exclusions")."""

from __future__ import annotations

import datetime as dt

import pytest

from comptoir.filings.models import Dac7Exclusion
from comptoir.filings.tests.helpers import buy, offer_from
from comptoir.taxes.models import VatRate
from comptoir.testing.auth import make_totp_device
from comptoir.testing.builders import make_operator
from comptoir.web.tests.browser import login_browser, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_operator_excludes_a_listed_seller_from_dac7(browser_page, live_server):
    for country, rate_bp in (("FR", 2000), ("DE", 1900)):
        VatRate.objects.create(
            country=country,
            tax_class="standard",
            rate_bp=rate_bp,
            valid_from=dt.date(2026, 1, 1),
            source="test",
            imported_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )
    offer = offer_from("DE", 150000)
    for day in (2, 3):
        buy(offer, to="FR", at=dt.datetime(2026, 3, day, 12, tzinfo=dt.UTC))
    seller = offer.seller
    operator = make_operator()
    page = browser_page
    login_browser(page, live_server, operator, totp_device=make_totp_device(operator))

    page.goto(f"{live_server.url}/console/filings/?year=2026")
    reportable = page.locator("section[aria-labelledby=reportable-title]")
    assert seller.legal_name in reportable.inner_text()
    page.locator("#exclusion-seller").select_option(str(seller.pk))
    page.locator("#exclusion-kind").select_option("listed_entity")
    page.locator("#exclusion-reason").fill("Listed on Euronext Paris, checked 7 January 2027")
    with page.expect_navigation():
        page.locator("#exclusion-form button[type=submit]").click()

    excluded = page.locator("section[aria-labelledby=exclusions-title]")
    assert "Listed on Euronext Paris, checked 7 January 2027" in excluded.inner_text()
    assert "Listed entity" in excluded.inner_text()
    assert "No reportable seller for this year." in reportable.inner_text()
    assert "The seller is excluded from DAC7 reports: Listed entity." in page.locator(".messages").inner_text()
    save_screenshot(page, "console-dac7-exclusions")
    exclusion = Dac7Exclusion.objects.get()
    assert (exclusion.seller_id, exclusion.kind, exclusion.set_by_id) == (seller.pk, "listed_entity", operator.pk)

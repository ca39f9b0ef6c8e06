"""axe-core on the main pages of the storefront, the seller center and the console (issue 10, item 19): no serious
or critical violation of WCAG 2.x A/AA and best-practice rules, and no request of the page fails (the favicon 404'd).

axe-core is vendored under assets/axe-core (no CDN) and injected into each page; the context bypasses the page's CSP
only so that the test may inject it."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from comptoir.catalog.services import VariantSpec, product_family_create
from comptoir.orders.services import cart_line_set
from comptoir.search.tests.support import committed
from comptoir.testing.auth import make_totp_device
from comptoir.testing.builders import make_operator
from comptoir.trust.models import SellerTrust
from comptoir.web.sellercenter.tests.support import offer_of, order_of, shop
from comptoir.web.storefront.tests.seed import seed_family, seed_shop
from comptoir.web.storefront.tests.test_views_account import place_order
from comptoir.web.tests.browser import login_browser

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).parent / "assets" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
# Moderate in axe, but fixed and kept fixed: headings that skip a level (the checkout's did).
ALWAYS = ("heading-order",)


@pytest.fixture
def audited_page(_browser, live_server):
    context = _browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    failed: list[str] = []
    page.on(
        "response",
        lambda response: failed.append(f"{response.status} {response.url}") if response.status >= 400 else None,
    )
    page.failed_requests = failed
    yield page
    context.close()


def axe_violations(page) -> list[str]:
    """The page's serious and critical axe violations, one line each: rule, impact, the first offending elements."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + json.dumps([node["target"] for node in violation["nodes"][:3]])
        for violation in results["violations"]
        if violation["impact"] in BLOCKING or violation["id"] in ALWAYS
    ]


def _audit(page, url: str) -> dict[str, list[str]]:
    page.failed_requests.clear()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    problems = axe_violations(page)
    problems += [f"failed request: {line}" for line in page.failed_requests]
    return {url: problems} if problems else {}


def test_the_buyers_pages_have_no_serious_accessibility_violation(audited_page, live_server):
    with committed():
        storefront = seed_shop()
        family = seed_family(storefront)
    buyer = storefront.buyer
    place_order(storefront)
    # A seller at risk: its badge (score and band on the warning colours) must stay readable.
    SellerTrust.objects.update_or_create(
        seller=storefront.sellers["tecno"],
        defaults={
            "score": Decimal("55"),
            "score_low": Decimal("41"),
            "score_high": Decimal("66"),
            "tier": "at_risk",
            "evidence_orders": 40,
        },
    )
    cart_line_set(buyer=buyer, offer_id=storefront.offers["speaker_son"].pk, quantity=1)
    headphones = storefront.products["headphones"]
    page = audited_page
    found: dict[str, list[str]] = {}

    out_of_stock = storefront.products["tshirt S Navy"]
    for path in (
        "/",
        "/search?q=kelvor",
        f"/p/{headphones.pk}/casque-sans-fil-sonora-aria-reduction-de-bruit-noir",
        # The variant picker (an out-of-stock variant chosen) and the option facets.
        f"/p/{family.pk}/organic-cotton-t-shirt?variant={out_of_stock.pk}",
        "/search?q=t-shirt&o.Colour=Navy",
    ):
        found |= _audit(page, live_server.url + path)
    login_browser(page, live_server, buyer)
    for path in ("/cart", "/checkout", "/account/orders"):
        found |= _audit(page, live_server.url + path)

    assert found == {}


def test_the_seller_center_and_console_have_no_serious_accessibility_violation(audited_page, live_server):
    seller, owner, profile = shop()
    offer = offer_of(seller, profile, sku="MUG-001", price_amount=1490, stock=12)
    order_of(offer)
    operator = make_operator()
    page = audited_page
    found: dict[str, list[str]] = {}

    family = product_family_create(
        title="Linen shirt",
        category_id=offer.product.category_id,
        option_names=["Size", "Colour"],
        variants=[VariantSpec(option_values={"Size": size, "Colour": "Blue"}) for size in ("S", "M")],
        seller=seller,
    )
    login_browser(page, live_server, owner)
    found |= _audit(page, live_server.url + "/seller/")
    found |= _audit(page, live_server.url + f"/seller/families/{family.pk}/")
    found |= _audit(page, live_server.url + "/seller/offers/new/family")
    found |= _audit(page, live_server.url + "/seller/webhooks/")
    found |= _audit(page, live_server.url + "/seller/taxes/")
    page.context.clear_cookies()
    login_browser(page, live_server, operator, totp_device=make_totp_device(operator))
    found |= _audit(page, live_server.url + "/console/")
    found |= _audit(page, live_server.url + "/console/filings/")
    found |= _audit(page, live_server.url + "/console/filings/returns/uk-vat/2026-Q3")
    found |= _audit(page, live_server.url + "/console/filings/returns/ch-vat/2026-Q3")

    assert found == {}

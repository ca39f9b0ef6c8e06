"""Real-browser journey of a manual measure (issue 10): an operator suspends a seller from the console with a
reason and a confirmation page, the seller reads the statement of reasons ("manual decision by the marketplace",
in French) and appeals, the operator grants the appeal and the seller is back. Screenshots of the measure form, the
confirmation page and the seller's statement."""

import re

import pytest
from playwright.sync_api import expect

from comptoir.sellers.models import MemberRole, SellerMember, SellerStatus
from comptoir.testing.auth import make_totp_device
from comptoir.testing.builders import make_offer, make_operator, make_seller
from comptoir.trust.models import Appeal, EnforcementAction
from comptoir.web.tests.browser import login_browser, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-battery"
FACTS = (
    "Three buyers sent photos of counterfeit USB-C chargers bought from this shop (orders of 2 to 4 March); the "
    "brand confirmed on 5 March that the serial numbers are fake."
)


def test_an_operator_suspends_from_the_console_the_seller_reads_why_and_appeals(browser_page, live_server):
    page = browser_page
    seller = make_seller("Bazar Express")
    make_offer(seller=seller)
    operator = make_operator("claire.ops@example.com")
    device = make_totp_device(operator)

    # The operator, in English, on the seller's trust page.
    login_browser(
        page, live_server, operator.email, PASSWORD, totp_device=device, next_path=f"/console/trust/sellers/{seller.pk}"
    )
    card = page.locator(".measure-card")
    expect(card).to_contain_text("Measures")
    card.get_by_label("Measure").select_option("suspension")
    card.get_by_label("Ground").select_option("illegal_content")
    card.get_by_role("button", name="Review and confirm").click()
    page.wait_for_load_state()
    # No reason: the form again, with the error next to the field, and nothing done.
    expect(page.locator(".field__error")).to_contain_text("State the facts")
    assert not EnforcementAction.objects.exists()
    page.get_by_label("Facts (the seller reads them)").fill(FACTS)
    page.get_by_role("button", name="Review and confirm").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text("Suspension of Bazar Express")
    expect(page.locator(".statement")).to_contain_text("Manual decision by the marketplace")
    expect(page.locator(".statement")).to_contain_text("counterfeit USB-C chargers")
    expect(page.locator(".measure-confirm__consequence")).to_contain_text("leave the storefront")
    save_screenshot(page, "console-measure-confirm")
    page.get_by_role("button", name="Confirm: Suspension").click()
    expect(page.locator(".message--success").first).to_contain_text("The measure is taken.")
    expect(page.locator(".measure-card")).to_contain_text("Suspended")
    save_screenshot(page, "console-measures")
    seller.refresh_from_db()
    action = EnforcementAction.objects.get(seller=seller, kind="suspension", is_active=True)
    assert seller.status == SellerStatus.SUSPENDED and not action.is_automated and action.created_by == operator

    # The seller, in French, reads the statement and appeals.
    owner = SellerMember.objects.get(seller=seller, role=MemberRole.OWNER).user
    page.context.clear_cookies()
    login_browser(page, live_server, owner)
    page.context.add_cookies([{"name": "django_language", "value": "fr", "url": live_server.url}])
    page.goto(live_server.url + "/seller/health/notices/")
    expect(page.locator("main")).not_to_contain_text("Aucune mesure")
    page.get_by_role("link", name=re.compile("motifs", re.IGNORECASE)).first.click()
    page.wait_for_url(re.compile(rf"/seller/health/notices/{action.pk}$"))
    statement = page.locator(".statement")
    expect(statement).to_contain_text("Décision manuelle de la place de marché")
    expect(statement).to_contain_text("Produits ou contenus illicites")
    expect(statement).to_contain_text("counterfeit USB-C chargers")
    page.locator("#id_text").fill("Ces chargeurs viennent du grossiste officiel de la marque ; factures jointes.")
    save_screenshot(page, "seller-statement-manual-fr")
    page.get_by_role("button", name="Envoyer mon recours").click()
    expect(page.locator(".message--success").first).to_be_visible()
    appeal = Appeal.objects.get(action=action)

    # The operator grants the appeal: the seller is back, its offers with it.
    page.context.clear_cookies()
    login_browser(page, live_server, operator, totp_device=device)
    page.goto(live_server.url + "/console/trust/appeals/")
    item = page.locator(f"#appeal-{appeal.pk}")
    item.locator("textarea").fill("Invoices from the brand's official wholesaler checked: the suspension is lifted.")
    item.get_by_role("button", name="Grant: lift the restriction").click()
    expect(page.locator(".message--success").first).to_contain_text("Appeal granted")
    seller.refresh_from_db()
    action.refresh_from_db()
    assert seller.status == SellerStatus.VERIFIED and not action.is_active

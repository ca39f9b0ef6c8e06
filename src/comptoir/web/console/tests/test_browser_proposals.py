"""Real-browser journey of the measures proposed after a history import (issue 11): the operator opens "Proposed
measures" in English, reads the facts of the imported record, switches to French, confirms one proposal with the
facts the seller will read and dismisses the other; no serious accessibility violation, no sideways scrolling on a
phone. Screenshots of the queue (English, French, phone) and of the confirmed list."""

import pytest
from playwright.sync_api import expect

from comptoir.testing.auth import make_totp_device
from comptoir.testing.builders import make_operator
from comptoir.trust.models import EnforcementAction, MeasureProposal
from comptoir.web.console.tests.test_views_proposals import proposed
from comptoir.web.tests.browser import login_browser, save_screenshot
from comptoir.web.tests.test_browser_accessibility import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)
FACTS = "Votre historique importé montre 20 % de commandes annulées par vos soins sur les 40 derniers jours."


@pytest.fixture
def console_page(_browser):
    context = _browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_an_operator_confirms_one_proposed_measure_and_dismisses_another(console_page, live_server):
    page = console_page
    seller, proposal = proposed("Bazar Importé")
    other, other_proposal = proposed("Vieux Grenier")
    operator = make_operator("claire.ops@example.com")
    login_browser(page, live_server, operator, totp_device=make_totp_device(operator))

    page.goto(live_server.url + "/console/trust/proposals/")
    expect(page.locator("h1")).to_have_text("Proposed measures")
    card = page.locator(f"#proposal-{proposal.pk}")
    expect(card).to_contain_text("Bazar Importé")
    expect(card).to_contain_text("Below standard because:")
    expect(card).to_contain_text("grace period until")
    expect(card.get_by_role("button", name="Confirm: take the measure (Warning)")).to_be_visible()
    assert axe_violations(page) == []
    save_screenshot(page, "console-proposals-en")

    page.context.add_cookies([{"name": "django_language", "value": "fr", "url": live_server.url}])
    page.reload()
    expect(page.locator("h1")).to_have_text("Mesures proposées")
    card = page.locator(f"#proposal-{proposal.pk}")
    expect(card).to_contain_text("Sous le niveau requis")
    save_screenshot(page, "console-proposals-fr")
    card.get_by_label("Faits (le vendeur les lit si vous confirmez)").fill(FACTS)
    card.get_by_role("button", name="Confirmer : prendre la mesure (Avertissement)").click()
    expect(page.locator(".message--success").first).to_contain_text("La mesure est prise")
    other_card = page.locator(f"#proposal-{other_proposal.pk}")
    other_card.get_by_label("Faits (le vendeur les lit si vous confirmez)").fill("Artefact de migration vérifié.")
    other_card.get_by_role("button", name="Classer sans suite").click()
    expect(page.locator(".message--success").first).to_contain_text("rien n'est imposé")
    expect(page.locator("main")).to_contain_text("Aucune mesure proposée dans cette liste.")

    action = EnforcementAction.objects.get(seller=seller)
    assert (action.kind, action.is_automated, action.created_by, action.facts_text) == (
        "warning",
        False,
        operator,
        FACTS,
    )
    assert not EnforcementAction.objects.filter(seller=other).exists()
    assert MeasureProposal.objects.get(pk=other_proposal.pk).status == "dismissed"

    page.goto(live_server.url + "/console/trust/proposals/?status=confirmed")
    expect(page.locator(f"#proposal-{proposal.pk}")).to_contain_text(FACTS)
    save_screenshot(page, "console-proposals-confirmed-fr")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/console/trust/proposals/?status=dismissed")
    expect(page.locator(f"#proposal-{other_proposal.pk}")).to_contain_text("Artefact de migration")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    save_screenshot(page, "console-proposals-phone")

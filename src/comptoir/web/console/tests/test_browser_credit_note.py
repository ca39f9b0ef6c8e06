"""The operator issues a credit note from the console, in a real browser: select the released seller order, pick the
action, choose the units and the reason, and see the note issued with the duty it gives back."""

import pytest

from comptoir.checkout.tests.test_checkout_duties import buy, offer_from, tax_data  # noqa: F401
from comptoir.checkout.tests.test_credit_notes_duties import balance, release
from comptoir.orders.models import CreditNote
from comptoir.payments.verify import ledger_verify
from comptoir.testing.auth import make_totp_device
from comptoir.testing.builders import make_operator
from comptoir.web.tests.browser import login_browser, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery"


def test_the_operator_issues_a_credit_note_from_the_console(browser_page, live_server):
    # Given the US seller's EUR 120 blouse to Italy (duty collected at checkout), released
    offer = offer_from("US", 12000)
    seller_order, _owner = release(buy(offer, to="IT"), offer.seller)
    line = seller_order.lines.get()
    operator = make_operator()
    page = browser_page
    login_browser(
        page, live_server, operator.email, PASSWORD, totp_device=make_totp_device(operator), next_path="/admin/"
    )

    # When the operator selects it in the seller orders list and picks "Issue a credit note"
    page.goto(live_server.url + "/admin/orders/sellerorder/")
    page.locator(f'input[name="_selected_action"][value="{seller_order.pk}"]').check()
    page.select_option('select[name="action"]', "issue_credit_note")
    page.locator('button[name="index"], input[name="index"]').first.click()
    page.get_by_label("Reason").wait_for()
    assert "refunded so far €0.00" in page.locator("#content").inner_text()
    # nothing chosen: the form says so, nothing issued
    page.locator('input[name="apply"]').click()
    page.wait_for_load_state()
    assert "Choose at least one unit or the shipping" in page.locator("#content").inner_text()
    assert not CreditNote.objects.exists()
    page.locator(f'input[name="line_{line.pk}"]').fill("1")
    page.get_by_label("Reason").fill("Returned: wrong size")
    save_screenshot(page, "console-credit-note")
    page.locator('input[name="apply"]').click()
    page.wait_for_load_state()

    # Then the list says it is issued; the note gives back the blouse with its duty; the ledger verifies
    assert "credit note" in page.locator(".messagelist").inner_text()
    note = CreditNote.objects.get()
    assert note.created_by_id == operator.pk and note.reason == "Returned: wrong size"
    assert sorted(note.lines.values_list("kind", flat=True)) == ["duty", "item"]
    assert balance("duty_liability:IT") == 0
    assert ledger_verify().ok

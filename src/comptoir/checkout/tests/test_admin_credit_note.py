"""The operator console's "Issue a credit note…" action on seller orders: the seller center's service
(seller_order_credit) with the operator as actor, idempotent on the key drawn when the form is shown."""

import re

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from comptoir.checkout.tests.test_checkout_duties import buy, offer_from, tax_data  # noqa: F401
from comptoir.checkout.tests.test_credit_notes_duties import balance, release
from comptoir.core.models import AuditLog
from comptoir.orders.models import CreditNote
from comptoir.payments.selectors import ledger_entries_unbalanced

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:orders_sellerorder_changelist"


def run_action(client, seller_orders, **form):
    data = {
        "action": "issue_credit_note",
        helpers.ACTION_CHECKBOX_NAME: [seller_order.pk for seller_order in seller_orders],
        **form,
    }
    return client.post(reverse(CHANGELIST), data, follow="apply" in form)


def test_the_operator_issues_a_credit_note_from_the_console(console, operator):
    # Given the US seller's EUR 120 blouse to Italy, released
    offer = offer_from("US", 12000)
    seller_order, _owner = release(buy(offer, to="IT"), offer.seller)
    line = seller_order.lines.get()

    # When the operator picks the action: a form with the units left per line, the shipping, a reason and a key
    page = run_action(console, [seller_order])
    assert page.status_code == 200
    content = page.content.decode()
    assert "Issue a credit note" in content and f'name="line_{line.pk}"' in content and 'name="shipping"' in content
    assert 'name="line_duty' not in content  # the duty follows the goods, it is never chosen
    key = re.search(r'name="key" value="([0-9a-f]+)"', content).group(1)

    # Nothing chosen: refused, nothing written
    empty = run_action(console, [seller_order], apply="1", key=key, reason="")
    assert b"Choose at least one unit or the shipping" in empty.content and not CreditNote.objects.exists()

    # And confirms the blouse with a reason
    done = run_action(console, [seller_order], apply="1", key=key, reason="returned", **{f"line_{line.pk}": "1"})

    # Then the note gives back the blouse and its duty, audited with the operator, the ledger balanced
    assert b"credit note" in done.content and b"issued" in done.content
    note = CreditNote.objects.get()
    assert note.created_by == operator and note.reason == "returned"
    assert sorted(note.lines.values_list("kind", flat=True)) == ["duty", "item"]
    assert balance("duty_liability:IT") == 0
    assert AuditLog.objects.filter(action="seller_order.credit", actor=operator).count() == 1
    assert ledger_entries_unbalanced() == []

    # The same form posted again issues nothing more
    again = run_action(console, [seller_order], apply="1", key=key, reason="returned", **{f"line_{line.pk}": "1"})
    assert b"was already issued" in again.content and CreditNote.objects.count() == 1

    # More units than are left: the form says so
    more = run_action(console, [seller_order], apply="1", key="other", **{f"line_{line.pk}": "2"})
    assert more.status_code == 200 and CreditNote.objects.count() == 1


def test_a_seller_order_not_released_is_refused(console):
    offer = offer_from("US", 12000)
    seller_order = buy(offer, to="IT").seller_orders.get()
    page = run_action(console, [seller_order])
    assert page.status_code == 302 or b"not released" in page.content
    page = console.get(reverse(CHANGELIST))
    assert b"not released" in page.content and not CreditNote.objects.exists()

"""The operator console's "Record a chargeback…" action on seller orders."""

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from comptoir.core.models import AuditLog
from comptoir.orders.models import SellerOrderEvent
from comptoir.payments.models import Chargeback
from comptoir.payments.tests.conftest import checkout, seller_order_of
from comptoir.payments.verify import ledger_verify
from comptoir.testing.auth import force_login_verified

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:orders_sellerorder_changelist"


def run_action(client, seller_orders, **form):
    data = {
        "action": "record_chargeback",
        helpers.ACTION_CHECKBOX_NAME: [seller_order.pk for seller_order in seller_orders],
        **form,
    }
    return client.post(reverse(CHANGELIST), data, follow=bool(form))


def test_the_operator_records_a_chargeback_from_the_console(console, operator, marketplace):
    # given a paid seller order
    seller_order = seller_order_of(checkout([(marketplace["offer_a"], 2)]), marketplace["seller_a"])

    # when the operator picks the action: a form with the amount still chargeable
    page = run_action(console, [seller_order])
    assert page.status_code == 200
    assert b"Record a chargeback" in page.content and b'name="reference"' in page.content
    # and confirms it with an amount in major units, a reason and the provider's reference
    done = run_action(console, [seller_order], apply="1", amount="12.50", reason="fraudulent", reference="CB-2026-0001")

    # then the chargeback is recorded by this operator, audited, and the ledger verifies
    assert done.status_code == 200
    assert b"chargeback of" in done.content
    chargeback = Chargeback.objects.get()
    assert (chargeback.amount, chargeback.provider_reference, chargeback.source, chargeback.recorded_by_id) == (
        1250,
        "CB-2026-0001",
        "operator",
        operator.pk,
    )
    assert SellerOrderEvent.objects.get(action="chargeback").actor_role == "operator"
    audit = AuditLog.objects.get(action="chargeback.recorded")
    assert (audit.actor_id, audit.seller_id, audit.data["seller_order"]) == (
        operator.pk,
        marketplace["seller_a"].pk,
        seller_order.number,
    )
    assert ledger_verify().ok

    # when the same reference is entered again: nothing changes, the operator is told
    again = run_action(console, [seller_order], apply="1", amount="3.00", reason="other", reference="CB-2026-0001")
    assert b"already recorded" in again.content
    assert Chargeback.objects.count() == 1


def test_the_console_refuses_an_amount_above_what_is_left_or_with_too_many_decimals(console, marketplace):
    seller_order = seller_order_of(checkout([(marketplace["offer_a"], 1)]), marketplace["seller_a"])
    too_much = f"{(seller_order.total_amount + 1) / 100:.2f}"

    refused = run_action(console, [seller_order], apply="1", amount=too_much, reason="fraudulent", reference="CB-1")
    assert b"exceeds what is left" in refused.content
    precise = run_action(console, [seller_order], apply="1", amount="1.234", reason="fraudulent", reference="CB-2")
    assert b"at most 2 decimal places" in precise.content
    assert not Chargeback.objects.exists()


def test_one_seller_order_at_a_time(console, marketplace):
    order = checkout([(marketplace["offer_a"], 1), (marketplace["offer_b"], 1)])
    both = list(order.seller_orders.all())
    response = console.post(
        reverse(CHANGELIST),
        {"action": "record_chargeback", helpers.ACTION_CHECKBOX_NAME: [item.pk for item in both]},
        follow=True,
    )
    assert response.status_code == 200 and b"Select exactly one seller order" in response.content
    assert not Chargeback.objects.exists()


def test_a_staff_member_who_is_not_an_operator_does_not_get_the_action(client, marketplace):
    from comptoir.testing.builders import make_user

    # given staff who may browse seller orders but is not an operator
    staff = make_user(is_staff=True, is_superuser=True, is_operator=False)
    force_login_verified(client, staff)
    seller_order = seller_order_of(checkout([(marketplace["offer_a"], 1)]), marketplace["seller_a"])

    # then the action is not offered, and posting it anyway records nothing
    changelist = client.get(reverse(CHANGELIST))
    assert changelist.status_code == 200 and b"record_chargeback" not in changelist.content
    run_action(client, [seller_order], apply="1", amount="1.00", reason="fraudulent", reference="CB-3")
    assert not Chargeback.objects.exists()

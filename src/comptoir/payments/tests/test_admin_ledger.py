import itertools

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import transaction
from django.urls import reverse

from comptoir.checkout.services import order_checkout, seller_order_complete
from comptoir.core.models import AuditLog
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import SellerOrder
from comptoir.orders.services import seller_order_accept, seller_order_mark_delivered, seller_order_ship
from comptoir.payments.models import JournalEntry, LedgerAccount, Payout, PayoutBatch, Posting
from comptoir.testing.auth import force_login_verified
from comptoir.testing.builders import ADDRESS, CARD_OK, make_offer, make_operator, make_user

pytestmark = pytest.mark.django_db(transaction=True)
_keys = itertools.count(1)


@pytest.fixture
def console(client):
    force_login_verified(client, make_operator())
    return client


def _paid_order(price=4200):
    offer = make_offer(price_amount=price, stock=3)
    order_checkout(
        buyer=make_user(),
        shipping_address=ADDRESS,
        payment_method=CARD_OK,
        lines=[{"offer_id": offer.pk, "quantity": 1}],
        idempotency_key=f"ledger-admin-{next(_keys)}",
    )
    return offer


def test_journal_entry_cannot_be_changed_or_deleted_from_the_console(console):
    _paid_order()
    entry = JournalEntry.objects.get(kind="capture")
    change_url = reverse("admin:payments_journalentry_change", args=[entry.pk])

    view = console.get(change_url)
    change = console.post(change_url, {"memo": "rewritten", "source_key": "rewritten"})
    delete = console.post(reverse("admin:payments_journalentry_delete", args=[entry.pk]), {"post": "yes"})
    add = console.get(reverse("admin:payments_journalentry_add"))

    assert view.status_code == 200
    assert (change.status_code, delete.status_code, add.status_code) == (403, 403, 403)
    entry.refresh_from_db()
    assert (entry.memo, entry.source_key) != ("rewritten", "rewritten")
    assert JournalEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    "model", ["journalentry", "ledgeraccount", "ledgerblock", "payout", "payoutbatch", "payment", "refund"]
)
def test_ledger_models_offer_no_add_change_or_delete(console, model):
    model_admin = admin.site._registry[apps.get_model("payments", model)]
    request = console.get(reverse("admin:index")).wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_ledger_account_list_shows_balances_from_postings(console):
    offer = _paid_order(price=4200)
    escrow = LedgerAccount.objects.get(kind="seller_escrow", seller=offer.seller)
    total = -sum(Posting.objects.filter(account=escrow).values_list("amount", flat=True))

    response = console.get(reverse("admin:payments_ledgeraccount_changelist"), {"kind": "seller_escrow"})

    listed = {account.pk: account.signed_balance for account in response.context["cl"].result_list}
    assert listed[escrow.pk] == -total
    assert total > 4200  # the item plus shipping
    assert f"€{total / 100:,.2f}" in response.content.decode()


def test_entry_page_lists_its_postings_as_debits_and_credits(console):
    _paid_order(price=4200)
    entry = JournalEntry.objects.get(kind="capture")

    page = console.get(reverse("admin:payments_journalentry_change", args=[entry.pk])).content.decode()

    for posting in entry.postings.all():
        assert f"€{abs(posting.amount) / 100:,.2f}" in page


def _released_order(operator, price=5000):
    """A delivered seller order whose escrow an operator released: its seller has a payable balance."""
    offer = _paid_order(price=price)
    seller_order = SellerOrder.objects.get(lines__offer=offer)
    seller_user = offer.seller.members.get().user
    seller_order_accept(seller=offer.seller, seller_order_id=seller_order.pk, actor=seller_user)
    seller_order_ship(
        seller=offer.seller,
        seller_order_id=seller_order.pk,
        actor=seller_user,
        carrier="DHL",
        tracking_number="JD014600003828",
    )
    seller_order_mark_delivered(
        seller_order_id=seller_order.pk, actor=seller_user, actor_role=Actor.SELLER, seller=offer.seller
    )
    with transaction.atomic(durable=True):
        seller_order_complete(seller_order_id=seller_order.pk, actor=operator)
    seller_order.refresh_from_db()
    return seller_order


def test_payout_batch_created_from_the_console_pays_the_payable_balance(client):
    operator = make_operator()
    force_login_verified(client, operator)
    seller_order = _released_order(operator)
    net = seller_order.total_amount - seller_order.commission_amount

    listing = client.get(reverse("admin:payments_payoutbatch_changelist")).content.decode()
    response = client.post(reverse("admin:payments_payoutbatch_create"), {"currency": "EUR", "minimum_amount": 1})

    assert "Create payout batch" in listing
    batch = PayoutBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "admin:payments_payoutbatch_change", args=[batch.pk]
    )
    payout = Payout.objects.get(batch=batch)
    assert (payout.seller_id, payout.amount, batch.created_by) == (seller_order.seller_id, net, operator)
    assert AuditLog.objects.get(action="payout_batch.create").actor == operator
    second = client.post(reverse("admin:payments_payoutbatch_create"), {"currency": "EUR", "minimum_amount": 1})
    assert second.status_code == 302
    assert Payout.objects.count() == 1  # nothing left to pay


def test_payout_batch_form_refuses_an_unknown_currency(console):
    response = console.post(reverse("admin:payments_payoutbatch_create"), {"currency": "XYZ", "minimum_amount": 1})

    assert response.status_code == 200
    assert "Unknown currency code." in response.content.decode()
    assert not PayoutBatch.objects.exists()


def test_staff_who_are_not_operators_cannot_create_payout_batches(client):
    force_login_verified(client, make_user(is_staff=True, is_superuser=True, is_operator=False))

    listing = client.get(reverse("admin:payments_payoutbatch_changelist")).content.decode()
    response = client.post(reverse("admin:payments_payoutbatch_create"), {"currency": "EUR", "minimum_amount": 1})

    assert "Create payout batch" not in listing
    assert response.status_code == 403
    assert not PayoutBatch.objects.exists()

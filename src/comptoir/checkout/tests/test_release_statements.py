"""The escrow release of one seller order: what it reads and writes, statement by statement (the daily release
runs it for every delivered order; the demo seeding, two thousand times)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.checkout.services import chargeback_record, dispute_decide, seller_orders_release_due
from comptoir.checkout.services.release import _release_checks
from comptoir.core import clock
from comptoir.orders.models import SellerOrder, SellerOrderEvent
from comptoir.orders.services import dispute_open, seller_order_has_open_dispute
from comptoir.orders.tests.support import T0, account_balance, advance, buy
from comptoir.payments.selectors import seller_order_charged_back_amount
from comptoir.testing.builders import make_operator

pytestmark = pytest.mark.django_db


def test_a_release_marks_the_order_released_in_the_completion_s_own_update():
    # given a seller whose ledger accounts exist (a first order released) and a second order delivered a day later
    first = buy(price=1000)
    advance(first, "delivered", at=T0)
    bought = buy(price=1000, offer=first.offer)
    advance(bought, "delivered", at=T0 + dt.timedelta(days=1))
    with clock.frozen_at(SellerOrder.objects.get(pk=first.seller_order.pk).release_due_at):
        assert seller_orders_release_due() == 1
    due = SellerOrder.objects.get(pk=bought.seller_order.pk).release_due_at
    escrow_before = account_balance("seller_escrow", bought.seller.pk)

    with clock.frozen_at(due + dt.timedelta(minutes=1)), CaptureQueriesContext(connection) as queries:
        assert seller_orders_release_due() == 1

    statements = [query["sql"] for query in queries.captured_queries if "SAVEPOINT" not in query["sql"]]
    table = connection.ops.quote_name(SellerOrder._meta.db_table)
    updates = [sql for sql in statements if sql.startswith("UPDATE") and table in sql]
    assert len(updates) == 1  # status, completed_at and is_released together
    # the due list, the lock, the open dispute and charged-back amount (one statement), the transition (UPDATE +
    # event) and the ledger posting (entry, accounts, postings)
    assert len(statements) == 8, statements
    stored = SellerOrder.objects.get(pk=bought.seller_order.pk)
    assert (stored.status, stored.is_released, stored.completed_at) == (
        "completed",
        True,
        due + dt.timedelta(minutes=1),
    )
    assert SellerOrderEvent.objects.filter(seller_order=stored, action="complete").count() == 1
    assert (escrow_before, account_balance("seller_escrow", bought.seller.pk)) == (-stored.total_amount, 0)


def test_an_order_completed_by_release_only_once():
    bought = buy()
    advance(bought, "delivered", at=T0)
    due = SellerOrder.objects.get(pk=bought.seller_order.pk).release_due_at
    with clock.frozen_at(due):
        assert seller_orders_release_due() == 1
        assert seller_orders_release_due() == 0
    assert SellerOrder.objects.filter(pk=bought.seller_order.pk, is_released=True, status="completed").count() == 1


def test_the_release_checks_read_what_the_two_selectors_read():
    bought = buy(price=5000)
    advance(bought, "shipped", at=T0)
    seller_order_id = bought.seller_order.pk

    def both() -> tuple[bool, int]:
        return (
            seller_order_has_open_dispute(seller_order_id=seller_order_id),
            seller_order_charged_back_amount(seller_order_id),
        )

    assert _release_checks(seller_order_id) == both() == (False, 0)
    chargeback_record(seller_order_id=seller_order_id, amount=700, reason="fraudulent", provider_reference="dp_a")
    chargeback_record(seller_order_id=seller_order_id, amount=300, reason="fraudulent", provider_reference="dp_b")
    assert _release_checks(seller_order_id) == both() == (False, 1000)
    with clock.frozen_at(T0 + dt.timedelta(days=20)):
        dispute = dispute_open(
            buyer=bought.buyer, seller_order_id=seller_order_id, reason="not_received", description="Never came."
        )
    assert _release_checks(seller_order_id) == both() == (True, 1000)
    with clock.frozen_at(T0 + dt.timedelta(days=21)):
        dispute_decide(dispute_id=dispute.pk, actor=make_operator(), in_favour_of="seller", note="Proof of delivery.")
    assert _release_checks(seller_order_id) == both() == (False, 1000)
    assert _release_checks(seller_order_id + 1000) == (False, 0)

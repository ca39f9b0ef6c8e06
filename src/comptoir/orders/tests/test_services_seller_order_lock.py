"""The seller-order lock and the transitions' writes are fixed statements (core.db): they read and store exactly
what the ORM does, lock the same rows, and keep each party to its own seller orders."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from comptoir.core import clock
from comptoir.core.exceptions import NotFound
from comptoir.orders.domain.state_machine import Action, Actor
from comptoir.orders.models import SellerOrder, SellerOrderEvent
from comptoir.orders.services import seller_order_lock, seller_order_ship, seller_order_transition
from comptoir.orders.tests.support import T0, advance, buy
from comptoir.testing.builders import make_seller, make_user

pytestmark = pytest.mark.django_db


def _statements(queries) -> list[str]:
    return [query["sql"] for query in queries if "SAVEPOINT" not in query["sql"]]


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in SellerOrder._meta.concrete_fields}


@pytest.mark.parametrize("scope", ["none", "seller", "buyer", "both"])
def test_lock_gives_the_orm_s_instance_in_one_locking_statement(scope):
    bought = buy()
    advance(bought, "shipped")  # timestamps, carrier and dates filled in: every converter at work
    scoped = {
        "none": {},
        "seller": {"seller": bought.seller},
        "buyer": {"buyer": bought.buyer},
        "both": {"seller": bought.seller, "buyer": bought.buyer},
    }[scope]

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        locked = seller_order_lock(seller_order_id=bought.seller_order.pk, **scoped)

    assert _fields(locked) == _fields(SellerOrder.objects.get(pk=bought.seller_order.pk))
    assert not locked._state.adding and locked.get_deferred_fields() == set()
    (sql,) = _statements(queries.captured_queries)
    assert sql.rstrip().endswith("FOR UPDATE") == connection.features.has_select_for_update
    assert "ORDER BY" not in sql


def test_lock_finds_nothing_outside_its_scope():
    bought = buy()
    other_buyer, other_seller = make_user(), make_seller()
    for scoped in ({"seller": other_seller}, {"buyer": other_buyer}, {"seller": bought.seller, "buyer": other_buyer}):
        with transaction.atomic(), pytest.raises(NotFound) as raised:
            seller_order_lock(seller_order_id=bought.seller_order.pk, **scoped)
        assert raised.value.code == "seller_order_not_found"
    for missing in (bought.seller_order.pk + 1000, str(bought.seller_order.pk), None):
        with transaction.atomic(), pytest.raises(NotFound):
            seller_order_lock(seller_order_id=missing)


@pytest.mark.django_db(transaction=True)
def test_lock_outside_a_transaction_is_refused_where_it_would_lock():
    bought = buy()
    if connection.features.has_select_for_update:  # PostgreSQL: a lock released at once is a bug, as in the ORM
        with pytest.raises(TransactionManagementError):
            seller_order_lock(seller_order_id=bought.seller_order.pk)
    else:  # SQLite locks the whole database for the writer; nothing to refuse
        assert seller_order_lock(seller_order_id=bought.seller_order.pk).pk == bought.seller_order.pk


def test_a_transition_is_one_read_one_update_and_one_insert_storing_what_the_orm_stored():
    bought = buy()
    advance(bought, "accepted")
    staff = bought.seller_user
    at = T0.replace(hour=15, minute=7, second=3, microsecond=123456)

    with clock.frozen_at(at), CaptureQueriesContext(connection) as queries:
        seller_order_ship(
            seller=bought.seller,
            seller_order_id=bought.seller_order.pk,
            actor=staff,
            carrier="DHL",
            tracking_number="JD0146000012345",
        )

    statements = _statements(queries.captured_queries)
    assert [sql.split()[0] for sql in statements] == ["SELECT", "UPDATE", "INSERT"]
    stored = SellerOrder.objects.get(pk=bought.seller_order.pk)
    assert (stored.status, stored.shipped_at, stored.carrier, stored.tracking_number) == (
        "shipped",
        at,
        "DHL",
        "JD0146000012345",
    )
    event = SellerOrderEvent.objects.filter(seller_order=stored).latest("pk")
    assert (event.action, event.from_status, event.to_status, event.actor_role, event.actor_id) == (
        "ship",
        "accepted",
        "shipped",
        "seller",
        staff.pk,
    )
    assert event.seller_id_copy == bought.seller.pk and event.created_at == at
    assert event.data == {"carrier": "DHL", "tracking_number": "JD0146000012345", "late": False}


def test_a_transition_on_a_vanished_row_fails_like_save():
    bought = buy()
    with transaction.atomic():
        seller_order = seller_order_lock(seller_order_id=bought.seller_order.pk)
        seller_order.pk = bought.seller_order.pk + 1000  # a row that does not exist
        with pytest.raises(DatabaseError, match="did not affect any rows"):
            seller_order_transition(seller_order, Action.ACCEPT, Actor.SELLER, None, "", {}, clock.now())
    assert not SellerOrderEvent.objects.filter(seller_order_id=seller_order.pk).exists()

"""Builders for ledger tests: real checkouts and real seller-order transitions, so the ledger under
test is exactly what the marketplace writes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.db import connection

from comptoir.checkout.services import order_checkout, seller_order_cancel, seller_order_complete
from comptoir.core import clock
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import SellerOrder
from comptoir.orders.services import seller_order_accept, seller_order_mark_delivered, seller_order_ship
from comptoir.payments.models import JournalEntry
from comptoir.testing.builders import ADDRESS, CARD_OK, make_offer, make_seller, make_user


def checkout(offers_and_quantities, *, buyer=None):
    """Check out [(offer, quantity)] for a buyer and return the paid order."""
    buyer = buyer or make_user()
    result = order_checkout(
        buyer=buyer,
        shipping_address=ADDRESS,
        payment_method=CARD_OK,
        lines=[{"offer_id": offer.pk, "quantity": quantity} for offer, quantity in offers_and_quantities],
    )
    assert result.order_status == "paid", result.summary
    return result.order


def seller_order_of(order, seller) -> SellerOrder:
    return SellerOrder.objects.get(order=order, seller=seller)


def deliver(seller_order: SellerOrder) -> SellerOrder:
    seller = seller_order.seller
    seller_order_accept(seller=seller, seller_order_id=seller_order.pk, actor=None)
    seller_order_ship(
        seller=seller, seller_order_id=seller_order.pk, actor=None, carrier="La Poste", tracking_number="LP123456789FR"
    )
    seller_order_mark_delivered(seller_order_id=seller_order.pk, actor=None, actor_role=Actor.SELLER, seller=seller)
    seller_order.refresh_from_db()
    return seller_order


def release(seller_order: SellerOrder) -> SellerOrder:
    """Deliver, then complete once the configured hold has passed (time moved with frozen_at)."""
    seller_order = deliver(seller_order)
    after_hold = seller_order.release_due_at + dt.timedelta(minutes=1)
    with clock.frozen_at(after_hold):
        seller_order_complete(seller_order_id=seller_order.pk)
    seller_order.refresh_from_db()
    return seller_order


def cancel(seller_order: SellerOrder) -> SellerOrder:
    seller_order_cancel(
        seller_order_id=seller_order.pk,
        actor=None,
        actor_role=Actor.SELLER,
        reason="Out of stock after all",
        seller=seller_order.seller,
    )
    seller_order.refresh_from_db()
    return seller_order


def entry_ids() -> list[int]:
    return list(JournalEntry.objects.order_by("pk").values_list("pk", flat=True))


def sql(statement: str, params=()) -> None:
    """Tamper with the database behind the application's back."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def burn_entry_ids(count: int) -> None:
    """Advance the journal entry id sequence, as rolled-back transactions do, leaving a gap."""
    if connection.vendor == "postgresql":
        sql(
            "SELECT setval(pg_get_serial_sequence('payments_journalentry', 'id'), (SELECT MAX(id) FROM "
            "payments_journalentry) + %s)",
            [count],
        )
    else:
        sql("UPDATE sqlite_sequence SET seq = seq + %s WHERE name = 'payments_journalentry'", [count])


@pytest.fixture
def seal_on_commit_off(settings):
    settings.COMPTOIR = {**django_settings.COMPTOIR, "LEDGER_SEAL_ON_COMMIT": False}


@pytest.fixture
def marketplace():
    """Two sellers (10 % commission for A) with one offer each."""
    seller_a = make_seller("Alpha", commission_rate_bp=1000)
    seller_b = make_seller("Beta")
    return {
        "seller_a": seller_a,
        "seller_b": seller_b,
        "offer_a": make_offer(seller=seller_a, price_amount=1000, stock=50),
        "offer_b": make_offer(seller=seller_b, price_amount=2500, stock=50),
    }

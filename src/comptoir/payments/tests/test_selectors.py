import csv
import datetime as dt
import io

import pytest

from comptoir.checkout.selectors import seller_statement, seller_statement_csv
from comptoir.core import clock
from comptoir.core.money import Money
from comptoir.payments.selectors import seller_balances
from comptoir.payments.services import payout_batch_create
from comptoir.payments.tests.conftest import cancel, checkout, release, seller_order_of
from comptoir.testing.builders import make_offer, make_seller

pytestmark = pytest.mark.django_db


def eur(amount: int) -> Money:
    return Money(amount, "EUR")


def test_balances_follow_capture_release_and_refund(marketplace):
    seller = marketplace["seller_a"]
    # capture: two orders in escrow
    first = seller_order_of(checkout([(marketplace["offer_a"], 2)]), seller)
    second = seller_order_of(checkout([(marketplace["offer_a"], 1)]), seller)
    assert seller_balances(seller=seller) == {
        "EUR": {"escrow": eur(first.total_amount + second.total_amount), "payable": eur(0), "paid_out": eur(0)}
    }

    # release: the first leaves escrow for payable, minus the 10 % commission frozen on the order
    first = release(first)
    assert first.commission_amount > 0
    assert seller_balances(seller=seller)["EUR"] == {
        "escrow": eur(second.total_amount),
        "payable": eur(first.total_amount - first.commission_amount),
        "paid_out": eur(0),
    }

    # refund: the second is cancelled, its escrow goes back to the buyer
    cancel(second)
    assert seller_balances(seller=seller)["EUR"] == {
        "escrow": eur(0),
        "payable": eur(first.total_amount - first.commission_amount),
        "paid_out": eur(0),
    }


def test_a_seller_only_sees_their_own_money(marketplace):
    # given one order split between both sellers
    order = checkout([(marketplace["offer_a"], 1), (marketplace["offer_b"], 1)])
    part_a, part_b = seller_order_of(order, marketplace["seller_a"]), seller_order_of(order, marketplace["seller_b"])

    assert seller_balances(seller=marketplace["seller_a"])["EUR"]["escrow"] == eur(part_a.total_amount)
    assert seller_balances(seller=marketplace["seller_b"])["EUR"]["escrow"] == eur(part_b.total_amount)
    assert seller_balances(seller=make_seller("Newcomer")) == {}
    statement_a = seller_statement(seller=marketplace["seller_a"], currency="EUR")
    assert [(row.seller_order_number, row.escrow_delta) for row in statement_a] == [
        (part_a.number, eur(part_a.total_amount))
    ]


def test_statement_lists_each_movement_with_the_running_payable_balance(marketplace):
    seller = marketplace["seller_a"]
    seller_order = release(seller_order_of(checkout([(marketplace["offer_a"], 2)]), seller))
    net = seller_order.total_amount - seller_order.commission_amount
    batch = payout_batch_create(currency="EUR", actor=None)

    rows = seller_statement(seller=seller, currency="EUR")

    assert [row.kind for row in rows] == ["capture", "release", "payout"]
    capture, release_row, payout = rows
    assert (capture.escrow_delta, capture.payable_delta, capture.payable_balance) == (
        eur(seller_order.total_amount),
        eur(0),
        eur(0),
    )
    assert (release_row.escrow_delta, release_row.payable_delta, release_row.payable_balance) == (
        eur(-seller_order.total_amount),
        eur(net),
        eur(net),
    )
    assert (payout.payable_delta, payout.paid_out_delta, payout.payable_balance) == (eur(-net), eur(net), eur(0))
    assert capture.seller_order_number == release_row.seller_order_number == seller_order.number
    assert payout.memo == f"Payout batch {batch.pk}"


def test_statement_period_starts_from_the_opening_balance(marketplace):
    seller = marketplace["seller_a"]
    seller_order = release(seller_order_of(checkout([(marketplace["offer_a"], 1)]), seller))
    net = seller_order.total_amount - seller_order.commission_amount
    later = clock.now() + dt.timedelta(days=60)
    with clock.frozen_at(later):
        payout_batch_create(currency="EUR", actor=None)

    rows = seller_statement(seller=seller, currency="EUR", since=later - dt.timedelta(days=1))
    assert [(row.kind, row.payable_balance) for row in rows] == [("payout", eur(0))]
    earlier = seller_statement(seller=seller, currency="EUR", until=later - dt.timedelta(days=1))
    assert [row.kind for row in earlier] == ["capture", "release"]
    assert earlier[-1].payable_balance == eur(net)


def test_statement_csv_has_a_header_and_major_unit_amounts(marketplace):
    # given a 12.34 EUR item, so the amounts are easy to read
    seller = make_seller("Exact", commission_rate_bp=1000)
    offer = make_offer(seller=seller, price_amount=1234, stock=5)
    seller_order = release(seller_order_of(checkout([(offer, 1)]), seller))

    text = seller_statement_csv(seller=seller, currency="EUR")

    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "entry_id",
        "created_at",
        "kind",
        "seller_order",
        "memo",
        "currency",
        "escrow_delta",
        "payable_delta",
        "paid_out_delta",
        "payable_balance",
    ]
    total = Money(seller_order.total_amount, "EUR")
    net = Money(seller_order.total_amount - seller_order.commission_amount, "EUR")
    capture, release_row = rows[1], rows[2]
    assert capture[2:4] == ["capture", seller_order.number]
    assert capture[5:] == ["EUR", f"{total.to_decimal():f}", "0.00", "0.00", "0.00"]
    assert release_row[2] == "release"
    assert release_row[6:] == [f"-{total.to_decimal():f}", f"{net.to_decimal():f}", "0.00", f"{net.to_decimal():f}"]
    # 12.34 + shipping 4.90 = 17.24 captured; 10 % commission on the item (1.23) leaves 16.01
    assert (capture[6], release_row[7]) == ("17.24", "16.01")

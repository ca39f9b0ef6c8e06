"""GET /seller/balance and /seller/statement (JSON and CSV): from the ledger, per seller, finance:read scope."""

import pytest

from comptoir.api.tests.conftest import assert_problem
from comptoir.checkout.services import seller_order_complete
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.services import seller_order_accept, seller_order_mark_delivered, seller_order_ship
from comptoir.testing.builders import make_operator

pytestmark = pytest.mark.django_db


def test_balance_after_a_paid_order_is_in_escrow(api, seller_a, seller_order):
    body = api.get("seller/balance", token=seller_a.key).json()

    assert body["balances"] == [
        {
            "currency": "EUR",
            "escrow": {
                "amount": str(seller_order.total.to_decimal()),
                "amount_minor": seller_order.total_amount,
                "currency": "EUR",
            },
            "payable": {"amount": "0.00", "amount_minor": 0, "currency": "EUR"},
            "paid_out": {"amount": "0.00", "amount_minor": 0, "currency": "EUR"},
        }
    ]


def test_released_order_moves_to_payable_net_of_commission(api, seller_a, seller_order):
    seller_order_accept(seller=seller_a.seller, seller_order_id=seller_order.pk, actor=seller_a.owner)
    seller_order_ship(
        seller=seller_a.seller,
        seller_order_id=seller_order.pk,
        actor=seller_a.owner,
        carrier="DHL",
        tracking_number="JD0123456789",
    )
    seller_order_mark_delivered(
        seller_order_id=seller_order.pk, actor=seller_a.owner, actor_role=Actor.SELLER, seller=seller_a.seller
    )
    seller_order_complete(seller_order_id=seller_order.pk, actor=make_operator())

    balance = api.get("seller/balance", token=seller_a.key).json()["balances"][0]
    statement = api.get("seller/statement?currency=EUR", token=seller_a.key).json()

    net = seller_order.total_amount - seller_order.commission_amount
    assert balance["escrow"]["amount_minor"] == 0
    assert balance["payable"]["amount_minor"] == net
    assert [row["kind"] for row in statement["rows"]] == ["capture", "release"]
    assert statement["rows"][-1]["payable_balance"]["amount_minor"] == net
    assert statement["rows"][0]["seller_order_number"] == seller_order.number


def test_statement_as_csv(api, seller_a, seller_order):
    response = api.get("seller/statement?currency=EUR&format=csv", token=seller_a.key)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode().strip().splitlines()
    assert lines[0].startswith("entry_id,")
    assert len(lines) == 2 and seller_order.number in lines[1]


def test_statement_period_filters(api, seller_a, seller_order):
    before = api.get("seller/statement?currency=EUR&until=2000-01-01T00:00:00Z", token=seller_a.key).json()
    naive = api.get("seller/statement?currency=EUR&since=2000-01-01T00:00:00", token=seller_a.key).json()

    assert before["rows"] == []
    assert len(naive["rows"]) == 1


@pytest.mark.parametrize(
    "query, field",
    [
        ("currency=XYZ", "currency"),
        ("", "currency"),
        ("currency=EUR&format=pdf", "format"),
        ("currency=EUR&since=yesterday", "since"),
        ("currency=EUR&since=2030-01-01T00:00:00Z&until=2029-01-01T00:00:00Z", "until"),
    ],
)
def test_statement_refuses_bad_parameters(api, seller_a, query, field):
    assert field in assert_problem(api.get(f"seller/statement?{query}", token=seller_a.key), 422)["errors"]


def test_another_seller_sees_none_of_my_money(api, seller_b, seller_order):
    assert api.get("seller/balance", token=seller_b.key).json() == {"balances": []}
    assert api.get("seller/statement?currency=EUR", token=seller_b.key).json()["rows"] == []
    assert (
        len(
            api.get("seller/statement?currency=EUR&format=csv", token=seller_b.key)
            .content.decode()
            .strip()
            .splitlines()
        )
        == 1
    )


def test_money_needs_the_finance_read_scope(api, seller_a, seller_order):
    no_finance = seller_a.key_with("offers:read", "orders:read")

    assert_problem(api.get("seller/balance", token=no_finance), 403, "insufficient_scope")
    assert_problem(api.get("seller/statement?currency=EUR", token=no_finance), 403, "insufficient_scope")
    assert api.get("seller/balance", token=seller_a.key_with("finance:read")).status_code == 200

import csv
import datetime as dt
import io

import pytest

from comptoir.checkout.services import seller_order_complete
from comptoir.core import clock
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.services import seller_order_accept, seller_order_mark_delivered, seller_order_ship
from comptoir.payments.services import payout_batch_create
from comptoir.testing.builders import make_operator
from comptoir.web.sellercenter.tests.support import offer_of, order_of, shop

pytestmark = pytest.mark.django_db


def _paid_out_order(seller_setup, at):
    seller, owner = seller_setup["seller"], seller_setup["owner"]
    seller_order = order_of(seller_setup["offer"], at=at)
    with clock.frozen_at(at + dt.timedelta(hours=2)):
        seller_order_accept(seller=seller, seller_order_id=seller_order.pk, actor=owner)
        seller_order_ship(
            seller=seller, seller_order_id=seller_order.pk, actor=owner, carrier="DHL", tracking_number="JD0001112223"
        )
        seller_order_mark_delivered(
            seller=seller, seller_order_id=seller_order.pk, actor=owner, actor_role=Actor.SELLER
        )
    operator = make_operator()
    with clock.frozen_at(at + dt.timedelta(days=20)):
        seller_order_complete(seller_order_id=seller_order.pk)
        payout_batch_create(currency="EUR", actor=operator)
    return seller_order


def test_the_statement_lists_ledger_movements_in_the_chosen_period(owner_client, seller_setup):
    old = _paid_out_order(seller_setup, clock.now() - dt.timedelta(days=200))
    recent = order_of(seller_setup["offer"])
    last_90 = owner_client.get("/seller/money/")
    numbers = {item["row"].seller_order_number for item in last_90.context["rows"]}
    assert numbers == {recent.number}
    everything = owner_client.get("/seller/money/?period=all")
    kinds = [item["row"].kind for item in everything.context["rows"]]
    assert sorted(kinds) == ["capture", "capture", "payout", "release"]
    assert "Payout" in everything.content.decode()
    custom = owner_client.get(
        "/seller/money/",
        {
            "period": "custom",
            "since": (clock.now() - dt.timedelta(days=201)).date().isoformat(),
            "until": (clock.now() - dt.timedelta(days=199)).date().isoformat(),
        },
    )
    assert {item["row"].seller_order_number for item in custom.context["rows"]} == {old.number}


def test_a_reversed_custom_period_is_explained(owner_client, seller_setup):
    response = owner_client.get("/seller/money/", {"period": "custom", "since": "2026-05-02", "until": "2026-05-01"})
    assert response.context["form"].errors["until"] == ["The end date must be on or after the start date."]


def test_the_csv_export_is_the_ledger_statement(owner_client, seller_setup):
    _paid_out_order(seller_setup, clock.now() - dt.timedelta(days=40))
    response = owner_client.get("/seller/money/statement.csv?period=all&currency=EUR")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["kind"] for row in rows] == ["capture", "release", "payout"]
    assert rows[-1]["payable_balance"] == "0.00"


def test_payouts_are_only_this_sellers(owner_client, seller_setup):
    _paid_out_order(seller_setup, clock.now() - dt.timedelta(days=40))
    other_seller, _owner, profile = shop("Autre")
    other = {"seller": other_seller, "owner": _owner, "offer": offer_of(other_seller, profile)}
    _paid_out_order(other, clock.now() - dt.timedelta(days=30))
    page = owner_client.get("/seller/money/payouts")
    payouts = list(page.context["page"])
    assert len(payouts) == 1 and payouts[0].seller_id == seller_setup["seller"].pk


def test_the_owner_sets_the_settlement_currency_and_the_statement_opens_in_it(owner_client, seller_setup):
    page = owner_client.get("/seller/money/")
    assert 'name="settlement_currency"' in page.content.decode()
    response = owner_client.post("/seller/money/settlement-currency", {"settlement_currency": "PLN"})
    assert response.status_code == 302
    seller = seller_setup["seller"]
    seller.refresh_from_db()
    assert seller.settlement_currency == "PLN"
    assert owner_client.get("/seller/money/").context["currency"] == "PLN"
    refused = owner_client.post("/seller/money/settlement-currency", {"settlement_currency": "XAU?"})
    assert refused.status_code == 302
    seller.refresh_from_db()
    assert seller.settlement_currency == "PLN"

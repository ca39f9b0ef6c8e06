import datetime as dt

import pytest

from comptoir.core import clock
from comptoir.orders.services import seller_order_accept
from comptoir.web.sellercenter.tests.support import order_of

pytestmark = pytest.mark.django_db


def test_the_dashboard_counts_orders_to_act_on_and_highlights_late_ones(owner_client, seller_setup):
    # Given an order placed a week ago (ship-by passed), one fresh, and one accepted
    late = order_of(seller_setup["offer"], at=clock.now() - dt.timedelta(days=7))
    fresh = order_of(seller_setup["offer"])
    accepted = order_of(seller_setup["offer"])
    seller_order_accept(seller=seller_setup["seller"], seller_order_id=accepted.pk, actor=seller_setup["owner"])
    # When the owner opens the dashboard
    response = owner_client.get("/seller/")
    # Then the queue lists them with the late one first and highlighted, and the counters agree
    context = response.context
    assert (context["to_accept"], context["to_ship"], context["late"]) == (2, 1, 1)
    queue = [row["order"].number for row in context["queue"]]
    assert queue[0] == late.number and set(queue) == {late.number, fresh.number, accepted.number}
    assert context["queue"][0]["is_late"] is True
    assert 'class="row--alert"' in response.content.decode()


def test_the_charts_show_twelve_weeks_with_this_weeks_orders_in_the_last_bar(owner_client, seller_setup):
    order_of(seller_setup["offer"], quantity=2)  # 2 × 14.90 + shipping
    order_of(seller_setup["offer"], at=clock.now() - dt.timedelta(weeks=3))
    response = owner_client.get("/seller/")
    orders_chart = response.context["orders_chart"]
    assert len(orders_chart.bars) == 12
    assert orders_chart.bars[-1].value_text == "1"
    assert sum(int(bar.value_text) for bar in orders_chart.bars) == 2
    assert response.context["orders_total"] == 2
    assert response.content.decode().count('<rect class="bar') == 24


def test_the_balance_comes_from_the_ledger(owner_client, seller_setup):
    seller_order = order_of(seller_setup["offer"])
    response = owner_client.get("/seller/")
    balance = response.context["balances"]["EUR"]
    assert balance["escrow"].amount == seller_order.total_amount
    assert balance["payable"].amount == 0


def test_money_is_formatted_for_the_locale(owner_client, seller_setup):
    from comptoir.web.sellercenter.tests.support import offer_of

    offer = offer_of(seller_setup["seller"], seller_setup["profile"], sku="LAMP-1", price_amount=129900, stock=5)
    order_of(offer)  # 1,299.00 plus shipping
    english = owner_client.get("/seller/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    owner_client.cookies["django_language"] = "fr"
    french = owner_client.get("/seller/").content.decode()
    assert "€1,303.90" in english  # with 4.90 shipping
    assert "1\u202f303,90\xa0€" in french and "Tableau de bord" in french


def test_chart_coordinates_stay_machine_numbers_in_french(owner_client, seller_setup):
    import re

    order_of(seller_setup["offer"])
    owner_client.cookies["django_language"] = "fr"
    content = owner_client.get("/seller/").content.decode()
    svg = content[content.index("<svg") : content.rindex("</svg>")]
    assert re.search(r'(x|y|x1|x2|y1|y2|width|height)="[\d.]*,', svg) is None
    assert re.search(r'<rect class="bar[^"]*" x="\d+(\.\d+)?" y="\d+(\.\d+)?"', svg)

"""order_place: an order written from a priced draft, without a cart (the entry point for auction wins, quotes and
imported orders), and settled by the payment outcome like a cart checkout."""

import datetime as dt

import pytest
from django.db import transaction

from comptoir.checkout.services import payment_outcome_apply
from comptoir.core import clock
from comptoir.core.exceptions import Conflict
from comptoir.orders.models import CartLine, SellerOrderEvent
from comptoir.orders.services import address_clean, order_draft_price, order_place
from comptoir.testing.builders import ADDRESS, make_offer, make_seller, make_user

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def test_order_place_writes_an_order_awaiting_payment_from_a_draft_without_a_cart():
    # given two sellers' offers priced into a draft for a buyer with an empty cart
    seller_a, seller_b = make_seller(), make_seller()
    offer_a = make_offer(seller=seller_a, price_amount=1000, stock=5)
    offer_b = make_offer(seller=seller_b, price_amount=2500, stock=5)
    buyer = make_user()
    address = address_clean(ADDRESS)
    draft = order_draft_price(
        quantities={offer_a.pk: 2, offer_b.pk: 1}, country=address["country"], service_levels={}, placed_on=NOW.date()
    )

    # when the order is placed from the draft
    with transaction.atomic(), clock.frozen_at(NOW):
        order = order_place(buyer=buyer, draft=draft, address=address, now=NOW)

    # then one order split per seller awaits payment, the stock is taken and each seller order has its history
    assert (order.status, order.total_amount, order.placed_at) == ("awaiting_payment", draft.total.amount, NOW)
    seller_orders = list(order.seller_orders.order_by("number"))
    assert {so.seller_id for so in seller_orders} == {seller_a.pk, seller_b.pk}
    assert {so.status for so in seller_orders} == {"awaiting_payment"}
    offer_a.refresh_from_db()
    offer_b.refresh_from_db()
    assert (offer_a.stock, offer_b.stock) == (3, 4)
    assert SellerOrderEvent.objects.filter(seller_order__order=order, action="create").count() == 2
    assert not CartLine.objects.filter(cart__buyer=buyer).exists()

    # and a captured payment settles it like a checkout
    with transaction.atomic(), clock.frozen_at(NOW):
        payment_outcome_apply(
            order=order,
            seller_orders=list(order.seller_orders.order_by("pk")),
            status="captured",
            provider="sandbox",
            reference="auction-win-1",
            card_last4="4242",
            message="",
        )
    order.refresh_from_db()
    assert order.status == "paid"
    assert set(order.seller_orders.values_list("status", flat=True)) == {"placed"}


def test_order_place_refuses_a_draft_the_stock_cannot_cover():
    offer = make_offer(price_amount=1000, stock=1)
    draft = order_draft_price(quantities={offer.pk: 2}, country="FR", service_levels={}, placed_on=NOW.date())

    with pytest.raises(Conflict) as refused, transaction.atomic():
        order_place(buyer=make_user(), draft=draft, address=address_clean(ADDRESS), now=NOW)

    assert refused.value.code == "insufficient_stock" and refused.value.extra == {"offer_ids": [offer.pk]}
    offer.refresh_from_db()
    assert offer.stock == 1

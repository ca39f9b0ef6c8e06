"""Placing taxed orders for the filings tests (the worked cases of checkout/tests/test_checkout_taxes.py)."""

import datetime as dt

from django.test import TestCase

from comptoir.checkout.services import order_checkout
from comptoir.core import clock
from comptoir.orders.models import Order
from comptoir.sellers.models import Seller
from comptoir.testing.builders import CARD_OK, make_offer, make_seller, make_shipping_profile, make_user


def offer_from(country: str, price: int, *, currency: str = "EUR", shipping: int = 490, stock: int = 100, seller=None):
    if seller is None:
        seller = make_seller(f"{country} shop", country="FR")
        Seller.objects.filter(pk=seller.pk).update(country=country)  # the test identifiers cover EU traders only
        seller.refresh_from_db()
    profile = make_shipping_profile(seller, currency=currency, first_item_amount=shipping, express=False)
    return make_offer(
        seller=seller,
        price_amount=price,
        currency=currency,
        shipping_profile=profile,
        ships_from_country=country,
        stock=stock,
    )


def buy(offer, *, to: str, at: dt.datetime, quantity: int = 1) -> Order:
    address = {"name": "A Buyer", "street": "1 Main Street", "postal_code": "1000", "city": "City", "country": to}
    # The counter is updated after the commit (an event, then a task): run the commit callbacks.
    with clock.frozen_at(at), TestCase.captureOnCommitCallbacks(execute=True):
        outcome = order_checkout(
            buyer=make_user(),
            shipping_address=address,
            payment_method=CARD_OK,
            lines=[{"offer_id": offer.pk, "quantity": quantity}],
        )
    return Order.objects.get(pk=outcome.order.pk)

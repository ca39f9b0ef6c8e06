"""Shared givens for the order tests: a paid seller order, moved along its lifecycle through the real services."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from django.db.models import Sum

from comptoir.checkout.services import order_checkout
from comptoir.core import clock
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import Order, SellerOrder
from comptoir.orders.services import seller_order_accept, seller_order_mark_delivered, seller_order_ship
from comptoir.payments.models import JournalEntry, Posting
from comptoir.testing.builders import ADDRESS, CARD_OK, make_offer, make_seller, make_user

_keys = itertools.count(1)
T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)  # a Monday


def new_key() -> str:
    return f"test-key-{next(_keys)}"


@dataclass
class Bought:
    order: Order
    seller_order: SellerOrder
    seller: object
    seller_user: object
    buyer: object
    offer: object

    def refresh(self) -> SellerOrder:
        self.seller_order.refresh_from_db()
        self.offer.refresh_from_db()
        self.order.refresh_from_db()
        return self.seller_order


def buy(
    *,
    stock: int = 10,
    quantity: int = 1,
    price: int = 1000,
    card: dict = CARD_OK,
    seller=None,
    buyer=None,
    offer=None,
    at: dt.datetime = T0,
) -> Bought:
    """A buyer checks out `quantity` units of one offer at `at`."""
    seller = seller or (offer.seller if offer else make_seller())
    offer = offer or make_offer(seller=seller, price_amount=price, stock=stock)
    buyer = buyer or make_user()
    with clock.frozen_at(at):
        result = order_checkout(
            buyer=buyer,
            shipping_address=ADDRESS,
            payment_method=card,
            lines=[{"offer_id": offer.pk, "quantity": quantity}],
            idempotency_key=new_key(),
        )
    seller_order = SellerOrder.objects.get(order=result.order)
    return Bought(result.order, seller_order, seller, make_user(), buyer, offer)


def advance(bought: Bought, to: str, *, at: dt.datetime = T0) -> SellerOrder:
    """Move a placed seller order forward to `to` (accepted, shipped or delivered) as its seller would."""
    steps = ["accepted", "shipped", "delivered"]
    with clock.frozen_at(at):
        for step in steps[: steps.index(to) + 1]:
            if step == "accepted":
                seller_order_accept(
                    seller=bought.seller, seller_order_id=bought.seller_order.pk, actor=bought.seller_user
                )
            elif step == "shipped":
                seller_order_ship(
                    seller=bought.seller,
                    seller_order_id=bought.seller_order.pk,
                    actor=bought.seller_user,
                    carrier="La Poste",
                    tracking_number="6A12345678901",
                )
            else:
                seller_order_mark_delivered(
                    seller_order_id=bought.seller_order.pk,
                    actor=bought.seller_user,
                    actor_role=Actor.SELLER,
                    seller=bought.seller,
                )
    return bought.refresh()


def account_balance(kind: str, seller_id: int | None, currency: str = "EUR") -> int:
    """Signed ledger balance of an account (debits positive), straight from the postings."""
    total = Posting.objects.filter(
        account__kind=kind, account__seller_id=seller_id, account__currency=currency
    ).aggregate(total=Sum("amount"))["total"]
    return total or 0


def entry_kinds(**filters) -> list[str]:
    return list(JournalEntry.objects.filter(**filters).order_by("pk").values_list("kind", flat=True))

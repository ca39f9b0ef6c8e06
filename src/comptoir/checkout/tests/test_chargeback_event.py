"""A chargeback crosses from payments to orders only as an event: payments publishes ChargebackRecorded, orders
records it in the seller order's history (in the same transaction)."""

import pytest

from comptoir.checkout.services import chargeback_record, order_checkout
from comptoir.checkout.subscribers import on_chargeback_recorded
from comptoir.core import events
from comptoir.orders.models import SellerOrder, SellerOrderEvent
from comptoir.payments.events import ChargebackRecorded
from comptoir.testing.builders import ADDRESS, CARD_OK, make_offer, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    seen: list[ChargebackRecorded] = []
    events.subscribe(ChargebackRecorded, seen.append)
    yield seen
    events.unsubscribe(ChargebackRecorded, seen.append)


def paid_seller_order() -> SellerOrder:
    offer = make_offer(price_amount=1000, stock=5)
    outcome = order_checkout(
        buyer=make_user(),
        shipping_address=ADDRESS,
        payment_method=CARD_OK,
        lines=[{"offer_id": offer.pk, "quantity": 2}],
    )
    assert outcome.order is not None
    return SellerOrder.objects.get(order=outcome.order)


def test_a_chargeback_is_published_and_lands_in_the_seller_order_history(published):
    # given a paid seller order
    seller_order = paid_seller_order()

    # when the provider reports a chargeback
    chargeback = chargeback_record(
        seller_order_id=seller_order.pk, amount=500, reason="fraudulent", provider_reference="case-1"
    ).chargeback

    # then payments published one ChargebackRecorded naming the seller order by id
    assert [(event.chargeback_id, event.seller_order_id, event.amount, event.source) for event in published] == [
        (chargeback.pk, seller_order.pk, 500, "provider")
    ]
    assert published[0].payment_id == chargeback.payment_id and published[0].seller_id == seller_order.seller_id
    # and orders recorded it in the seller order's history, its status unchanged
    event = SellerOrderEvent.objects.get(seller_order=seller_order, action="chargeback")
    assert (event.from_status, event.to_status, event.actor_role) == ("placed", "placed", "system")
    assert event.data["chargeback_id"] == chargeback.pk and event.created_at == published[0].at


def test_a_replayed_chargeback_publishes_nothing(published):
    seller_order = paid_seller_order()
    chargeback_record(seller_order_id=seller_order.pk, amount=500, reason="fraudulent", provider_reference="case-2")

    again = chargeback_record(
        seller_order_id=seller_order.pk, amount=500, reason="fraudulent", provider_reference="case-2"
    )

    assert not again.created and len(published) == 1
    assert SellerOrderEvent.objects.filter(seller_order=seller_order, action="chargeback").count() == 1


def test_the_orders_subscriber_is_connected():
    assert on_chargeback_recorded in events._subscribers[ChargebackRecorded]

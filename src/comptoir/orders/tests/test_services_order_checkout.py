import pytest

from comptoir.orders.models import Order, SellerOrder
from comptoir.orders.services import order_checkout
from comptoir.testing.builders import ADDRESS, CARD_OK, make_offer, make_seller, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_checkout_splits_order_per_seller_and_takes_stock():
    offer_a = make_offer(seller=make_seller("A"), price_amount=1000, stock=5)
    offer_b = make_offer(seller=make_seller("B"), price_amount=2500, stock=2)
    buyer = make_user()

    result = order_checkout(buyer=buyer, shipping_address=ADDRESS, payment_method=CARD_OK,
                            lines=[{"offer_id": offer_a.pk, "quantity": 2}, {"offer_id": offer_b.pk, "quantity": 1}], idempotency_key="k1")

    assert result.status == 201
    order = Order.objects.get()
    assert order.status == "paid"
    assert SellerOrder.objects.filter(order=order, status="placed").count() == 2
    offer_a.refresh_from_db(); offer_b.refresh_from_db()
    assert (offer_a.stock, offer_b.stock) == (3, 1)
    assert order.items_amount == 2 * 1000 + 2500

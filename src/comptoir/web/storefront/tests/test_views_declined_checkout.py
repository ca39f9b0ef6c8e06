"""Issue 10 item 13: a declined card is an attempt, not an order. It stays out of the buyer's order list (web and
API) and out of the seller's (seller center and API); the checkout page keeps the address and the delivery choices
(never the card number) with the reason of the decline."""

import re

import pytest

from comptoir.checkout.services import order_checkout
from comptoir.orders.models import Order
from comptoir.orders.services import cart_line_set
from comptoir.testing.builders import ADDRESS, CARD_DECLINED, CARD_OK

pytestmark = pytest.mark.django_db

TYPED_ADDRESS = {
    "name": "Camille Martin",
    "street": "8 rue des Lilas",
    "postal_code": "75011",
    "city": "Lyon",
    "country": "FR",
}


def _key(page) -> str:
    return re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page.content.decode()).group(1)


def _declined(shop, buyer=None):
    return order_checkout(
        buyer=buyer or shop.buyer,
        shipping_address=ADDRESS,
        payment_method=CARD_DECLINED,
        lines=[{"offer_id": shop.offers["pan_son"].pk, "quantity": 1}],
    )


def _paid(shop):
    return order_checkout(
        buyer=shop.buyer,
        shipping_address=ADDRESS,
        payment_method=CARD_OK,
        lines=[{"offer_id": shop.offers["pan_son"].pk, "quantity": 1}],
    )


def test_a_declined_checkout_is_not_in_the_buyers_order_list(buyer_client, shop):
    declined, paid = _declined(shop), _paid(shop)
    assert declined.is_declined

    body = buyer_client.get("/account/orders").content.decode()

    assert paid.order.number in body
    assert declined.order.number not in body
    # the attempt is still recorded for the operator
    assert Order.objects.get(number=declined.order.number).status == "payment_failed"


def test_a_declined_checkout_keeps_the_address_and_the_delivery_choice_but_not_the_card(buyer_client, shop):
    cart_line_set(buyer=shop.buyer, offer_id=shop.offers["headphones_klang"].pk, quantity=1)
    klang = shop.sellers["klang"].pk
    data = {
        **TYPED_ADDRESS,
        "idempotency_key": _key(buyer_client.get("/checkout")),
        "card_number": "4000 0000 0000 0002",
        f"shipping_{klang}": "express",
    }

    response = buyer_client.post("/checkout", data)

    assert response.status_code == 402
    body = response.content.decode()
    assert "Declined: the bank refused the payment" in body
    for value in ("Camille Martin", "8 rue des Lilas", "75011", "Lyon"):
        assert f'value="{value}"' in body
    assert f'name="shipping_{klang}" value="express" checked' in body
    assert "4000 0000 0000 0002" not in body.replace("<code>4000 0000 0000 0002</code>", "")
    assert 'name="card_number" type="text"' in body and 'name="card_number" value=' not in body


def test_a_decline_reached_through_the_in_progress_page_keeps_the_address_and_choice(buyer_client, shop):
    # given a checkout whose decline the buyer learns on the self-refreshing page (a double submission)
    cart_line_set(buyer=shop.buyer, offer_id=shop.offers["headphones_klang"].pk, quantity=1)
    klang = shop.sellers["klang"].pk
    key = _key(buyer_client.get("/checkout"))
    buyer_client.post(
        "/checkout",
        {**TYPED_ADDRESS, "idempotency_key": key, "card_number": "4000000000000002", f"shipping_{klang}": "express"},
    )

    # when the in-progress page refreshes to the outcome
    page = buyer_client.get(f"/checkout?key={key}")

    # then it is the checkout page again, filled in as submitted, with the reason next to the empty card field
    assert page.status_code == 402
    body = page.content.decode()
    assert "Declined: the bank refused the payment" in body
    for value in ("Camille Martin", "8 rue des Lilas", "75011", "Lyon"):
        assert f'value="{value}"' in body
    assert f'name="shipping_{klang}" value="express" checked' in body
    assert _key(page) != key  # paying again is a new checkout


def test_the_decline_page_is_in_french(buyer_client, shop):
    cart_line_set(buyer=shop.buyer, offer_id=shop.offers["pan_son"].pk, quantity=1)
    data = {**TYPED_ADDRESS, "idempotency_key": _key(buyer_client.get("/checkout")), "card_number": "4000000000000002"}

    body = buyer_client.post("/checkout", data, HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Refusée : la banque a refusé le paiement" in body and 'value="Lyon"' in body

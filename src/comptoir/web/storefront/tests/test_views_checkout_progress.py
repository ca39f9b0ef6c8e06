"""A checkout form submitted again while its first submission is still running gets a page that refreshes itself
to the outcome, instead of a request held open until the first one ends."""

import re

import pytest

from comptoir.core.idempotency import idempotency_claim
from comptoir.orders.models import Order
from comptoir.orders.services import cart_line_set

pytestmark = pytest.mark.django_db

ADDRESS = {
    "name": "Camille Martin",
    "street": "8 rue des Lilas",
    "postal_code": "75011",
    "city": "Paris",
    "country": "FR",
}


def checkout_form(client) -> dict:
    page = client.get("/checkout")
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page.content.decode()).group(1)
    return {**ADDRESS, "idempotency_key": key, "card_number": "4242 4242 4242 4242"}


def test_a_second_submission_while_the_first_runs_shows_a_self_refreshing_page(buyer_client, shop):
    # given a checkout form whose first submission is still running (its key claimed, no outcome stored yet)
    cart_line_set(buyer=shop.buyer, offer_id=shop.offers["pan_son"].pk, quantity=1)
    data = checkout_form(buyer_client)
    idempotency_claim(actor_key=f"user:{shop.buyer.pk}", key=data["idempotency_key"], scope="checkout", fingerprint="x")

    # when the form is submitted again
    page = buyer_client.post("/checkout", data)

    # then the buyer sees an "in progress" page that refreshes itself to the outcome, and no order is written
    assert page.status_code == 202
    body = page.content.decode()
    assert "Your order is being processed" in body
    assert f'http-equiv="refresh" content="2;url=/checkout?key={data["idempotency_key"]}"' in body
    assert Order.objects.filter(buyer=shop.buyer).count() == 0
    # and polling it while the checkout runs shows the same page
    assert buyer_client.get(f"/checkout?key={data['idempotency_key']}").status_code == 202


def test_the_in_progress_page_lands_on_the_confirmation_once_the_checkout_ended(buyer_client, shop):
    # given a checkout that ended
    cart_line_set(buyer=shop.buyer, offer_id=shop.offers["pan_son"].pk, quantity=1)
    data = checkout_form(buyer_client)
    first = buyer_client.post("/checkout", data)
    order = Order.objects.get(buyer=shop.buyer)

    # when the in-progress page refreshes
    page = buyer_client.get(f"/checkout?key={data['idempotency_key']}")

    # then it goes to the order's confirmation, like the first submission did
    assert page.status_code == 302 and page["Location"] == first["Location"]
    assert page["Location"].endswith(order.number)


def test_the_in_progress_page_shows_a_declined_payment(buyer_client, shop):
    cart_line_set(buyer=shop.buyer, offer_id=shop.offers["pan_son"].pk, quantity=1)
    data = {**checkout_form(buyer_client), "card_number": "4000 0000 0000 0002"}
    buyer_client.post("/checkout", data)

    page = buyer_client.get(f"/checkout?key={data['idempotency_key']}")

    # the checkout page again, filled in, with the reason (not a redirect to an empty form)
    assert page.status_code == 402 and "Declined: the bank refused the payment" in page.content.decode()
    assert 'value="8 rue des Lilas"' in page.content.decode()


def test_the_in_progress_page_is_in_french_for_a_french_buyer(buyer_client, shop):
    cart_line_set(buyer=shop.buyer, offer_id=shop.offers["pan_son"].pk, quantity=1)
    data = checkout_form(buyer_client)
    idempotency_claim(actor_key=f"user:{shop.buyer.pk}", key=data["idempotency_key"], scope="checkout", fingerprint="x")

    page = buyer_client.get(f"/checkout?key={data['idempotency_key']}", HTTP_ACCEPT_LANGUAGE="fr")

    assert "Votre commande est en cours de traitement" in page.content.decode()


def test_an_unknown_key_goes_back_to_the_checkout(buyer_client, shop):
    page = buyer_client.get("/checkout?key=unknown")

    assert page.status_code == 302 and page["Location"] == "/checkout"

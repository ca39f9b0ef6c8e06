import re

import pytest

from comptoir.orders.models import CartLine, Order
from comptoir.orders.services import cart_line_set

pytestmark = pytest.mark.django_db

ADDRESS = {
    "name": "Camille Martin",
    "street": "8 rue des Lilas",
    "postal_code": "75011",
    "city": "Paris",
    "country": "FR",
}


def fill_cart(shop):
    cart_line_set(buyer=shop.buyer, offer_id=shop.offers["headphones_klang"].pk, quantity=1)
    cart_line_set(buyer=shop.buyer, offer_id=shop.offers["pan_son"].pk, quantity=2)


def checkout_form(client) -> dict:
    page = client.get("/checkout")
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page.content.decode()).group(1)
    return {**ADDRESS, "idempotency_key": key, "card_number": "4242 4242 4242 4242"}


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(buyer_client, shop):
    assert buyer_client.get("/checkout")["Location"] == "/cart"


def test_checkout_page_shows_options_per_seller_and_a_new_key_per_render(buyer_client, shop):
    fill_cart(shop)

    first, second = buyer_client.get("/checkout"), buyer_client.get("/checkout")

    body = first.content.decode()
    assert f'name="shipping_{shop.sellers["klang"].pk}" value="express"' in body
    assert "4000 0000 0000 0002" in body  # the test cards are explained
    keys = [
        re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page.content.decode()).group(1)
        for page in (first, second)
    ]
    assert keys[0] != keys[1]


def test_checkout_creates_one_seller_order_per_seller_and_empties_the_cart(buyer_client, shop):
    fill_cart(shop)
    data = checkout_form(buyer_client)
    data[f"shipping_{shop.sellers['klang'].pk}"] = "express"

    response = buyer_client.post("/checkout", data)

    order = Order.objects.get(buyer=shop.buyer)
    assert response.status_code == 302 and response["Location"] == f"/checkout/confirmation/{order.number}"
    seller_orders = {so.seller_id: so for so in order.seller_orders.all()}
    assert set(seller_orders) == {shop.sellers["klang"].pk, shop.sellers["son"].pk}
    assert seller_orders[shop.sellers["klang"].pk].shipping_service_level == "express"
    assert seller_orders[shop.sellers["son"].pk].shipping_service_level == "standard"
    assert not CartLine.objects.filter(cart__buyer=shop.buyer).exists()

    confirmation = buyer_client.get(response["Location"])
    body = confirmation.content.decode()
    assert "Thank you, your order is confirmed" in body
    assert body.count('class="card shipment"') == 2
    assert "Klangwerk Audio" in body and "Le Comptoir du Son" in body


def test_double_submit_of_one_checkout_form_creates_one_order(buyer_client, shop):
    fill_cart(shop)
    data = checkout_form(buyer_client)

    first = buyer_client.post("/checkout", data)
    second = buyer_client.post("/checkout", data)

    assert Order.objects.filter(buyer=shop.buyer).count() == 1
    assert first["Location"] == second["Location"]


def test_declined_card_shows_a_friendly_error_and_keeps_the_cart(buyer_client, shop):
    fill_cart(shop)
    data = {**checkout_form(buyer_client), "card_number": "4000 0000 0000 0002"}

    response = buyer_client.post("/checkout", data)

    assert response.status_code == 402
    body = response.content.decode()
    assert "Your card was declined" in body and "the bank refused the payment" in body
    assert CartLine.objects.filter(cart__buyer=shop.buyer).count() == 2
    assert data["idempotency_key"] not in body  # a retry is a new checkout

    retry = buyer_client.post(
        "/checkout",
        {
            **data,
            "idempotency_key": re.search(r'name="idempotency_key" value="([0-9a-f]+)"', body).group(1),
            "card_number": "4242424242424242",
        },
    )
    assert retry.status_code == 302
    assert Order.objects.filter(buyer=shop.buyer, status="paid").count() == 1


def test_out_of_stock_shows_a_message_naming_the_item(buyer_client, shop):
    cart_line_set(buyer=shop.buyer, offer_id=shop.offers["headphones_cucina"].pk, quantity=2)  # only 1 in stock

    response = buyer_client.post("/checkout", checkout_form(buyer_client))

    assert response.status_code == 409
    body = response.content.decode()
    assert "no longer available in the quantity" in body
    assert "Casque sans fil Sonora Aria" in body
    assert not Order.objects.exists()


def test_invalid_address_and_card_are_reported_next_to_the_fields(buyer_client, shop):
    fill_cart(shop)
    data = {**checkout_form(buyer_client), "name": "", "postal_code": "", "country": "XX", "card_number": "12ab"}

    response = buyer_client.post("/checkout", data)

    assert response.status_code == 422
    form = response.context["form"]
    assert set(form.errors) == {"name", "postal_code", "country", "card_number"}
    assert not Order.objects.exists()


def test_invalid_card_number_from_the_provider_is_shown_on_the_card_field(buyer_client, shop):
    fill_cart(shop)

    response = buyer_client.post(
        "/checkout", {**checkout_form(buyer_client), "card_number": "4242 4242 4242 4241"}
    )  # fails the Luhn check

    assert response.status_code == 422
    assert response.context["form"].errors["card_number"] == ["This card number is not valid."]


def test_unknown_shipping_option_is_reported_on_the_seller(buyer_client, shop):
    fill_cart(shop)
    data = {**checkout_form(buyer_client), f"shipping_{shop.sellers['son'].pk}": "drone"}

    response = buyer_client.post("/checkout", data)

    assert response.status_code == 422
    assert response.context["seller_errors"] == {
        shop.sellers["son"].pk: "A seller cannot ship your order to this country."
    }


def test_confirmation_of_another_buyers_order_is_404(buyer_client, client, shop):
    fill_cart(shop)
    location = buyer_client.post("/checkout", checkout_form(buyer_client))["Location"]
    client.force_login(shop.other_buyer)

    assert client.get(location).status_code == 404

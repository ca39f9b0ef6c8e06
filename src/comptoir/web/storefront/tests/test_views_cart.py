import pytest

from comptoir.orders.models import CartLine
from comptoir.orders.services import cart_line_set
from comptoir.testing.builders import make_offer, make_seller

pytestmark = pytest.mark.django_db


def cart_quantities(buyer) -> dict[int, int]:
    return dict(CartLine.objects.filter(cart__buyer=buyer).values_list("offer_id", "quantity"))


def test_visitor_adding_to_cart_is_sent_to_login_and_back(client, shop):
    offer = shop.offers["speaker_klang"]

    response = client.post("/cart/add", {"offer_id": offer.pk, "quantity": 1})
    htmx = client.post(
        "/cart/add",
        {"offer_id": offer.pk, "quantity": 1},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/p/5/speaker?x=1",
    )

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    assert htmx.status_code == 204 and htmx["HX-Redirect"] == "/accounts/login/?next=/p/5/speaker%3Fx%3D1"


def test_add_to_cart_with_htmx_updates_the_cart_counter_and_accumulates(buyer_client, shop):
    offer = shop.offers["speaker_klang"]

    buyer_client.post("/cart/add", {"offer_id": offer.pk, "quantity": 2}, HTTP_HX_REQUEST="true")
    response = buyer_client.post("/cart/add", {"offer_id": offer.pk, "quantity": 1}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="cart-link"' in body and '<span class="cart-link__count">3</span>' in body
    assert f'id="offer-status-{offer.pk}"' in body and 'hx-swap-oob="true"' in body
    assert cart_quantities(shop.buyer) == {offer.pk: 3}


def test_add_to_cart_without_javascript_redirects_back_with_a_message(buyer_client, shop):
    offer = shop.offers["pan_son"]

    response = buyer_client.post("/cart/add", {"offer_id": offer.pk, "quantity": 1, "next": "/p/1/x"}, follow=False)
    unsafe = buyer_client.post("/cart/add", {"offer_id": offer.pk, "quantity": 1, "next": "https://evil.example/"})

    assert response.status_code == 302 and response["Location"] == "/p/1/x"
    assert unsafe["Location"] == "/cart"
    assert cart_quantities(shop.buyer) == {offer.pk: 2}


@pytest.mark.parametrize("quantity", ["0", "-1", "abc", "1000"])
def test_add_to_cart_refuses_bad_quantities(buyer_client, shop, quantity):
    offer = shop.offers["pan_son"]

    response = buyer_client.post("/cart/add", {"offer_id": offer.pk, "quantity": quantity}, HTTP_HX_REQUEST="true")

    assert "offer-status--error" in response.content.decode()
    assert cart_quantities(shop.buyer) == {}


def test_add_to_cart_refuses_an_offer_of_an_unverified_seller(buyer_client, shop):
    hidden = make_offer(seller=make_seller("Pending shop", verified=False), product=shop.products["pan"])

    response = buyer_client.post("/cart/add", {"offer_id": hidden.pk, "quantity": 1}, HTTP_HX_REQUEST="true")

    assert (
        "This offer is not available." in response.content.decode() or "no longer on sale" in response.content.decode()
    )
    assert cart_quantities(shop.buyer) == {}


def test_cart_groups_lines_by_seller_with_shipping_per_seller(buyer_client, shop):
    cart_line_set(buyer=shop.buyer, offer_id=shop.offers["headphones_son"].pk, quantity=1)
    cart_line_set(buyer=shop.buyer, offer_id=shop.offers["pan_son"].pk, quantity=2)
    cart_line_set(buyer=shop.buyer, offer_id=shop.offers["speaker_klang"].pk, quantity=1)

    response = buyer_client.get("/cart")

    summary = response.context["summary"]
    assert [group.seller.name for group in summary.groups] == ["Klangwerk Audio", "Le Comptoir du Son"]
    son = summary.groups[1]
    # Three items from Le Comptoir du Son ship together: 4.90 + 2 × 1.50 standard.
    assert son.selected.service_level == "standard" and son.selected.price.amount == 490 + 2 * 150
    assert summary.total.amount == 24900 + 2 * 4990 + 790 + 7990 + 690
    assert "Sold and shipped by Klangwerk Audio" in response.content.decode()


def test_cart_quantity_update_with_htmx_returns_the_refreshed_cart(buyer_client, shop):
    offer = shop.offers["pan_son"]
    cart_line_set(buyer=shop.buyer, offer_id=offer.pk, quantity=1)

    response = buyer_client.post(f"/cart/lines/{offer.pk}", {"quantity": 4}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert (
        response.status_code == 200 and 'id="cart-body"' in body and '<span class="cart-link__count">4</span>' in body
    )
    assert cart_quantities(shop.buyer) == {offer.pk: 4}


def test_cart_quantity_zero_removes_and_bad_quantity_is_reported(buyer_client, shop):
    offer = shop.offers["pan_son"]
    cart_line_set(buyer=shop.buyer, offer_id=offer.pk, quantity=2)

    bad = buyer_client.post(f"/cart/lines/{offer.pk}", {"quantity": "lots"}, HTTP_HX_REQUEST="true")
    assert 'role="alert"' in bad.content.decode() and cart_quantities(shop.buyer) == {offer.pk: 2}

    buyer_client.post(f"/cart/lines/{offer.pk}", {"quantity": 0})
    assert cart_quantities(shop.buyer) == {}


def test_cart_remove_only_touches_the_buyers_own_cart(buyer_client, shop):
    offer = shop.offers["pan_son"]
    cart_line_set(buyer=shop.buyer, offer_id=offer.pk, quantity=1)
    cart_line_set(buyer=shop.other_buyer, offer_id=offer.pk, quantity=3)

    response = buyer_client.post(f"/cart/lines/{offer.pk}/remove")

    assert response.status_code == 302
    assert cart_quantities(shop.buyer) == {}
    assert cart_quantities(shop.other_buyer) == {offer.pk: 3}


def test_cart_requires_login(client, shop):
    response = client.get("/cart")

    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/cart"

import datetime as dt

import pytest
from django.utils import translation
from django.utils.formats import date_format

from comptoir.checkout.services import order_checkout
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import Dispute, SellerOrder
from comptoir.orders.services import seller_order_accept, seller_order_mark_delivered, seller_order_ship
from comptoir.testing.builders import ADDRESS, CARD_OK

pytestmark = pytest.mark.django_db


def place_order(shop, buyer=None):
    """An order of two seller orders (Klangwerk Audio, Le Comptoir du Son), paid."""
    buyer = buyer or shop.buyer
    result = order_checkout(
        buyer=buyer,
        shipping_address=ADDRESS,
        payment_method=CARD_OK,
        lines=[
            {"offer_id": shop.offers["speaker_klang"].pk, "quantity": 1},
            {"offer_id": shop.offers["pan_son"].pk, "quantity": 1},
        ],
    )
    return result.order


def part(order, shop, key) -> SellerOrder:
    return order.seller_orders.get(seller=shop.sellers[key])


def action_url(order, seller_order, action) -> str:
    return f"/account/orders/{order.number}/{seller_order.number}/{action}"


def test_account_pages_redirect_visitors_to_login(client, shop):
    order = place_order(shop)

    assert client.get("/account/orders")["Location"] == "/accounts/login/?next=/account/orders"
    assert (
        client.get(f"/account/orders/{order.number}")["Location"]
        == f"/accounts/login/?next=/account/orders/{order.number}"
    )


def test_order_list_shows_only_the_buyers_orders(buyer_client, shop):
    mine = place_order(shop)
    theirs = place_order(shop, buyer=shop.other_buyer)

    body = buyer_client.get("/account/orders").content.decode()

    assert mine.number in body and theirs.number not in body


def test_another_buyers_order_and_actions_are_404(buyer_client, shop):
    theirs = place_order(shop, buyer=shop.other_buyer)
    seller_order = part(theirs, shop, "son")

    assert buyer_client.get(f"/account/orders/{theirs.number}").status_code == 404
    assert (
        buyer_client.post(
            action_url(theirs, seller_order, "cancel"), {f"{seller_order.number}-cancel-reason": "Mine now"}
        ).status_code
        == 404
    )
    seller_order.refresh_from_db()
    assert seller_order.status == "placed"


def test_order_page_shows_each_seller_order_with_status_tracking_and_history(buyer_client, shop):
    order = place_order(shop)
    shipped = part(order, shop, "klang")
    seller_order_accept(seller=shop.sellers["klang"], seller_order_id=shipped.pk, actor=None)
    seller_order_ship(
        seller=shop.sellers["klang"],
        seller_order_id=shipped.pk,
        actor=None,
        carrier="DHL",
        tracking_number="JJD0001234567",
    )

    body = buyer_client.get(f"/account/orders/{order.number}").content.decode()

    assert "Shipped" in body and "DHL" in body and "JJD0001234567" in body
    assert "Handed to the carrier" in body and "Accepted by the seller" in body and "Payment received" in body
    assert "Not shipped yet" in body  # the other seller's part


def test_buyer_cancels_before_acceptance(buyer_client, shop):
    order = place_order(shop)
    seller_order = part(order, shop, "son")

    response = buyer_client.post(
        action_url(order, seller_order, "cancel"), {f"{seller_order.number}-cancel-reason": "Ordered twice by mistake"}
    )

    assert response.status_code == 302 and response["Location"].endswith(f"#{seller_order.number}")
    seller_order.refresh_from_db()
    assert seller_order.status == "cancelled" and seller_order.refunded_amount == seller_order.total_amount


def test_cancel_without_a_reason_shows_the_error_next_to_the_field(buyer_client, shop):
    order = place_order(shop)
    seller_order = part(order, shop, "son")

    response = buyer_client.post(
        action_url(order, seller_order, "cancel"), {f"{seller_order.number}-cancel-reason": ""}
    )

    assert response.status_code == 422
    body = response.content.decode()
    assert "This field is required." in body and '<details class="action" open>' in body


def test_cancel_after_the_seller_accepted_is_refused_with_a_message(buyer_client, shop):
    order = place_order(shop)
    seller_order = part(order, shop, "son")
    seller_order_accept(seller=shop.sellers["son"], seller_order_id=seller_order.pk, actor=None)

    response = buyer_client.post(
        action_url(order, seller_order, "cancel"), {f"{seller_order.number}-cancel-reason": "Too slow"}
    )

    assert response.status_code == 409
    assert "no longer possible for this order" in response.content.decode()
    seller_order.refresh_from_db()
    assert seller_order.status == "accepted"


def test_confirm_delivery_then_request_a_return(buyer_client, shop):
    order = place_order(shop)
    seller_order = part(order, shop, "klang")
    seller_order_accept(seller=shop.sellers["klang"], seller_order_id=seller_order.pk, actor=None)
    seller_order_ship(
        seller=shop.sellers["klang"],
        seller_order_id=seller_order.pk,
        actor=None,
        carrier="DHL",
        tracking_number="JJD0001234567",
    )

    delivered = buyer_client.post(action_url(order, seller_order, "confirm-delivery"))
    seller_order.refresh_from_db()
    assert delivered.status_code == 302 and seller_order.status == "delivered"

    bad = buyer_client.post(
        action_url(order, seller_order, "return"), {f"{seller_order.number}-return-return_reason": "because"}
    )
    assert bad.status_code == 422 and "Select a valid choice" in bad.content.decode()

    buyer_client.post(
        action_url(order, seller_order, "return"),
        {
            f"{seller_order.number}-return-return_reason": "damaged",
            f"{seller_order.number}-return-comment": "The grille is dented.",
            f"{seller_order.number}-return-line_{seller_order.lines.get().pk}": "1",
        },
    )
    seller_order.refresh_from_db()
    assert seller_order.status == "return_requested" and seller_order.return_reason == "damaged"


def test_open_a_dispute_once(buyer_client, shop):
    order = place_order(shop)
    seller_order = part(order, shop, "son")
    data = {
        f"{seller_order.number}-dispute-reason": "not_as_described",
        f"{seller_order.number}-dispute-description": "Nothing arrived after three weeks.",
    }

    first = buyer_client.post(action_url(order, seller_order, "dispute"), data)
    page = buyer_client.get(f"/account/orders/{order.number}").content.decode()

    assert first.status_code == 302
    assert Dispute.objects.filter(seller_order=seller_order, status="open").count() == 1
    assert "Dispute opened" in page
    assert action_url(order, seller_order, "dispute") not in page  # no second dispute form while one is open


def test_unknown_action_is_404(buyer_client, shop):
    order = place_order(shop)
    seller_order = part(order, shop, "son")

    assert buyer_client.post(action_url(order, seller_order, "refund")).status_code == 404


def test_confirm_delivery_on_a_not_shipped_order_is_refused(buyer_client, shop):
    order = place_order(shop)
    seller_order = part(order, shop, "son")

    response = buyer_client.post(action_url(order, seller_order, "confirm-delivery"))

    assert response.status_code == 409
    seller_order.refresh_from_db()
    assert seller_order.status == "placed"


def test_mark_delivered_by_seller_shows_return_and_dispute_forms(buyer_client, shop):
    order = place_order(shop)
    seller_order = part(order, shop, "son")
    seller_order_accept(seller=shop.sellers["son"], seller_order_id=seller_order.pk, actor=None)
    seller_order_ship(
        seller=shop.sellers["son"],
        seller_order_id=seller_order.pk,
        actor=None,
        carrier="Colissimo",
        tracking_number="6A12345678901",
    )
    seller_order_mark_delivered(
        seller_order_id=seller_order.pk, actor=None, actor_role=Actor.SELLER, seller=shop.sellers["son"]
    )

    body = buyer_client.get(f"/account/orders/{order.number}").content.decode()

    assert action_url(order, seller_order, "return") in body and action_url(order, seller_order, "dispute") in body
    assert action_url(order, seller_order, "cancel") not in body


def test_an_item_not_received_dispute_before_the_promised_date_says_from_when(buyer_client, shop):
    # given an order just placed, its parcel promised by deliver_by
    order = place_order(shop)
    seller_order = part(order, shop, "son")
    data = {
        f"{seller_order.number}-dispute-reason": "not_received",
        f"{seller_order.number}-dispute-description": "Nothing yet.",
    }

    # when the buyer reports it as not received right away, in English then in French
    english = buyer_client.post(action_url(order, seller_order, "dispute"), data)
    french = buyer_client.post(action_url(order, seller_order, "dispute"), data, HTTP_ACCEPT_LANGUAGE="fr")

    # then nothing is opened and the page says from which date it may be
    assert english.status_code == 409 and not Dispute.objects.exists()
    opens_on = seller_order.deliver_by + dt.timedelta(days=1)
    with translation.override("en"):
        expected = date_format(opens_on, "DATE_FORMAT")
    assert f"you can report it from {expected}" in english.content.decode()
    assert "vous pourrez le signaler à partir du" in french.content.decode()


def _delivered_two_lines(shop):
    """A delivered seller order of Klangwerk with two lines (2 speakers, 1 pair of headphones)."""
    result = order_checkout(
        buyer=shop.buyer,
        shipping_address=ADDRESS,
        payment_method=CARD_OK,
        lines=[
            {"offer_id": shop.offers["speaker_klang"].pk, "quantity": 2},
            {"offer_id": shop.offers["headphones_klang"].pk, "quantity": 1},
        ],
    )
    seller_order = part(result.order, shop, "klang")
    seller = shop.sellers["klang"]
    seller_order_accept(seller=seller, seller_order_id=seller_order.pk, actor=None)
    seller_order_ship(
        seller=seller, seller_order_id=seller_order.pk, actor=None, carrier="DHL", tracking_number="JJD0001234567"
    )
    seller_order_mark_delivered(seller=seller, seller_order_id=seller_order.pk, actor=None, actor_role=Actor.SELLER)
    return result.order, seller_order


def test_a_return_lets_the_buyer_choose_lines_and_units_and_shows_the_address_once_accepted(buyer_client, shop):
    from comptoir.orders.services import seller_order_return_accept, seller_return_policy_set

    # given a delivered order of two lines, and a seller with a return address
    order, seller_order = _delivered_two_lines(shop)
    speaker, headphones = seller_order.lines.order_by("id")
    seller_return_policy_set(
        seller=shop.sellers["klang"],
        actor=None,
        address={
            "name": "Klangwerk Retouren",
            "street": "Lagerstr. 4",
            "postal_code": "10115",
            "city": "Berlin",
            "country": "DE",
        },
        instructions="Pack the speaker in its box.",
    )
    prefix = f"{seller_order.number}-return"
    page = buyer_client.get(f"/account/orders/{order.number}").content.decode()
    assert f'name="{prefix}-line_{speaker.pk}"' in page and f'name="{prefix}-line_{headphones.pk}"' in page

    # when the buyer returns nothing, then one of the two speakers
    nothing = buyer_client.post(
        action_url(order, seller_order, "return"),
        {
            f"{prefix}-return_reason": "damaged",
            f"{prefix}-line_{speaker.pk}": "0",
            f"{prefix}-line_{headphones.pk}": "0",
        },
    )
    assert nothing.status_code == 422 and "Choose at least one item to return." in nothing.content.decode()
    buyer_client.post(
        action_url(order, seller_order, "return"),
        {
            f"{prefix}-return_reason": "damaged",
            f"{prefix}-line_{speaker.pk}": "1",
            f"{prefix}-line_{headphones.pk}": "0",
        },
    )

    # then the return names the unit, and the address is not shown before the seller accepts
    request = seller_order.return_request
    assert [(row.order_line_id, row.quantity) for row in request.lines.all()] == [(speaker.pk, 1)]
    waiting = buyer_client.get(f"/account/orders/{order.number}").content.decode()
    assert "Waiting for the seller to accept your return" in waiting and "Lagerstr. 4" not in waiting

    # and once accepted, the buyer sees the address and the instructions
    seller_order_return_accept(seller=shop.sellers["klang"], seller_order_id=seller_order.pk, actor=None)
    accepted = buyer_client.get(f"/account/orders/{order.number}").content.decode()
    assert "Lagerstr. 4" in accepted and "Pack the speaker in its box." in accepted

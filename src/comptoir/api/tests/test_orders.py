"""Buyer orders: GET /orders, GET /orders/{number},
POST /seller-orders/{number}/cancel|confirm-delivery|return|dispute."""

import datetime as dt

import pytest

from comptoir.accounts.services import api_token_create
from comptoir.api.tests.conftest import assert_problem, place_order
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import Dispute, SellerOrder
from comptoir.orders.services import seller_order_accept, seller_order_mark_delivered, seller_order_ship
from comptoir.testing.builders import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_token():
    _record, secret = api_token_create(user=make_user(), name="other buyer")
    return secret


def delivered(seller_order, seller_a):
    seller_order_accept(seller=seller_a.seller, seller_order_id=seller_order.pk, actor=seller_a.owner)
    seller_order_ship(
        seller=seller_a.seller,
        seller_order_id=seller_order.pk,
        actor=seller_a.owner,
        carrier="DHL",
        tracking_number="JD0123456789",
    )
    seller_order_mark_delivered(
        seller_order_id=seller_order.pk, actor=seller_a.owner, actor_role=Actor.SELLER, seller=seller_a.seller
    )


def test_orders_lists_only_my_orders(api, buyer_token, buyer, offer_a, other_token):
    mine = place_order(buyer=buyer, offer=offer_a)
    place_order(buyer=make_user(), offer=offer_a, key="theirs")

    body = api.get("orders", token=buyer_token).json()

    assert body["count"] == 1
    assert body["results"][0]["number"] == mine.order.number
    assert body["results"][0]["seller_orders"][0]["allowed_actions"] == ["cancel"]


def test_order_detail(api, buyer_token, seller_order):
    body = api.get(f"orders/{seller_order.order.number}", token=buyer_token).json()

    assert body["status"] == "paid"
    assert body["total"]["currency"] == "EUR"
    assert body["seller_orders"][0]["lines"][0]["quantity"] == 2
    assert body["shipping_address"]["city"] == "Paris"


def test_another_buyers_order_is_404(api, seller_order, other_token):
    assert_problem(api.get(f"orders/{seller_order.order.number}", token=other_token), 404, "order_not_found")
    assert_problem(api.get("orders/CO-NOPE", token=other_token), 404)


def test_cancel_before_acceptance(api, buyer_token, seller_order):
    response = api.post(f"seller-orders/{seller_order.number}/cancel", {"reason": "Changed my mind"}, token=buyer_token)

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["refunded"]["amount_minor"] == seller_order.total_amount


def test_cancel_after_acceptance_is_an_illegal_transition(api, buyer_token, seller_order, seller_a):
    seller_order_accept(seller=seller_a.seller, seller_order_id=seller_order.pk, actor=seller_a.owner)

    body = assert_problem(
        api.post(f"seller-orders/{seller_order.number}/cancel", {"reason": "late"}, token=buyer_token), 409
    )

    assert body["code"] in {"invalid_transition", "transition_not_allowed_for_actor"}
    assert SellerOrder.objects.get(pk=seller_order.pk).status == "accepted"


def test_cancel_needs_a_reason(api, buyer_token, seller_order):
    body = assert_problem(api.post(f"seller-orders/{seller_order.number}/cancel", {}, token=buyer_token), 422)

    assert "reason" in body["errors"]
    assert SellerOrder.objects.get(pk=seller_order.pk).status == "placed"


def test_another_buyer_cannot_act_on_my_seller_order(api, seller_order, seller_a, other_token):
    number = seller_order.number
    assert_problem(api.post(f"seller-orders/{number}/cancel", {"reason": "x"}, token=other_token), 404)
    assert_problem(api.post(f"seller-orders/{number}/confirm-delivery", token=other_token), 404)
    assert_problem(api.post(f"seller-orders/{number}/return", {"return_reason": "damaged"}, token=other_token), 404)
    assert_problem(
        api.post(f"seller-orders/{number}/dispute", {"reason": "other", "description": "x"}, token=other_token), 404
    )
    assert SellerOrder.objects.get(pk=seller_order.pk).status == "placed"
    assert not Dispute.objects.exists()


def test_confirm_delivery_then_request_a_return(api, buyer_token, seller_order, seller_a):
    seller_order_accept(seller=seller_a.seller, seller_order_id=seller_order.pk, actor=seller_a.owner)
    seller_order_ship(
        seller=seller_a.seller,
        seller_order_id=seller_order.pk,
        actor=seller_a.owner,
        carrier="DHL",
        tracking_number="JD0123456789",
    )

    confirmed = api.post(f"seller-orders/{seller_order.number}/confirm-delivery", token=buyer_token)
    returned = api.post(
        f"seller-orders/{seller_order.number}/return",
        {"return_reason": "damaged", "comment": "Dented"},
        token=buyer_token,
    )

    assert confirmed.json()["status"] == "delivered"
    assert returned.status_code == 200
    assert returned.json()["status"] == "return_requested"
    assert returned.json()["return_reason"] == "damaged"


def test_return_with_an_unknown_reason_is_422(api, buyer_token, seller_order, seller_a):
    delivered(seller_order, seller_a)

    body = assert_problem(
        api.post(f"seller-orders/{seller_order.number}/return", {"return_reason": "bored"}, token=buyer_token), 422
    )

    assert "return_reason" in body["errors"]
    assert SellerOrder.objects.get(pk=seller_order.pk).status == "delivered"


def test_open_a_dispute_once(api, buyer_token, seller_order):
    body = {"reason": "not_as_described", "description": "Wrong colour"}

    first = api.post(f"seller-orders/{seller_order.number}/dispute", body, token=buyer_token)
    second = api.post(f"seller-orders/{seller_order.number}/dispute", body, token=buyer_token)

    assert first.status_code == 201
    assert first.json()["status"] == "open"
    assert_problem(second, 409, "dispute_not_allowed")
    assert Dispute.objects.count() == 1


def test_a_retried_cancel_with_the_same_key_is_replayed(api, buyer_token, seller_order):
    headers = {"Idempotency-Key": "cancel-1"}

    first = api.post(
        f"seller-orders/{seller_order.number}/cancel", {"reason": "oops"}, token=buyer_token, headers=headers
    )
    second = api.post(
        f"seller-orders/{seller_order.number}/cancel", {"reason": "oops"}, token=buyer_token, headers=headers
    )

    assert first.status_code == second.status_code == 200
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert seller_order.events.filter(action="cancel").count() == 1


def test_a_declined_checkout_is_not_in_my_orders_but_its_number_still_answers(api, buyer_token, buyer, offer_a):
    # given a declined checkout and a paid order
    from comptoir.checkout.services import order_checkout
    from comptoir.testing.builders import ADDRESS, CARD_DECLINED

    declined = order_checkout(
        buyer=buyer,
        shipping_address=ADDRESS,
        payment_method=CARD_DECLINED,
        lines=[{"offer_id": offer_a.pk, "quantity": 1}],
        idempotency_key="declined-1",
    )
    paid = place_order(buyer=buyer, offer=offer_a)

    # when the buyer lists their orders
    body = api.get("orders", token=buyer_token).json()

    # then only the paid order is listed; the attempt's own number still tells the client what happened
    assert [row["number"] for row in body["results"]] == [paid.order.number]
    assert body["count"] == 1
    detail = api.get(f"orders/{declined.order.number}", token=buyer_token).json()
    assert detail["status"] == "payment_failed"


def test_an_item_not_received_dispute_before_the_promise_is_409_with_the_date(api, buyer_token, seller_order):
    body = {"reason": "not_received", "description": "Nothing arrived"}

    problem = assert_problem(
        api.post(f"seller-orders/{seller_order.number}/dispute", body, token=buyer_token), 409, "dispute_too_early"
    )

    opens_on = (seller_order.deliver_by + dt.timedelta(days=1)).isoformat()
    assert problem["opens_on"] == opens_on and opens_on in problem["detail"]
    assert not Dispute.objects.exists()


def test_a_return_names_the_units_sent_back(api, buyer_token, seller_order, seller_a):
    delivered(seller_order, seller_a)
    offer_id = seller_order.lines.get().offer_id

    unknown = api.post(
        f"seller-orders/{seller_order.number}/return",
        {"return_reason": "damaged", "lines": [{"offer_id": offer_id + 1000, "quantity": 1}]},
        token=buyer_token,
    )
    too_many = api.post(
        f"seller-orders/{seller_order.number}/return",
        {"return_reason": "damaged", "lines": [{"offer_id": offer_id, "quantity": 3}]},
        token=buyer_token,
    )
    done = api.post(
        f"seller-orders/{seller_order.number}/return",
        {"return_reason": "damaged", "lines": [{"offer_id": offer_id, "quantity": 1}]},
        token=buyer_token,
    )

    assert_problem(unknown, 422, "invalid_return_lines")
    assert_problem(too_many, 422, "invalid_return_lines")
    body = done.json()
    assert body["status"] == "return_requested"
    assert body["return_request"]["lines"] == [
        {"offer_id": offer_id, "title": body["lines"][0]["title"], "quantity": 1}
    ]
    assert body["return_request"]["return_address"] is None  # not before the seller accepts

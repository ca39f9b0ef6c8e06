"""Seller orders: list, detail, accept, ship, cancel, deliver, receive-return, refund; scopes; cross-seller
isolation."""

import pytest

from comptoir.api.tests.conftest import assert_problem, place_order
from comptoir.offers.models import Offer
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import SellerOrder
from comptoir.orders.services import (
    seller_order_accept,
    seller_order_mark_delivered,
    seller_order_request_return,
    seller_order_ship,
)

pytestmark = pytest.mark.django_db

SHIPMENT = {"carrier": "DHL", "tracking_number": "JD0123456789"}


def status_of(seller_order) -> str:
    return SellerOrder.objects.get(pk=seller_order.pk).status


def accepted(seller_order, seller_a):
    seller_order_accept(seller=seller_a.seller, seller_order_id=seller_order.pk, actor=seller_a.owner)


def shipped(seller_order, seller_a):
    accepted(seller_order, seller_a)
    seller_order_ship(seller=seller_a.seller, seller_order_id=seller_order.pk, actor=seller_a.owner, **SHIPMENT)


def return_requested(seller_order, seller_a, buyer):
    shipped(seller_order, seller_a)
    seller_order_mark_delivered(
        seller_order_id=seller_order.pk, actor=seller_a.owner, actor_role=Actor.SELLER, seller=seller_a.seller
    )
    seller_order_request_return(buyer=buyer, seller_order_id=seller_order.pk, return_reason="damaged")


def test_list_only_my_orders_with_status_filter(api, seller_a, seller_b, seller_order):
    mine = api.get("seller/orders", token=seller_a.key).json()
    placed = api.get("seller/orders?status=placed", token=seller_a.key).json()
    shipped_only = api.get("seller/orders?status=shipped", token=seller_a.key).json()

    assert [row["number"] for row in mine["results"]] == [seller_order.number]
    assert mine["results"][0]["allowed_actions"] == ["accept", "cancel"]
    assert mine["results"][0]["net"]["amount_minor"] == seller_order.total_amount - seller_order.commission_amount
    assert placed["count"] == 1 and shipped_only["count"] == 0
    assert api.get("seller/orders", token=seller_b.key).json()["count"] == 0


def test_unknown_status_filter_is_422(api, seller_a):
    assert (
        "status"
        in assert_problem(api.get("seller/orders?status=lost", token=seller_a.key), 422, "invalid_request")["errors"]
    )


def test_detail_shows_the_address_to_ship_to(api, seller_a, seller_order):
    body = api.get(f"seller/orders/{seller_order.number}", token=seller_a.key).json()

    assert body["shipping_address"]["postal_code"] == "75005"
    assert body["lines"][0]["quantity"] == 2


def test_accept_then_ship(api, seller_a, seller_order):
    accepted_response = api.post(f"seller/orders/{seller_order.number}/accept", token=seller_a.key)
    shipped_response = api.post(f"seller/orders/{seller_order.number}/ship", SHIPMENT, token=seller_a.key)

    assert accepted_response.json()["status"] == "accepted"
    assert shipped_response.status_code == 200
    assert (shipped_response.json()["status"], shipped_response.json()["tracking_number"]) == (
        "shipped",
        "JD0123456789",
    )


def test_ship_before_accepting_is_409_with_the_allowed_actions(api, seller_a, seller_order):
    problem = assert_problem(
        api.post(f"seller/orders/{seller_order.number}/ship", SHIPMENT, token=seller_a.key), 409, "invalid_transition"
    )

    assert problem["allowed_actions"] == ["accept", "cancel"]
    assert status_of(seller_order) == "placed"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"carrier": "DHL", "tracking_number": "12"}, "tracking_number"),
        ({"carrier": ""}, "carrier"),
        ({"carrier": "DHL", "tracking_number": 123456}, "tracking_number"),
    ],
)
def test_ship_with_bad_tracking_is_422(api, seller_a, seller_order, body, field):
    accepted(seller_order, seller_a)

    assert (
        field
        in assert_problem(api.post(f"seller/orders/{seller_order.number}/ship", body, token=seller_a.key), 422)[
            "errors"
        ]
    )
    assert status_of(seller_order) == "accepted"


def test_cancel_puts_the_stock_back(api, seller_a, seller_order, offer_a):
    response = api.post(
        f"seller/orders/{seller_order.number}/cancel", {"reason": "Out of stock after all"}, token=seller_a.key
    )

    assert response.json()["status"] == "cancelled"
    assert Offer.objects.get(pk=offer_a.pk).stock == 10


def test_deliver(api, seller_a, seller_order):
    shipped(seller_order, seller_a)

    assert api.post(f"seller/orders/{seller_order.number}/deliver", token=seller_a.key).json()["status"] == "delivered"


def test_receive_return_then_refund(api, seller_a, seller_order, buyer, offer_a):
    return_requested(seller_order, seller_a, buyer)

    received = api.post(f"seller/orders/{seller_order.number}/receive-return", {"restock": False}, token=seller_a.key)
    refunded = api.post(f"seller/orders/{seller_order.number}/refund", token=seller_a.key)

    assert received.json()["status"] == "returned"
    assert Offer.objects.get(pk=offer_a.pk).stock == 8
    assert refunded.json()["status"] == "refunded"
    assert refunded.json()["refunded"]["amount_minor"] == seller_order.total_amount


def test_receive_return_restocks_by_default(api, seller_a, seller_order, buyer, offer_a):
    return_requested(seller_order, seller_a, buyer)

    api.post(f"seller/orders/{seller_order.number}/receive-return", token=seller_a.key)

    assert Offer.objects.get(pk=offer_a.pk).stock == 10


ACTIONS = [
    ("accept", None),
    ("ship", SHIPMENT),
    ("cancel", {"reason": "x"}),
    ("deliver", None),
    ("receive-return", {"restock": True}),
    ("refund", None),
]


@pytest.mark.parametrize("action, body", ACTIONS)
def test_another_seller_gets_404_and_changes_nothing(api, seller_a, seller_b, seller_order, action, body):
    prepared = {"ship": accepted, "deliver": shipped}.get(action)
    if prepared:
        prepared(seller_order, seller_a)
    before = status_of(seller_order)

    assert_problem(
        api.post(f"seller/orders/{seller_order.number}/{action}", body, token=seller_b.key),
        404,
        "seller_order_not_found",
    )
    assert_problem(api.get(f"seller/orders/{seller_order.number}", token=seller_b.key), 404)
    assert status_of(seller_order) == before


@pytest.mark.parametrize("action, body", ACTIONS)
def test_actions_need_the_orders_write_scope(api, seller_a, seller_order, action, body):
    read_only = seller_a.key_with("orders:read")

    assert_problem(
        api.post(f"seller/orders/{seller_order.number}/{action}", body, token=read_only), 403, "insufficient_scope"
    )
    assert status_of(seller_order) == "placed"
    assert api.get(f"seller/orders/{seller_order.number}", token=read_only).status_code == 200


def test_reads_need_the_orders_read_scope(api, seller_a, seller_order):
    assert_problem(api.get("seller/orders", token=seller_a.key_with("offers:read")), 403, "insufficient_scope")


def test_a_retried_accept_is_replayed_not_reapplied(api, seller_a, seller_order):
    headers = {"Idempotency-Key": "accept-1"}

    first = api.post(f"seller/orders/{seller_order.number}/accept", token=seller_a.key, headers=headers)
    second = api.post(f"seller/orders/{seller_order.number}/accept", token=seller_a.key, headers=headers)
    without_key = api.post(f"seller/orders/{seller_order.number}/accept", token=seller_a.key)

    assert first.status_code == second.status_code == 200
    assert second["Idempotent-Replayed"] == "true"
    assert seller_order.events.filter(action="accept").count() == 1
    assert_problem(without_key, 409)


def test_a_refused_action_frees_its_key_for_a_corrected_retry(api, seller_a, seller_order):
    accepted(seller_order, seller_a)
    headers = {"Idempotency-Key": "ship-1"}

    refused = api.post(
        f"seller/orders/{seller_order.number}/ship",
        {"carrier": "DHL", "tracking_number": "x"},
        token=seller_a.key,
        headers=headers,
    )
    retried = api.post(f"seller/orders/{seller_order.number}/ship", SHIPMENT, token=seller_a.key, headers=headers)

    assert refused.status_code == 422
    assert retried.status_code == 200 and "Idempotent-Replayed" not in retried


def test_the_same_order_number_from_another_sellers_checkout_stays_separate(api, seller_a, seller_b, buyer):
    from comptoir.testing.builders import make_offer

    theirs = place_order(buyer=buyer, offer=make_offer(seller=seller_b.seller), key="b-order")

    assert_problem(api.post(f"seller/orders/{theirs.number}/accept", token=seller_a.key), 404)
    assert status_of(theirs) == "placed"


@pytest.mark.django_db(transaction=True)
def test_idempotent_action_outside_a_test_transaction(api, seller_a, seller_order):
    headers = {"Idempotency-Key": "accept-real"}

    first = api.post(f"seller/orders/{seller_order.number}/accept", token=seller_a.key, headers=headers)
    second = api.post(f"seller/orders/{seller_order.number}/accept", token=seller_a.key, headers=headers)

    assert first.status_code == second.status_code == 200
    assert second["Idempotent-Replayed"] == "true"
    assert status_of(seller_order) == "accepted"


def test_a_declined_checkout_is_not_in_the_sellers_orders(api, seller_a, buyer, offer_a, seller_order):
    from comptoir.checkout.services import order_checkout
    from comptoir.testing.builders import ADDRESS, CARD_DECLINED

    declined = order_checkout(
        buyer=buyer,
        shipping_address=ADDRESS,
        payment_method=CARD_DECLINED,
        lines=[{"offer_id": offer_a.pk, "quantity": 1}],
        idempotency_key="declined-1",
    )
    attempt = declined.order.seller_orders.get()

    listed = api.get("seller/orders", token=seller_a.key).json()
    cancelled = api.get("seller/orders?status=cancelled", token=seller_a.key).json()

    assert [row["number"] for row in listed["results"]] == [seller_order.number]
    assert cancelled["count"] == 0
    assert_problem(api.get(f"seller/orders/{attempt.number}", token=seller_a.key), 404)


def test_accept_a_return_gives_the_buyer_the_address(api, seller_a, buyer, buyer_token, seller_order):
    from comptoir.orders.services import seller_return_policy_set

    # given a delivered order whose buyer returns 1 of its 2 units through the API
    return_requested(seller_order, seller_a, buyer)  # every unit (no lines given): the former behaviour
    assert (
        api.get(f"orders/{seller_order.order.number}", token=buyer_token).json()["seller_orders"][0]["return_request"][
            "lines"
        ][0]["quantity"]
        == 2
    )

    # when the seller accepts without a return address, then with one
    assert_problem(
        api.post(f"seller/orders/{seller_order.number}/accept-return", token=seller_a.key),
        409,
        "return_address_missing",
    )
    seller_return_policy_set(
        seller=seller_a.seller,
        actor=None,
        address={"name": "A", "street": "1 rue A", "postal_code": "75001", "city": "Paris", "country": "FR"},
        instructions="Ring twice.",
    )
    accepted = api.post(f"seller/orders/{seller_order.number}/accept-return", token=seller_a.key)

    # then both sides see the accepted return with the address
    assert accepted.status_code == 200
    assert accepted.json()["return_request"]["return_address"]["city"] == "Paris"
    buyer_side = api.get(f"orders/{seller_order.order.number}", token=buyer_token).json()["seller_orders"][0]
    assert buyer_side["return_request"]["return_instructions"] == "Ring twice."


def test_a_shipped_order_carries_its_tracking_url_for_both_sides(api, seller_a, buyer_token, seller_order):
    before = api.get(f"seller/orders/{seller_order.number}", token=seller_a.key).json()
    shipped(seller_order, seller_a)  # DHL, JD0123456789

    seller_side = api.get(f"seller/orders/{seller_order.number}", token=seller_a.key).json()
    buyer_side = api.get(f"orders/{seller_order.order.number}", token=buyer_token).json()["seller_orders"][0]

    assert before["tracking_url"] is None
    expected = "https://www.dhl.com/global-en/home/tracking.html?tracking-id=JD0123456789"
    assert seller_side["tracking_url"] == expected and buyer_side["tracking_url"] == expected


def completed(seller_order, seller_a):
    from comptoir.checkout.services import seller_order_complete
    from comptoir.testing.builders import make_operator

    shipped(seller_order, seller_a)
    seller_order_mark_delivered(
        seller_order_id=seller_order.pk, actor=seller_a.owner, actor_role=Actor.SELLER, seller=seller_a.seller
    )
    seller_order_complete(seller_order_id=seller_order.pk, actor=make_operator())


def test_credit_note_after_release_by_line_idempotent_and_scoped(api, seller_a, seller_b, seller_order):
    path = f"seller/orders/{seller_order.number}/credit-notes"
    line = seller_order.lines.get()
    body = {"lines": [{"line": line.pk, "quantity": 1}], "reason": "One unit broken"}

    assert_problem(api.post(path, body, token=seller_a.key, headers={"Idempotency-Key": "c1"}), 409, "not_released")
    completed(seller_order, seller_a)
    assert_problem(api.post(path, body, token=seller_a.key), 422, "idempotency_key_required")
    assert_problem(api.post(path, body, token=seller_b.key, headers={"Idempotency-Key": "c1"}), 404)
    too_many = {"lines": [{"line": line.pk, "quantity": 3}]}
    assert_problem(
        api.post(path, too_many, token=seller_a.key, headers={"Idempotency-Key": "c0"}), 422, "invalid_credit"
    )

    first = api.post(path, body, token=seller_a.key, headers={"Idempotency-Key": "c1"})
    again = api.post(path, body, token=seller_a.key, headers={"Idempotency-Key": "c1"})

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    note = first.json()
    assert note["number"] == f"{seller_order.number}-C1"
    assert note["gross"]["amount_minor"] == line.unit_price_amount
    assert [(row["order_line_id"], row["quantity"]) for row in note["lines"]] == [(line.pk, 1)]
    rest = api.post(path, {}, token=seller_a.key, headers={"Idempotency-Key": "c2"})
    assert rest.status_code == 201
    assert rest.json()["gross"]["amount_minor"] == seller_order.total_amount - line.unit_price_amount
    assert SellerOrder.objects.get(pk=seller_order.pk).refunded_amount == seller_order.total_amount

import pytest

from comptoir.api.tests.conftest import assert_problem, place_order
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.services import seller_order_accept, seller_order_mark_delivered, seller_order_ship

pytestmark = pytest.mark.django_db
GOOD = {"product_rating": 5, "item_as_described": 5, "communication": 5, "shipping_speed": 4, "packaging": 5}


def delivered_order(buyer, seller_a, offer_a):
    seller_order = place_order(buyer=buyer, offer=offer_a)
    seller_order_accept(seller=seller_a.seller, seller_order_id=seller_order.pk, actor=seller_a.owner)
    seller_order_ship(
        seller=seller_a.seller,
        seller_order_id=seller_order.pk,
        actor=seller_a.owner,
        carrier="DHL",
        tracking_number="JD0146000033",
    )
    seller_order_mark_delivered(seller_order_id=seller_order.pk, actor=buyer, actor_role=Actor.BUYER, buyer=buyer)
    return seller_order


def test_a_buyer_reviews_a_delivered_order_and_it_is_public_with_its_verification_note(
    api, buyer, buyer_token, seller_a, offer_a
):
    seller_order = delivered_order(buyer, seller_a, offer_a)
    response = api.post(
        "reviews", {"seller_order_number": seller_order.number, **GOOD, "text": "Fast"}, token=buyer_token
    )
    assert response.status_code == 201, response.content
    again = api.post("reviews", {"seller_order_number": seller_order.number, **GOOD}, token=buyer_token)
    assert_problem(again, 409, "review_exists")
    public = api.get(f"sellers/{seller_a.seller.pk}/reviews").json()
    assert public["reviews"][0]["text"] == "Fast" and "delivered" in public["how_reviews_are_verified"]
    assert api.get(f"products/{offer_a.product_id}/reviews").json()["reviews"][0]["verified_purchase"] is True


def test_review_ratings_out_of_range_are_422(api, buyer, buyer_token, seller_a, offer_a):
    seller_order = delivered_order(buyer, seller_a, offer_a)
    response = api.post(
        "reviews", {"seller_order_number": seller_order.number, **GOOD, "packaging": 9}, token=buyer_token
    )
    assert_problem(response, 422)


def test_only_the_reviewed_seller_replies_and_messages_are_isolated(
    api, buyer, buyer_token, seller_a, seller_b, offer_a
):
    seller_order = delivered_order(buyer, seller_a, offer_a)
    review_id = api.post("reviews", {"seller_order_number": seller_order.number, **GOOD}, token=buyer_token).json()[
        "id"
    ]
    assert_problem(api.post(f"seller/reviews/{review_id}/reply", {"text": "Hi"}, token=seller_b.key), 404)
    assert api.post(f"seller/reviews/{review_id}/reply", {"text": "Thank you"}, token=seller_a.key).status_code == 200
    assert (
        api.post(f"seller-orders/{seller_order.number}/messages", {"body": "Question"}, token=buyer_token).status_code
        == 201
    )
    assert_problem(api.get(f"seller/orders/{seller_order.number}/messages", token=seller_b.key), 404)
    messages = api.get(f"seller/orders/{seller_order.number}/messages", token=seller_a.key).json()["messages"]
    assert [m["sender_role"] for m in messages] == ["buyer"]


def test_public_trust_and_seller_health_and_enforcement(api, seller_a):
    public = api.get(f"sellers/{seller_a.seller.pk}/trust").json()
    assert public["tier"] == "new" and public["score"] == "50"
    health = api.get("seller/health", token=seller_a.key).json()
    assert health["tier"] == "new" and "trend" in health
    assert api.get("seller/enforcement", token=seller_a.key).json() == {"actions": []}
    assert_problem(api.get("seller/health"), 401)

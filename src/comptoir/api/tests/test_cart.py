"""GET /cart, PUT and DELETE /cart/lines/{offer_id}."""

import pytest

from comptoir.accounts.services import api_token_create
from comptoir.api.tests.conftest import assert_problem
from comptoir.orders.models import CartLine
from comptoir.testing.builders import make_offer, make_seller, make_user

pytestmark = pytest.mark.django_db


def test_put_line_then_read_cart_with_subtotal(api, buyer_token, offer_a):
    response = api.put(f"cart/lines/{offer_a.pk}", {"quantity": 3}, token=buyer_token)

    assert response.status_code == 200
    body = api.get("cart", token=buyer_token).json()
    assert body["lines"][0]["offer_id"] == offer_a.pk
    assert body["lines"][0]["quantity"] == 3
    assert body["lines"][0]["line_total"] == {"amount": "45.00", "amount_minor": 4500, "currency": "EUR"}
    assert body["lines"][0]["is_available"] is True
    assert body["subtotals"] == [{"amount": "45.00", "amount_minor": 4500, "currency": "EUR"}]


def test_put_replaces_the_quantity(api, buyer_token, offer_a):
    api.put(f"cart/lines/{offer_a.pk}", {"quantity": 3}, token=buyer_token)

    api.put(f"cart/lines/{offer_a.pk}", {"quantity": 1}, token=buyer_token)

    assert CartLine.objects.get().quantity == 1


@pytest.mark.parametrize(
    "quantity, code",
    [
        (0, "invalid_request"),  # below the declared minimum: refused by the schema
        (-2, "invalid_request"),
        (1000, "invalid_quantity"),
        ("3", "invalid_request"),
        (1.5, "invalid_request"),
        (None, "invalid_request"),
        (True, "invalid_request"),
    ],
)
def test_bad_quantities_are_refused_and_nothing_is_written(api, buyer_token, offer_a, quantity, code):
    body = assert_problem(api.put(f"cart/lines/{offer_a.pk}", {"quantity": quantity}, token=buyer_token), 422, code)

    assert "quantity" in body["errors"]
    assert not CartLine.objects.exists()


def test_unknown_or_invisible_offer_is_404(api, buyer_token):
    hidden = make_offer(seller=make_seller(verified=False))

    assert_problem(api.put("cart/lines/424242", {"quantity": 1}, token=buyer_token), 404, "offer_unavailable")
    assert_problem(api.put(f"cart/lines/{hidden.pk}", {"quantity": 1}, token=buyer_token), 404, "offer_unavailable")
    assert not CartLine.objects.exists()


def test_unknown_field_is_refused(api, buyer_token, offer_a):
    body = assert_problem(
        api.put(f"cart/lines/{offer_a.pk}", {"quantity": 1, "price": 1}, token=buyer_token), 422, "invalid_request"
    )

    assert body["errors"] == {"price": "Unknown field."}


def test_delete_line(api, buyer_token, offer_a):
    api.put(f"cart/lines/{offer_a.pk}", {"quantity": 2}, token=buyer_token)

    response = api.delete(f"cart/lines/{offer_a.pk}", token=buyer_token)

    assert response.status_code == 200
    assert response.json()["lines"] == []
    assert_problem(api.delete(f"cart/lines/{offer_a.pk}", token=buyer_token), 404, "cart_line_not_found")


def test_a_buyer_never_sees_or_changes_another_buyers_cart(api, buyer_token, offer_a):
    api.put(f"cart/lines/{offer_a.pk}", {"quantity": 2}, token=buyer_token)
    _record, other_token = api_token_create(user=make_user(), name="other")

    assert api.get("cart", token=other_token).json()["lines"] == []
    assert_problem(api.delete(f"cart/lines/{offer_a.pk}", token=other_token), 404)
    assert CartLine.objects.get().quantity == 2

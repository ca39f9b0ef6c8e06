"""Returns (issue 10 item 15): the buyer chooses the lines and units to send back, the seller accepts and the buyer
is given the seller's return address and instructions; only the returned units go back on sale."""

import pytest

from comptoir.core import clock
from comptoir.core.exceptions import Conflict, ValidationError
from comptoir.orders.models import ReturnRequest
from comptoir.orders.services import (
    seller_order_receive_return,
    seller_order_request_return,
    seller_order_return_accept,
    seller_return_policy_set,
)
from comptoir.orders.tests.support import advance, buy

pytestmark = pytest.mark.django_db

RETURN_ADDRESS = {
    "name": "Atelier Retours",
    "street": "2 quai du Port",
    "postal_code": "13002",
    "city": "Marseille",
    "country": "fr",
}


def delivered(quantity=3):
    bought = buy(quantity=quantity, stock=10, at=clock.now())
    advance(bought, "delivered", at=clock.now())
    return bought


def line_of(bought):
    return bought.seller_order.lines.get()


def test_the_buyer_chooses_how_many_units_to_return():
    bought = delivered(quantity=3)
    line = line_of(bought)

    seller_order_request_return(
        buyer=bought.buyer,
        seller_order_id=bought.seller_order.pk,
        return_reason="damaged",
        comment="One cup arrived broken.",
        lines={line.pk: 1},
    )

    request = ReturnRequest.objects.get(seller_order=bought.seller_order)
    assert [(row.order_line_id, row.quantity) for row in request.lines.all()] == [(line.pk, 1)]
    assert (request.reason, request.comment, request.is_accepted) == ("damaged", "One cup arrived broken.", False)
    assert bought.refresh().status == "return_requested"


@pytest.mark.parametrize("lines", [{}, "all", {999_999: 1}])
def test_a_return_needs_at_least_one_unit_of_the_orders_own_lines(lines):
    bought = delivered()
    with pytest.raises(ValidationError) as raised:
        seller_order_request_return(
            buyer=bought.buyer, seller_order_id=bought.seller_order.pk, return_reason="damaged", lines=lines
        )
    assert raised.value.code == "invalid_return_lines"
    assert bought.refresh().status == "delivered" and not ReturnRequest.objects.exists()


def test_more_units_than_ordered_is_refused():
    bought = delivered(quantity=2)
    line = line_of(bought)
    with pytest.raises(ValidationError) as raised:
        seller_order_request_return(
            buyer=bought.buyer, seller_order_id=bought.seller_order.pk, return_reason="damaged", lines={line.pk: 3}
        )
    assert raised.value.fields == {f"lines.{line.pk}": "Between 0 and 2."}


def test_the_seller_accepts_and_the_buyer_gets_the_address_and_instructions_as_they_were():
    # given a requested return and a seller without a return address yet
    bought = delivered()
    seller_order_request_return(
        buyer=bought.buyer, seller_order_id=bought.seller_order.pk, return_reason="no_longer_needed"
    )
    with pytest.raises(Conflict) as raised:
        seller_order_return_accept(seller=bought.seller, seller_order_id=bought.seller_order.pk, actor=None)
    assert raised.value.code == "return_address_missing"

    # when the seller sets a return address and accepts
    seller_return_policy_set(
        seller=bought.seller, actor=None, address=RETURN_ADDRESS, instructions="Use the prepaid label in the box."
    )
    request = seller_order_return_accept(seller=bought.seller, seller_order_id=bought.seller_order.pk, actor=None)
    again = seller_order_return_accept(seller=bought.seller, seller_order_id=bought.seller_order.pk, actor=None)

    # then the request carries a copy of the address and instructions, recorded once in the order's history
    assert request.is_accepted and again.accepted_at == request.accepted_at
    assert request.return_address["city"] == "Marseille" and request.return_address["country"] == "FR"
    assert request.return_instructions == "Use the prepaid label in the box."
    assert bought.seller_order.events.filter(action="return_accepted").count() == 1
    # and a later change of the policy does not rewrite what the buyer was told
    seller_return_policy_set(seller=bought.seller, actor=None, address=RETURN_ADDRESS, instructions="New text.")
    request.refresh_from_db()
    assert request.return_instructions == "Use the prepaid label in the box."


def test_an_incomplete_return_address_is_refused_field_by_field():
    bought = delivered()
    with pytest.raises(ValidationError) as raised:
        seller_return_policy_set(seller=bought.seller, actor=None, address={"name": "X"}, instructions="")
    assert raised.value.code == "invalid_return_address"
    assert {"address.street", "address.city"} <= set(raised.value.fields)


def test_accepting_without_a_request_is_refused():
    bought = delivered()
    seller_return_policy_set(seller=bought.seller, actor=None, address=RETURN_ADDRESS, instructions="")
    with pytest.raises(Conflict) as raised:
        seller_order_return_accept(seller=bought.seller, seller_order_id=bought.seller_order.pk, actor=None)
    assert raised.value.code == "return_not_requested"


def test_receiving_the_return_restocks_only_the_returned_units():
    bought = delivered(quantity=3)
    stock_after_sale = bought.offer.stock
    seller_order_request_return(
        buyer=bought.buyer,
        seller_order_id=bought.seller_order.pk,
        return_reason="damaged",
        lines={line_of(bought).pk: 1},
    )

    seller_order_receive_return(seller=bought.seller, seller_order_id=bought.seller_order.pk, actor=None, restock=True)

    bought.refresh()
    assert bought.offer.stock == stock_after_sale + 1

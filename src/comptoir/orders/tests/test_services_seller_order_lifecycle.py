import datetime as dt

import pytest

from comptoir.checkout.services import (
    seller_order_cancel,
    seller_order_complete,
    seller_order_refund,
    seller_orders_release_due,
)
from comptoir.core import clock
from comptoir.core.exceptions import Conflict, InvalidTransition, NotFound, ValidationError
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import SellerOrderEvent
from comptoir.orders.services import (
    seller_order_accept,
    seller_order_mark_delivered,
    seller_order_receive_return,
    seller_order_request_return,
    seller_order_ship,
)
from comptoir.orders.tests.support import T0, account_balance, advance, buy, entry_kinds
from comptoir.payments.models import Refund
from comptoir.testing.builders import make_operator, make_seller, make_user

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def events_of(seller_order):
    return list(
        SellerOrderEvent.objects.filter(seller_order=seller_order)
        .order_by("pk")
        .values_list("action", "from_status", "to_status", "actor_role")
    )


def test_full_lifecycle_records_every_transition_with_time_actor_and_reason():
    # given a paid seller order (2 units of 10.00, standard shipping 4.90 + 1.00) in a 12 % category by default
    bought = buy(quantity=2, price=1000, at=T0)
    seller_order, seller, staff = bought.seller_order, bought.seller, bought.seller_user
    assert seller_order.status == "placed"

    # when the seller accepts, ships and the buyer confirms delivery, each at a known time
    with clock.frozen_at(T0 + HOUR):
        seller_order_accept(seller=seller, seller_order_id=seller_order.pk, actor=staff)
    with clock.frozen_at(T0 + 2 * HOUR):
        seller_order_ship(
            seller=seller,
            seller_order_id=seller_order.pk,
            actor=staff,
            carrier=" Colissimo ",
            tracking_number="6a 1234 5678 901",
        )
    with clock.frozen_at(T0 + 3 * DAY):
        seller_order_mark_delivered(
            seller_order_id=seller_order.pk, actor=bought.buyer, actor_role=Actor.BUYER, buyer=bought.buyer
        )
    # and the hold elapses
    with clock.frozen_at(T0 + 3 * DAY + dt.timedelta(days=14)):
        assert seller_orders_release_due() == 1

    # then the seller order is completed with its fulfilment facts
    seller_order.refresh_from_db()
    assert seller_order.status == "completed" and seller_order.is_released
    assert (seller_order.carrier, seller_order.tracking_number) == ("Colissimo", "6A12345678901")
    assert (seller_order.accepted_at, seller_order.shipped_at, seller_order.delivered_at) == (
        T0 + HOUR,
        T0 + 2 * HOUR,
        T0 + 3 * DAY,
    )
    assert seller_order.release_due_at == T0 + 3 * DAY + dt.timedelta(days=14)
    # and every step is an event, in order, with who did it and when
    assert events_of(seller_order) == [
        ("create", "", "awaiting_payment", "buyer"),
        ("payment_captured", "awaiting_payment", "placed", "system"),
        ("accept", "placed", "accepted", "seller"),
        ("ship", "accepted", "shipped", "seller"),
        ("deliver", "shipped", "delivered", "buyer"),
        ("complete", "delivered", "completed", "system"),
    ]
    events = {event.action: event for event in seller_order.events.all()}
    assert (events["accept"].actor_id, events["accept"].created_at) == (staff.pk, T0 + HOUR)
    assert events["ship"].data == {"carrier": "Colissimo", "tracking_number": "6A12345678901", "late": False}
    assert (events["deliver"].actor_id, events["deliver"].created_at, events["deliver"].data) == (
        bought.buyer.pk,
        T0 + 3 * DAY,
        {"late": False},
    )
    assert events["create"].actor_id == bought.buyer.pk and events["create"].created_at == T0
    assert events["complete"].actor_id is None
    assert all(event.seller_id_copy == seller.pk for event in events.values())
    # and the escrow went to the seller's payable balance minus the frozen commission
    commission = seller_order.commission_amount
    assert commission == 240  # 12 % of 20.00
    assert entry_kinds(seller_order_id_ref=seller_order.pk) == ["release"]
    assert account_balance("seller_escrow", seller.pk) == 0
    assert account_balance("seller_payable", seller.pk) == -(seller_order.total_amount - commission)
    assert account_balance("commission", None) == -commission


def test_events_are_queryable_per_seller_and_action_for_trust_metrics():
    seller = make_seller()
    first, second, other = buy(seller=seller), buy(seller=seller), buy()
    advance(first, "shipped")
    with clock.frozen_at(T0):
        seller_order_cancel(
            seller_order_id=second.seller_order.pk,
            actor=second.seller_user,
            actor_role=Actor.SELLER,
            reason="Out of stock",
            seller=seller,
        )
    advance(other, "accepted")

    rows = SellerOrderEvent.objects.filter(
        seller_id_copy=seller.pk, action__in=["ship", "cancel"], created_at__gte=T0
    ).order_by("pk")
    assert [(event.seller_order_id, event.action, event.reason) for event in rows] == [
        (first.seller_order.pk, "ship", ""),
        (second.seller_order.pk, "cancel", "Out of stock"),
    ]


def test_late_shipment_is_flagged_on_its_event():
    bought = buy(at=T0)
    advance(bought, "accepted")
    with clock.frozen_at(dt.datetime.combine(bought.seller_order.ship_by + 2 * DAY, dt.time(12), tzinfo=dt.UTC)):
        seller_order_ship(
            seller=bought.seller,
            seller_order_id=bought.seller_order.pk,
            actor=bought.seller_user,
            carrier="DHL",
            tracking_number="JD0146000012345",
        )
    assert bought.seller_order.events.get(action="ship").data["late"] is True


@pytest.mark.parametrize(
    ("carrier", "tracking", "field"),
    [("", "6A12345678901", "carrier"), ("DHL", "123", "tracking_number"), ("DHL", "12-34-56-78", "tracking_number")],
)
def test_shipping_needs_a_carrier_and_a_plausible_tracking_number(carrier, tracking, field):
    bought = buy()
    advance(bought, "accepted")
    with pytest.raises(ValidationError) as raised:
        seller_order_ship(
            seller=bought.seller,
            seller_order_id=bought.seller_order.pk,
            actor=bought.seller_user,
            carrier=carrier,
            tracking_number=tracking,
        )
    assert field in raised.value.fields
    assert bought.refresh().status == "accepted"


def test_illegal_transition_is_refused_and_changes_nothing():
    # given a placed order
    bought = buy()
    before = SellerOrderEvent.objects.count()

    # when the seller ships without accepting
    with pytest.raises(InvalidTransition) as raised:
        seller_order_ship(
            seller=bought.seller,
            seller_order_id=bought.seller_order.pk,
            actor=bought.seller_user,
            carrier="DHL",
            tracking_number="JD0146000012345",
        )

    # then the error says why, and neither the status nor the history moved
    assert raised.value.message == "Cannot ship an order that is placed."
    assert raised.value.extra["allowed_actions"] == ["accept", "cancel"]
    assert bought.refresh().status == "placed" and bought.seller_order.tracking_number == ""
    assert SellerOrderEvent.objects.count() == before


def test_seller_cannot_accept_twice_or_deliver_before_shipping():
    bought = buy()
    advance(bought, "accepted")
    with pytest.raises(InvalidTransition):
        seller_order_accept(seller=bought.seller, seller_order_id=bought.seller_order.pk, actor=bought.seller_user)
    with pytest.raises(InvalidTransition):
        seller_order_mark_delivered(
            seller_order_id=bought.seller_order.pk,
            actor=bought.seller_user,
            actor_role=Actor.SELLER,
            seller=bought.seller,
        )


def test_order_awaiting_payment_cannot_be_accepted():
    from comptoir.testing.builders import CARD_REVIEW

    bought = buy(card=CARD_REVIEW)
    with pytest.raises(InvalidTransition):
        seller_order_accept(seller=bought.seller, seller_order_id=bought.seller_order.pk, actor=bought.seller_user)


# --- cancellation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["placed", "accepted"])
def test_seller_cancel_before_shipping_restocks_and_refunds_in_full(status, django_capture_on_commit_callbacks):
    # given a paid order of 3 units, placed or accepted
    bought = buy(stock=5, quantity=3, price=1000)
    if status == "accepted":
        advance(bought, "accepted")
    assert bought.refresh().status == status and bought.offer.stock == 2
    total = bought.seller_order.total_amount

    # when the seller cancels with a reason
    with clock.frozen_at(T0 + HOUR), django_capture_on_commit_callbacks(execute=True):
        seller_order_cancel(
            seller_order_id=bought.seller_order.pk,
            actor=bought.seller_user,
            actor_role=Actor.SELLER,
            reason=" Damaged in the warehouse ",
            seller=bought.seller,
        )

    # then the order is cancelled, the units are back and the buyer is refunded everything
    seller_order = bought.refresh()
    assert (seller_order.status, seller_order.cancelled_by, seller_order.cancel_reason, seller_order.cancelled_at) == (
        "cancelled",
        "seller",
        "Damaged in the warehouse",
        T0 + HOUR,
    )
    assert bought.offer.stock == 5
    assert seller_order.refunded_amount == total
    refund = Refund.objects.get(seller_order=seller_order)
    assert (refund.amount, refund.status) == (total, "succeeded")  # executed by the immediate task backend on commit
    assert refund.provider_reference.startswith("sbx_re_")
    assert entry_kinds(seller_order_id_ref=seller_order.pk) == ["refund"]
    assert account_balance("seller_escrow", bought.seller.pk) == 0
    assert account_balance("provider_clearing", None) == 0
    event = seller_order.events.get(action="cancel")
    assert (event.from_status, event.to_status, event.actor_role, event.actor_id, event.reason, event.created_at) == (
        status,
        "cancelled",
        "seller",
        bought.seller_user.pk,
        "Damaged in the warehouse",
        T0 + HOUR,
    )


def test_cancel_without_reason_is_refused():
    bought = buy(stock=5)
    with pytest.raises(InvalidTransition) as raised:
        seller_order_cancel(
            seller_order_id=bought.seller_order.pk,
            actor=bought.seller_user,
            actor_role=Actor.SELLER,
            reason="  ",
            seller=bought.seller,
        )
    assert raised.value.code == "reason_required"
    assert bought.refresh().status == "placed" and bought.offer.stock == 4
    assert not Refund.objects.exists()


def test_seller_cannot_cancel_once_shipped():
    bought = buy(stock=5)
    advance(bought, "shipped")
    with pytest.raises(InvalidTransition):
        seller_order_cancel(
            seller_order_id=bought.seller_order.pk,
            actor=bought.seller_user,
            actor_role=Actor.SELLER,
            reason="Oops",
            seller=bought.seller,
        )
    assert bought.refresh().status == "shipped" and bought.offer.stock == 4 and not Refund.objects.exists()


def test_buyer_may_cancel_before_acceptance(django_capture_on_commit_callbacks):
    bought = buy(stock=5, quantity=2)
    with django_capture_on_commit_callbacks(execute=True):
        seller_order_cancel(
            seller_order_id=bought.seller_order.pk,
            actor=bought.buyer,
            actor_role=Actor.BUYER,
            reason="Ordered by mistake",
            buyer=bought.buyer,
        )
    seller_order = bought.refresh()
    assert (seller_order.status, seller_order.cancelled_by) == ("cancelled", "buyer")
    assert bought.offer.stock == 5
    assert Refund.objects.get().status == "succeeded"
    event = seller_order.events.get(action="cancel")
    assert (event.actor_role, event.actor_id, event.reason) == ("buyer", bought.buyer.pk, "Ordered by mistake")


def test_buyer_cannot_cancel_after_acceptance():
    bought = buy(stock=5)
    advance(bought, "accepted")
    with pytest.raises(InvalidTransition) as raised:
        seller_order_cancel(
            seller_order_id=bought.seller_order.pk,
            actor=bought.buyer,
            actor_role=Actor.BUYER,
            reason="Too slow",
            buyer=bought.buyer,
        )
    assert raised.value.code == "transition_not_allowed_for_actor"
    assert bought.refresh().status == "accepted" and not Refund.objects.exists()


def test_cancelling_one_seller_order_leaves_the_others_of_the_order_alone():
    from comptoir.checkout.services import order_checkout
    from comptoir.orders.models import SellerOrder
    from comptoir.testing.builders import ADDRESS, CARD_OK, make_offer

    offer_a, offer_b = make_offer(stock=5), make_offer(stock=5)
    buyer = make_user()
    result = order_checkout(
        buyer=buyer,
        shipping_address=ADDRESS,
        payment_method=CARD_OK,
        lines=[{"offer_id": offer_a.pk, "quantity": 1}, {"offer_id": offer_b.pk, "quantity": 1}],
        idempotency_key="two",
    )
    part_a = SellerOrder.objects.get(order=result.order, seller=offer_a.seller)
    part_b = SellerOrder.objects.get(order=result.order, seller=offer_b.seller)

    seller_order_cancel(
        seller_order_id=part_a.pk, actor=buyer, actor_role=Actor.BUYER, reason="Found it cheaper", buyer=buyer
    )

    part_b.refresh_from_db()
    assert part_b.status == "placed" and part_b.refunded_amount == 0
    assert Refund.objects.get().amount == part_a.total_amount
    assert account_balance("seller_escrow", offer_b.seller_id) == -part_b.total_amount


# --- returns --------------------------------------------------------------------------------------


def test_return_within_the_window_is_received_restocked_and_refunded(django_capture_on_commit_callbacks):
    # given a delivered order of 2 units
    bought = buy(stock=5, quantity=2)
    advance(bought, "delivered", at=T0)
    total = bought.seller_order.total_amount

    # when the buyer asks for a return on day 13, the seller receives it and refunds
    with clock.frozen_at(T0 + 13 * DAY):
        seller_order_request_return(
            buyer=bought.buyer,
            seller_order_id=bought.seller_order.pk,
            return_reason="damaged",
            comment="Screen cracked",
        )
    with clock.frozen_at(T0 + 20 * DAY), django_capture_on_commit_callbacks(execute=True):
        seller_order_receive_return(
            seller=bought.seller, seller_order_id=bought.seller_order.pk, actor=bought.seller_user, restock=True
        )
        seller_order_refund(seller=bought.seller, seller_order_id=bought.seller_order.pk, actor=bought.seller_user)

    # then the order is refunded, the units are back on sale and the money went back to the buyer
    seller_order = bought.refresh()
    assert (seller_order.status, seller_order.return_reason, seller_order.refunded_amount) == (
        "refunded",
        "damaged",
        total,
    )
    assert bought.offer.stock == 5
    assert Refund.objects.get(seller_order=seller_order).status == "succeeded"
    assert entry_kinds(seller_order_id_ref=seller_order.pk) == ["refund"]
    assert account_balance("seller_escrow", bought.seller.pk) == 0
    assert events_of(seller_order)[-3:] == [
        ("request_return", "delivered", "return_requested", "buyer"),
        ("receive_return", "return_requested", "returned", "seller"),
        ("refund", "returned", "refunded", "seller"),
    ]
    request = seller_order.events.get(action="request_return")
    assert (request.reason, request.data, request.actor_id) == (
        "Screen cracked",
        {"return_reason": "damaged"},
        bought.buyer.pk,
    )
    assert seller_order.events.get(action="receive_return").data == {"restocked": True}
    # and a returned order is never released to the seller
    with clock.frozen_at(T0 + 60 * DAY):
        assert seller_orders_release_due() == 0
    assert not seller_order.is_released


def test_returned_item_may_be_kept_out_of_stock():
    bought = buy(stock=5, quantity=2)
    advance(bought, "delivered")
    with clock.frozen_at(T0 + DAY):
        seller_order_request_return(buyer=bought.buyer, seller_order_id=bought.seller_order.pk, return_reason="damaged")
    seller_order_receive_return(
        seller=bought.seller, seller_order_id=bought.seller_order.pk, actor=bought.seller_user, restock=False
    )
    assert bought.refresh().status == "returned" and bought.offer.stock == 3
    assert bought.seller_order.events.get(action="request_return").reason == "Arrived damaged"


def test_return_after_the_window_is_refused():
    bought = buy()
    advance(bought, "delivered", at=T0)
    with clock.frozen_at(T0 + 14 * DAY + dt.timedelta(seconds=1)), pytest.raises(Conflict) as raised:
        seller_order_request_return(
            buyer=bought.buyer, seller_order_id=bought.seller_order.pk, return_reason="no_longer_needed"
        )
    assert raised.value.code == "return_window_closed"
    assert bought.refresh().status == "delivered"


def test_return_before_delivery_or_with_an_unknown_reason_is_refused():
    bought = buy()
    advance(bought, "shipped")
    with pytest.raises(InvalidTransition):
        seller_order_request_return(buyer=bought.buyer, seller_order_id=bought.seller_order.pk, return_reason="damaged")
    with pytest.raises(ValidationError):
        seller_order_request_return(buyer=bought.buyer, seller_order_id=bought.seller_order.pk, return_reason="bored")


def test_refund_before_the_return_is_received_is_refused_for_the_seller():
    bought = buy()
    advance(bought, "delivered")
    with clock.frozen_at(T0 + DAY):
        seller_order_request_return(
            buyer=bought.buyer, seller_order_id=bought.seller_order.pk, return_reason="wrong_item"
        )
    with pytest.raises(InvalidTransition):
        seller_order_refund(seller=bought.seller, seller_order_id=bought.seller_order.pk, actor=bought.seller_user)
    assert not Refund.objects.exists()


# --- release --------------------------------------------------------------------------------------


def test_escrow_is_not_released_before_the_hold_elapses():
    bought = buy()
    advance(bought, "delivered", at=T0)
    with clock.frozen_at(T0 + 14 * DAY - dt.timedelta(seconds=1)):
        assert seller_orders_release_due() == 0
        with pytest.raises(Conflict) as raised:
            seller_order_complete(seller_order_id=bought.seller_order.pk)
        assert raised.value.code == "hold_not_elapsed"
    assert bought.refresh().status == "delivered" and entry_kinds(kind="release") == []
    with clock.frozen_at(T0 + 14 * DAY):
        assert seller_orders_release_due() == 1
    assert bought.refresh().status == "completed"
    # and running it again releases nothing twice
    with clock.frozen_at(T0 + 30 * DAY):
        assert seller_orders_release_due() == 0
    assert entry_kinds(kind="release") == ["release"]


def test_undelivered_order_is_never_released():
    bought = buy()
    advance(bought, "shipped", at=T0)
    with clock.frozen_at(T0 + 365 * DAY):
        assert seller_orders_release_due() == 0
        with pytest.raises(Conflict):
            seller_order_complete(seller_order_id=bought.seller_order.pk)


def test_operator_may_release_early():
    bought = buy()
    advance(bought, "delivered", at=T0)
    operator = make_operator()
    with clock.frozen_at(T0 + DAY):
        seller_order_complete(seller_order_id=bought.seller_order.pk, actor=operator)
    event = bought.seller_order.events.get(action="complete")
    assert (event.actor_role, event.actor_id) == ("operator", operator.pk)


# --- ownership ------------------------------------------------------------------------------------


def test_seller_cannot_act_on_another_sellers_order():
    bought = buy()
    intruder = make_seller()
    staff = make_user()
    attempts = [
        lambda: seller_order_accept(seller=intruder, seller_order_id=bought.seller_order.pk, actor=staff),
        lambda: seller_order_ship(
            seller=intruder,
            seller_order_id=bought.seller_order.pk,
            actor=staff,
            carrier="DHL",
            tracking_number="JD0146000012345",
        ),
        lambda: seller_order_cancel(
            seller_order_id=bought.seller_order.pk,
            actor=staff,
            actor_role=Actor.SELLER,
            reason="mine now",
            seller=intruder,
        ),
        lambda: seller_order_mark_delivered(
            seller_order_id=bought.seller_order.pk, actor=staff, actor_role=Actor.SELLER, seller=intruder
        ),
        lambda: seller_order_receive_return(seller=intruder, seller_order_id=bought.seller_order.pk, actor=staff),
        lambda: seller_order_refund(seller=intruder, seller_order_id=bought.seller_order.pk, actor=staff),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound) as raised:
            attempt()
        assert raised.value.code == "seller_order_not_found"
    assert bought.refresh().status == "placed"


def test_buyer_cannot_act_on_another_buyers_order():
    bought = buy()
    advance(bought, "delivered")
    stranger = make_user()
    with pytest.raises(NotFound):
        seller_order_cancel(
            seller_order_id=bought.seller_order.pk,
            actor=stranger,
            actor_role=Actor.BUYER,
            reason="mine",
            buyer=stranger,
        )
    with pytest.raises(NotFound):
        seller_order_request_return(buyer=stranger, seller_order_id=bought.seller_order.pk, return_reason="damaged")
    with pytest.raises(NotFound):
        seller_order_mark_delivered(
            seller_order_id=bought.seller_order.pk, actor=stranger, actor_role=Actor.BUYER, buyer=stranger
        )
    assert bought.refresh().status == "delivered"

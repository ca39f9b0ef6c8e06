import itertools

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from comptoir.checkout.services import order_checkout
from comptoir.core.models import AuditLog
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import DisputeStatus, Order, OrderStatus, SellerOrder
from comptoir.orders.services import dispute_open, seller_order_accept, seller_order_mark_delivered, seller_order_ship
from comptoir.payments.models import JournalEntry, Refund
from comptoir.testing.builders import ADDRESS, CARD_OK, CARD_REVIEW, make_offer, make_user

pytestmark = pytest.mark.django_db(transaction=True)

DISPUTES = reverse("admin:orders_dispute_changelist")
ORDERS = reverse("admin:orders_order_changelist")
_keys = itertools.count(1)


def _checkout(card=CARD_OK, price=2500):
    offer = make_offer(price_amount=price, stock=5)
    buyer = make_user()
    result = order_checkout(
        buyer=buyer,
        shipping_address=ADDRESS,
        payment_method=card,
        lines=[{"offer_id": offer.pk, "quantity": 1}],
        idempotency_key=f"admin-test-{next(_keys)}",
    )
    return result.order, offer, buyer


def _disputed_delivery():
    order, offer, buyer = _checkout()
    seller_order = SellerOrder.objects.get(order=order)
    seller_user = offer.seller.members.get().user
    seller_order_accept(seller=offer.seller, seller_order_id=seller_order.pk, actor=seller_user)
    seller_order_ship(
        seller=offer.seller,
        seller_order_id=seller_order.pk,
        actor=seller_user,
        carrier="La Poste",
        tracking_number="6A12345678901",
    )
    seller_order_mark_delivered(
        seller_order_id=seller_order.pk, actor=seller_user, actor_role=Actor.SELLER, seller=offer.seller
    )
    dispute = dispute_open(
        buyer=buyer,
        seller_order_id=seller_order.pk,
        reason="not_as_described",
        description="The lamp is green, not blue.",
    )
    return dispute, seller_order


def test_dispute_decided_for_the_buyer_through_the_console_refunds_in_full(console, operator):
    dispute, seller_order = _disputed_delivery()
    statement = "Photos show a different product from the listing."

    confirmation = console.post(DISPUTES, {"action": "decide_for_buyer", ACTION_CHECKBOX_NAME: [dispute.pk]})
    assert confirmation.status_code == 200 and "Statement of reasons" in confirmation.content.decode()
    response = console.post(
        DISPUTES,
        {"action": "decide_for_buyer", ACTION_CHECKBOX_NAME: [dispute.pk], "apply": "1", "reason": statement},
        follow=True,
    )

    assert response.status_code == 200
    dispute.refresh_from_db()
    seller_order.refresh_from_db()
    assert (dispute.status, dispute.decided_by, dispute.decision_note) == (
        DisputeStatus.DECIDED_FOR_BUYER,
        operator,
        statement,
    )
    assert seller_order.status == "refunded"
    assert seller_order.refunded_amount == seller_order.total_amount
    refund = Refund.objects.get(seller_order=seller_order)
    assert refund.amount == seller_order.total_amount
    assert JournalEntry.objects.filter(kind="refund", seller_order_id_ref=seller_order.pk).count() == 1
    audit = AuditLog.objects.get(action="dispute.decided", target_id=str(dispute.pk))
    assert (audit.actor, audit.reason, audit.data["in_favour_of"]) == (operator, statement, "buyer")


def test_dispute_decision_without_a_statement_is_refused(console):
    dispute, _seller_order = _disputed_delivery()

    response = console.post(
        DISPUTES, {"action": "decide_for_buyer", ACTION_CHECKBOX_NAME: [dispute.pk], "apply": "1", "reason": ""}
    )

    assert "This field is required." in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN
    assert not Refund.objects.exists()


def test_dispute_decided_for_the_seller_keeps_the_money_in_escrow(console):
    dispute, seller_order = _disputed_delivery()

    console.post(
        DISPUTES,
        {
            "action": "decide_for_seller",
            ACTION_CHECKBOX_NAME: [dispute.pk],
            "apply": "1",
            "reason": "Tracking shows delivery.",
        },
    )

    dispute.refresh_from_db()
    seller_order.refresh_from_db()
    assert dispute.status == DisputeStatus.DECIDED_FOR_SELLER
    assert seller_order.status == "delivered"
    assert not Refund.objects.exists()


def test_dispute_list_shows_open_disputes_by_default(console):
    open_dispute, _ = _disputed_delivery()
    decided, _ = _disputed_delivery()
    console.post(
        DISPUTES,
        {"action": "decide_for_seller", ACTION_CHECKBOX_NAME: [decided.pk], "apply": "1", "reason": "Delivered."},
    )

    default_list = console.get(DISPUTES)
    everything = console.get(DISPUTES, {"status": "all"})

    assert [dispute.pk for dispute in default_list.context["cl"].result_list] == [open_dispute.pk]
    assert {dispute.pk for dispute in everything.context["cl"].result_list} == {open_dispute.pk, decided.pk}


def test_payment_under_review_approved_through_the_console_is_captured(console, operator):
    order, _offer, _ = _checkout(card=CARD_REVIEW)
    assert order.status == OrderStatus.PAYMENT_REVIEW

    response = console.post(ORDERS, {"action": "approve_payment_review", ACTION_CHECKBOX_NAME: [order.pk]}, follow=True)

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert SellerOrder.objects.get(order=order).status == "placed"
    assert JournalEntry.objects.filter(kind="capture", order_id_ref=order.pk).count() == 1
    assert AuditLog.objects.get(action="order.payment_review_approved", target_id=str(order.pk)).actor == operator


def test_payment_under_review_rejected_through_the_console_cancels_and_restocks(console):
    order, offer, _ = _checkout(card=CARD_REVIEW)

    console.post(ORDERS, {"action": "reject_payment_review", ACTION_CHECKBOX_NAME: [order.pk]})

    order.refresh_from_db()
    offer.refresh_from_db()
    assert order.status == OrderStatus.PAYMENT_FAILED
    assert offer.stock == 5
    assert not JournalEntry.objects.filter(order_id_ref=order.pk).exists()


def test_approving_an_order_not_under_review_shows_the_service_refusal(console):
    order, _, _ = _checkout()

    response = console.post(ORDERS, {"action": "approve_payment_review", ACTION_CHECKBOX_NAME: [order.pk]}, follow=True)

    assert "not under review" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID


def test_seller_order_page_shows_its_timeline(console):
    _dispute, seller_order = _disputed_delivery()

    page = console.get(reverse("admin:orders_sellerorder_change", args=[seller_order.pk])).content.decode()

    for action in ("payment_captured", "accept", "ship", "deliver", "dispute_opened"):
        assert f">{action}<" in page
    assert "6A12345678901" in page

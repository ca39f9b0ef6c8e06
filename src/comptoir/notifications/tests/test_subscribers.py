"""From the other domains' events to notifications and emails, through the real services."""

import datetime as dt

import pytest
from django.core import mail

from comptoir.checkout.services import dispute_decide
from comptoir.core import clock
from comptoir.core.events import publish
from comptoir.notifications.models import Notification
from comptoir.notifications.tasks import late_to_ship_notify_task
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.services import dispute_open, seller_order_mark_delivered
from comptoir.orders.tests.support import T0, advance, buy
from comptoir.payments.services import payout_batch_create
from comptoir.sellers.services import seller_reject, seller_verify
from comptoir.testing.builders import make_operator, make_seller, make_user
from comptoir.trust.events import AppealDecided, EnforcementNoticeIssued
from comptoir.trust.services import message_send

pytestmark = pytest.mark.django_db


def kinds_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True))


@pytest.fixture
def shop():
    owner = make_user("owner@example.com", preferred_language="fr")
    return make_seller("Atelier Lumière", owner=owner), owner


def test_a_paid_checkout_confirms_to_the_buyer_and_tells_the_seller(committed, shop):
    seller, owner = shop
    buyer = make_user("ada@example.com")
    with committed():
        bought = buy(seller=seller, buyer=buyer)
    assert kinds_of(buyer) == ["order_confirmed"]
    assert kinds_of(owner) == ["new_order"]
    confirmed = Notification.objects.get(recipient=buyer)
    assert confirmed.params["order_number"] == bought.order.number
    assert confirmed.params["url"] == f"/account/orders/{bought.order.number}"
    # each gets an email in their own language
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert by_recipient["ada@example.com"].subject == f"Order {bought.order.number} is confirmed"
    assert by_recipient["owner@example.com"].subject == f"Nouvelle commande {bought.seller_order.number}"


def test_shipping_and_delivery_reach_the_buyer_with_a_tracking_link(committed, shop):
    seller, _owner = shop
    buyer = make_user()
    bought = buy(seller=seller, buyer=buyer)
    with committed():
        advance(bought, "shipped")
    shipped = Notification.objects.get(recipient=buyer, kind="order_shipped")
    assert shipped.params["tracking_number"] == "6A12345678901"
    assert shipped.params["tracking_url"] == "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901"
    assert "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901" in mail.outbox[-1].body
    with committed():
        seller_order_mark_delivered(
            seller_order_id=bought.seller_order.pk, actor=buyer, actor_role=Actor.BUYER, buyer=buyer
        )
    assert kinds_of(buyer)[-1] == "order_delivered"


def test_a_dispute_decided_for_the_buyer_refunds_and_tells_both_parties(committed, shop):
    seller, owner = shop
    buyer = make_user()
    bought = buy(seller=seller, buyer=buyer)
    advance(bought, "delivered")
    with committed():
        dispute = dispute_open(
            buyer=buyer, seller_order_id=bought.seller_order.pk, reason="not_as_described", description="Broken lamp"
        )
    assert "dispute_opened" in kinds_of(buyer) and "dispute_opened" in kinds_of(owner)
    with committed():
        dispute_decide(dispute_id=dispute.pk, actor=make_operator(), in_favour_of="buyer", note="Photos show damage.")
    assert kinds_of(buyer)[-2:] == ["order_refunded", "dispute_decided"]
    assert kinds_of(owner)[-1] == "dispute_decided"
    refunded = Notification.objects.get(recipient=buyer, kind="order_refunded")
    assert refunded.params["amount"] == bought.seller_order.total_amount
    decided = [message for message in mail.outbox if message.to == [buyer.email]][-1]
    assert "in the buyer's favour: the order is refunded. Its reasons: Photos show damage." in decided.body


def test_a_message_notifies_the_other_party_only(committed, shop):
    seller, owner = shop
    buyer = make_user()
    bought = buy(seller=seller, buyer=buyer)
    with committed():
        message_send(sender=buyer, seller_order_id=bought.seller_order.pk, body="Is it gift-wrapped?")
    assert kinds_of(owner)[-1] == "message_received" and "message_received" not in kinds_of(buyer)
    with committed():
        message_send(sender=owner, seller=seller, seller_order_id=bought.seller_order.pk, body="Yes, it is.")
    received = Notification.objects.get(recipient=buyer, kind="message_received")
    assert received.params["excerpt"] == "Yes, it is."
    assert received.params["url"] == f"/account/messages/{bought.seller_order.number}"


def test_an_application_approved_or_rejected_is_told_to_the_applicant(committed):
    approved_owner, rejected_owner = make_user(), make_user()
    approved = make_seller(owner=approved_owner, verified=False)
    rejected = make_seller(owner=rejected_owner, verified=False)
    with committed():
        seller_verify(seller_id=approved.pk, actor=make_operator())
        seller_reject(seller_id=rejected.pk, actor=make_operator(), reason="The trade register number is invalid.")
    assert kinds_of(approved_owner) == ["application_approved"]
    assert kinds_of(rejected_owner) == ["application_rejected"]
    rejection = next(message for message in mail.outbox if message.to == [rejected_owner.email])
    assert "Reason: The trade register number is invalid." in rejection.body


def test_a_notice_of_a_measure_and_an_appeal_decision_reach_the_sellers_members(committed, shop):
    from comptoir.trust.models import Appeal, EnforcementAction

    seller, owner = shop
    action = EnforcementAction.objects.create(
        seller=seller,
        kind="suspension",
        facts={},
        facts_text="Manual decision.",
        rule="Terms 4.2",
        is_automated=False,
        redress="Appeal from your seller center.",
    )
    with committed():
        publish(
            EnforcementNoticeIssued(
                enforcement_action_id=action.pk, seller_id=seller.pk, kind="suspension", manual=True, at=clock.now()
            )
        )
    notice = Notification.objects.get(recipient=owner, kind="measure_notice")
    assert notice.params["url"] == f"/seller/health/notices/{action.pk}"
    assert mail.outbox[-1].subject == "Notification concernant Atelier Lumière : Suspension"
    assert "décision prise par une personne" in mail.outbox[-1].body
    appeal = Appeal.objects.create(action=action, submitted_by=owner, text="Please", status="granted")
    with committed():
        publish(AppealDecided(appeal_id=appeal.pk, seller_id=seller.pk, accepted=True, at=clock.now()))
    assert kinds_of(owner)[-1] == "appeal_decided"
    assert "Votre appel a été accepté : la mesure est levée." in mail.outbox[-1].body


def test_a_payout_is_told_to_the_seller(committed, shop):
    seller, owner = shop
    bought = buy(seller=seller)
    advance(bought, "delivered")
    from comptoir.checkout.services import seller_orders_release_due

    with clock.frozen_at(T0 + dt.timedelta(days=30)):
        seller_orders_release_due(limit=10)
    with committed():
        batch = payout_batch_create(currency="EUR", actor=make_operator())
    assert batch.payout_count == 1
    payout = Notification.objects.get(recipient=owner, kind="payout_sent")
    assert payout.params["iban_last4"] == seller.iban_last4


def test_late_seller_orders_are_told_once(committed, shop):
    seller, owner = shop
    bought = buy(seller=seller)
    with clock.frozen_at(dt.datetime.combine(bought.seller_order.ship_by, dt.time(12), tzinfo=dt.UTC)):
        assert late_to_ship_notify_task.call() == 0  # due today: not late yet
    with clock.frozen_at(T0 + dt.timedelta(days=20)), committed():
        assert late_to_ship_notify_task.call() == 1
        assert late_to_ship_notify_task.call() == 0
    assert kinds_of(owner).count("late_to_ship") == 1


def test_a_return_request_is_told_to_the_seller_with_its_reason_in_their_language(committed, shop):
    from comptoir.orders.services import seller_order_request_return

    seller, owner = shop
    buyer = make_user()
    bought = buy(seller=seller, buyer=buyer)
    advance(bought, "delivered")
    with clock.frozen_at(T0 + dt.timedelta(days=1)), committed():
        seller_order_request_return(buyer=buyer, seller_order_id=bought.seller_order.pk, return_reason="damaged")
    assert kinds_of(owner)[-1] == "return_requested"
    assert mail.outbox[-1].to == [owner.email]
    assert "Motif : Arrivé endommagé." in mail.outbox[-1].body

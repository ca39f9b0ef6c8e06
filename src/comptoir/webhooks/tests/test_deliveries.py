"""From committed facts to signed requests received by a real local HTTP server; retries, replays, isolation."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import override_settings

from comptoir.checkout.services import seller_order_cancel
from comptoir.core import clock
from comptoir.core.exceptions import NotFound
from comptoir.offers.services import offer_update
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.tests.support import T0, advance, buy
from comptoir.testing.builders import make_offer, make_seller
from comptoir.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from comptoir.webhooks.services import (
    WebhookFact,
    webhook_attempt,
    webhook_deliveries_create,
    webhook_delivery_replay,
    webhook_endpoint_update,
    webhook_retries_enqueue_due,
)

pytestmark = pytest.mark.django_db


def webhook_settings(**values):
    return override_settings(COMPTOIR={**settings.COMPTOIR, "WEBHOOKS": {**settings.COMPTOIR["WEBHOOKS"], **values}})


def out_of_stock_fact(seller, offer, at=T0) -> WebhookFact:
    return WebhookFact("offer.out_of_stock", seller.pk, f"offer-out-of-stock:{offer.pk}:{at.isoformat()}", offer.pk, at)


def test_a_paid_order_reaches_the_receiver_signed(committed, seller, endpoint, receiver):
    with committed():
        bought = buy(seller=seller)

    [request] = receiver.received
    assert request.is_verified
    assert request.path == "/hooks/comptoir"
    assert request.headers["Content-Type"] == "application/json"
    body = request.json
    assert body["type"] == "order.created" and body["seller_id"] == seller.pk
    assert body["id"].startswith("evt_") and request.headers["Comptoir-Event-Id"] == body["id"]
    order = body["data"]["seller_order"]
    assert order["number"] == bought.seller_order.number and order["status"] == "placed"
    assert order["lines"][0]["sku"] == bought.offer.sku and order["total"]["currency"] == "EUR"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempt_count, delivery.last_response_status) == ("succeeded", 1, 200)
    attempt = WebhookAttempt.objects.get()
    assert attempt.is_success and attempt.response_status == 200 and attempt.response_excerpt == "ok"


def test_shipping_and_cancelling_are_sent_too(committed, seller, endpoint, receiver):
    webhook_endpoint_update(
        seller=seller,
        actor=None,
        endpoint_id=endpoint.pk,
        changes={"event_types": ["order.shipped", "order.cancelled"]},
    )
    with committed():  # each operation commits before the next (the test's transaction would merge their batches)
        shipped = buy(seller=seller)
    with committed():
        advance(shipped, "shipped")
    with committed():
        cancelled = buy(seller=seller)
    with committed():
        seller_order_cancel(
            seller_order_id=cancelled.seller_order.pk,
            actor=cancelled.seller_user,
            actor_role=Actor.SELLER,
            seller=seller,
            reason="Out of stock",
        )

    types = [request.json["type"] for request in receiver.received]
    assert types == ["order.shipped", "order.cancelled"]
    assert receiver.received[0].json["data"]["seller_order"]["tracking_number"] == "6A12345678901"
    assert all(request.is_verified for request in receiver.received)


def test_the_last_unit_sold_sends_offer_out_of_stock(committed, seller, endpoint, receiver):
    offer = make_offer(seller=seller, stock=1, sku="LAST-ONE")
    webhook_endpoint_update(
        seller=seller, actor=None, endpoint_id=endpoint.pk, changes={"event_types": ["offer.out_of_stock"]}
    )

    with committed():
        buy(offer=offer)

    [request] = receiver.received
    assert request.is_verified and request.json["type"] == "offer.out_of_stock"
    assert request.json["data"]["offer"] | {"price": None} == {
        "id": offer.pk,
        "sku": "LAST-ONE",
        "product_id": offer.product_id,
        "product_title": offer.product.title,
        "stock": 0,
        "price": None,
        "is_active": True,
    }


def test_a_seller_setting_stock_to_zero_sends_it_once(committed, seller, endpoint, receiver):
    offer = make_offer(seller=seller, stock=3)

    with committed():
        offer_update(seller=seller, actor=None, offer_id=offer.pk, changes={"stock": 0})
    with committed():
        offer_update(seller=seller, actor=None, offer_id=offer.pk, changes={"stock": 0})  # already none

    assert [request.json["type"] for request in receiver.received] == ["offer.out_of_stock"]


def test_only_subscribed_active_endpoints_of_the_seller_get_events(committed, seller, endpoint, receiver):
    other = make_seller("Other Shop")
    webhook_endpoint_update(
        seller=seller, actor=None, endpoint_id=endpoint.pk, changes={"event_types": ["payout.sent"]}
    )
    with committed():
        buy(seller=seller)
        buy(seller=other)
    webhook_endpoint_update(
        seller=seller, actor=None, endpoint_id=endpoint.pk, changes={"event_types": ["order.created"]}
    )
    webhook_endpoint_update(seller=seller, actor=None, endpoint_id=endpoint.pk, changes={"is_active": False})
    with committed():
        buy(seller=seller)

    assert receiver.received == [] and not WebhookDelivery.objects.exists()


def test_the_same_fact_twice_makes_one_delivery(committed, seller, endpoint, receiver):
    offer = make_offer(seller=seller)
    fact = out_of_stock_fact(seller, offer)

    with committed():
        first = webhook_deliveries_create(facts=[fact])
    with committed():
        second = webhook_deliveries_create(facts=[fact])

    assert len(first) == 1 and second == []
    assert len(receiver.received) == 1


def test_failures_are_retried_with_exponential_backoff_until_delivered(committed, seller, endpoint, receiver):
    offer = make_offer(seller=seller)
    receiver.statuses = [500, 503]
    with clock.frozen_at(T0), committed():
        [delivery_id] = webhook_deliveries_create(facts=[out_of_stock_fact(seller, offer)])
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempt_count) == ("pending", 1)
    assert delivery.next_attempt_at == T0 + dt.timedelta(seconds=30)

    with clock.frozen_at(T0 + dt.timedelta(seconds=29)), committed():
        assert webhook_retries_enqueue_due() == 0  # not due yet
    with clock.frozen_at(T0 + dt.timedelta(seconds=30)), committed():
        assert webhook_retries_enqueue_due() == 1
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == T0 + dt.timedelta(seconds=30 + 60)  # doubled
    with clock.frozen_at(T0 + dt.timedelta(seconds=90)), committed():
        assert webhook_retries_enqueue_due() == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count, delivery.next_attempt_at) == ("succeeded", 3, None)
    attempts = list(WebhookAttempt.objects.filter(delivery=delivery).values_list("number", "response_status", "error"))
    assert attempts == [
        (1, 500, "HTTP 500: a 2xx answer is expected."),
        (2, 503, "HTTP 503: a 2xx answer is expected."),
        (3, 200, ""),
    ]
    assert len(receiver.received) == 3 and all(request.is_verified for request in receiver.received)
    assert len({request.json["id"] for request in receiver.received}) == 1  # one event, three tries
    assert [request.headers["Comptoir-Delivery-Attempt"] for request in receiver.received] == ["1", "2", "3"]


def test_attempts_are_bounded_then_the_delivery_fails(committed, seller, endpoint, receiver):
    offer = make_offer(seller=seller)
    receiver.statuses = [500] * 10
    with webhook_settings(MAX_ATTEMPTS=2), clock.frozen_at(T0), committed():
        [delivery_id] = webhook_deliveries_create(facts=[out_of_stock_fact(seller, offer)])
    with webhook_settings(MAX_ATTEMPTS=2), clock.frozen_at(T0 + dt.timedelta(hours=1)), committed():
        assert webhook_retries_enqueue_due() == 1
        assert webhook_retries_enqueue_due() == 0

    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempt_count, delivery.next_attempt_at) == ("failed", 2, None)
    assert len(receiver.received) == 2


def test_a_task_run_twice_sends_once(seller, endpoint, receiver, django_capture_on_commit_callbacks):
    offer = make_offer(seller=seller)
    with django_capture_on_commit_callbacks(execute=False):  # the first attempt's task is not run
        [delivery_id] = webhook_deliveries_create(facts=[out_of_stock_fact(seller, offer)])

    assert webhook_attempt(delivery_id=delivery_id, number=1) is not None
    assert webhook_attempt(delivery_id=delivery_id, number=1) is None

    assert len(receiver.received) == 1


def test_no_answer_in_time_is_a_failed_attempt(committed, seller, endpoint, receiver):
    offer = make_offer(seller=seller)
    receiver.delay_seconds = 0.5
    with webhook_settings(TIMEOUT_SECONDS=0.1), committed():
        webhook_deliveries_create(facts=[out_of_stock_fact(seller, offer)])

    attempt = WebhookAttempt.objects.get()
    assert not attempt.is_success and attempt.response_status is None and "No answer within 0.1 s" in attempt.error


def test_a_failed_delivery_is_replayed_once_however_often_asked(committed, seller, endpoint, receiver):
    offer = make_offer(seller=seller)
    owner = seller.members.get().user
    receiver.statuses = [500]
    with webhook_settings(MAX_ATTEMPTS=1), committed():
        [delivery_id] = webhook_deliveries_create(facts=[out_of_stock_fact(seller, offer)])
    assert WebhookDelivery.objects.get().status == DeliveryStatus.FAILED

    with committed():
        _delivery, first = webhook_delivery_replay(seller=seller, actor=owner, delivery_id=delivery_id)
        _delivery, second = webhook_delivery_replay(seller=seller, actor=owner, delivery_id=delivery_id)

    assert (first, second) == (True, False)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempt_count, delivery.replay_count) == ("succeeded", 2, 1)
    replay = WebhookAttempt.objects.get(number=2)
    assert replay.is_replay and replay.replayed_by == owner and replay.is_success
    assert len(receiver.received) == 2 and receiver.received[0].body == receiver.received[1].body


def test_a_seller_cannot_replay_another_sellers_delivery(committed, seller, endpoint, receiver):
    offer = make_offer(seller=seller)
    with committed():
        [delivery_id] = webhook_deliveries_create(facts=[out_of_stock_fact(seller, offer)])
    other = make_seller("Nosy Shop")

    with pytest.raises(NotFound):
        webhook_delivery_replay(seller=other, actor=other.members.get().user, delivery_id=delivery_id)

    assert WebhookDelivery.objects.get().replay_count == 0 and len(receiver.received) == 1


def test_an_address_refused_at_sending_time_is_not_contacted(committed, seller, endpoint, receiver):
    offer = make_offer(seller=seller)

    with webhook_settings(ALLOW_PRIVATE_ADDRESSES=False), committed():
        webhook_deliveries_create(facts=[out_of_stock_fact(seller, offer)])

    assert receiver.received == []
    assert "127.0.0.1, a private or reserved address" in WebhookAttempt.objects.get().error


def test_with_the_database_backend_a_retry_is_a_task_deferred_to_its_time(
    seller, endpoint, receiver, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "comptoir.core.task_backend.DatabaseBackend", "QUEUES": ["default"]}}
    offer = make_offer(seller=seller)
    receiver.statuses = [502]
    with clock.frozen_at(T0), django_capture_on_commit_callbacks(execute=True):
        [delivery_id] = webhook_deliveries_create(facts=[out_of_stock_fact(seller, offer)])
    first = DBTaskResult.objects.get(task_path="comptoir.webhooks.tasks.webhook_deliver_task")
    assert first.args_kwargs["kwargs"] == {"delivery_id": delivery_id, "attempt": 1}

    with clock.frozen_at(T0), django_capture_on_commit_callbacks(execute=True):
        webhook_attempt(delivery_id=delivery_id, number=1)

    retry = DBTaskResult.objects.exclude(pk=first.pk).get()
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after == T0 + dt.timedelta(seconds=30) == WebhookDelivery.objects.get().next_attempt_at

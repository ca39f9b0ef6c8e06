"""/seller/webhooks/…: endpoints (secret shown once), the delivery log, replays; scope and seller isolation."""

import pytest

from comptoir.api.tests.conftest import assert_problem
from comptoir.offers.services import offer_update
from comptoir.testing.builders import make_offer
from comptoir.webhooks.models import WebhookDelivery, WebhookEndpoint
from comptoir.webhooks.tests.receiver import start_receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


def add_endpoint(api, credentials, url, key="endpoint-1", events=("offer.out_of_stock",)):
    return api.post(
        "seller/webhooks/endpoints",
        {"url": url, "event_types": list(events), "description": "ERP"},
        token=credentials.key,
        headers={"Idempotency-Key": key},
    )


def test_an_endpoint_is_created_with_its_secret_shown_once(api, seller_a, receiver):
    response = add_endpoint(api, seller_a, receiver.url)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_") and body["event_types"] == ["offer.out_of_stock"]
    replay = add_endpoint(api, seller_a, receiver.url)
    assert replay["Idempotent-Replayed"] == "true" and replay.json()["secret"] == ""
    assert WebhookEndpoint.objects.count() == 1
    assert "secret" not in api.get(f"seller/webhooks/endpoints/{body['id']}", token=seller_a.key).json()


def test_a_private_address_is_refused_when_not_allowed(api, seller_a, settings):
    settings.COMPTOIR = {
        **settings.COMPTOIR,
        "WEBHOOKS": {**settings.COMPTOIR["WEBHOOKS"], "ALLOW_PRIVATE_ADDRESSES": False},
    }

    body = assert_problem(add_endpoint(api, seller_a, "http://169.254.169.254/latest"), 422, "webhook_url_refused")

    assert set(body["errors"]) == {"url"}


def test_the_log_shows_each_attempt_and_a_delivery_can_be_replayed(
    api, seller_a, receiver, django_capture_on_commit_callbacks
):
    created = add_endpoint(api, seller_a, receiver.url).json()
    receiver.secret = created["secret"]
    offer = make_offer(seller=seller_a.seller, stock=2)
    with django_capture_on_commit_callbacks(execute=True):
        offer_update(seller=seller_a.seller, actor=None, offer_id=offer.pk, changes={"stock": 0})

    log = api.get("seller/webhooks/deliveries?status=succeeded", token=seller_a.key).json()
    assert log["count"] == 1
    delivery_id = log["results"][0]["id"]
    detail = api.get(f"seller/webhooks/deliveries/{delivery_id}", token=seller_a.key).json()
    assert detail["payload"]["data"]["offer"]["id"] == offer.pk
    assert [(a["number"], a["response_status"], a["is_success"]) for a in detail["attempts"]] == [(1, 200, True)]

    with django_capture_on_commit_callbacks(execute=True):
        replayed = api.post(
            f"seller/webhooks/deliveries/{delivery_id}/replay", token=seller_a.key, headers={"Idempotency-Key": "r1"}
        )
    assert replayed.status_code == 202 and replayed.json()["queued"] is True
    with django_capture_on_commit_callbacks(execute=True):
        again = api.post(
            f"seller/webhooks/deliveries/{delivery_id}/replay", token=seller_a.key, headers={"Idempotency-Key": "r1"}
        )
    assert again["Idempotent-Replayed"] == "true"
    assert len(receiver.received) == 2 and all(request.is_verified for request in receiver.received)
    assert WebhookDelivery.objects.get().attempt_count == 2


def test_another_seller_sees_and_touches_nothing(api, seller_a, seller_b, receiver, django_capture_on_commit_callbacks):
    created = add_endpoint(api, seller_a, receiver.url).json()
    offer = make_offer(seller=seller_a.seller, stock=1)
    with django_capture_on_commit_callbacks(execute=True):
        offer_update(seller=seller_a.seller, actor=None, offer_id=offer.pk, changes={"stock": 0})
    delivery_id = WebhookDelivery.objects.get().pk

    assert api.get("seller/webhooks/endpoints", token=seller_b.key).json() == []
    assert api.get("seller/webhooks/deliveries", token=seller_b.key).json()["count"] == 0
    for response in (
        api.get(f"seller/webhooks/endpoints/{created['id']}", token=seller_b.key),
        api.patch(f"seller/webhooks/endpoints/{created['id']}", {"is_active": False}, token=seller_b.key),
        api.delete(f"seller/webhooks/endpoints/{created['id']}", token=seller_b.key),
        api.post(f"seller/webhooks/endpoints/{created['id']}/secret", token=seller_b.key),
        api.get(f"seller/webhooks/deliveries/{delivery_id}", token=seller_b.key),
        api.post(f"seller/webhooks/deliveries/{delivery_id}/replay", token=seller_b.key),
    ):
        assert_problem(response, 404)
    assert WebhookEndpoint.objects.get().is_active and len(receiver.received) == 1


def test_endpoints_need_the_webhooks_scope(api, seller_a, receiver):
    token = seller_a.key_with("offers:read", "offers:write", "orders:read")

    assert_problem(api.get("seller/webhooks/endpoints", token=token), 403)


def test_an_endpoint_is_changed_and_removed(api, seller_a, receiver):
    created = add_endpoint(api, seller_a, receiver.url).json()

    changed = api.patch(
        f"seller/webhooks/endpoints/{created['id']}",
        {"is_active": False, "event_types": ["payout.sent", "order.created"]},
        token=seller_a.key,
    )
    assert changed.status_code == 200
    assert changed.json()["event_types"] == ["order.created", "payout.sent"] and not changed.json()["is_active"]
    assert_problem(api.patch(f"seller/webhooks/endpoints/{created['id']}", {"url": None}, token=seller_a.key), 422)
    assert api.delete(f"seller/webhooks/endpoints/{created['id']}", token=seller_a.key).status_code == 204
    assert not WebhookEndpoint.objects.exists()

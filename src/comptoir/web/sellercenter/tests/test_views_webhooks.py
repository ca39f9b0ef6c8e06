"""Seller center webhooks: endpoints with the secret shown once, the delivery log, replays; owners only, own rows."""

import pytest

from comptoir.offers.services import offer_update
from comptoir.sellers.services import seller_member_add
from comptoir.testing.builders import make_seller, make_user
from comptoir.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from comptoir.webhooks.services import webhook_endpoint_create
from comptoir.webhooks.tests.receiver import start_receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


def test_an_endpoint_is_added_and_its_secret_shown_once(owner_client, seller_setup, receiver):
    response = owner_client.post(
        "/seller/webhooks/", {"url": receiver.url, "description": "ERP", "event_types": ["order.created"]}
    )

    assert response["Location"] == "/seller/webhooks/secret"
    shown = owner_client.get("/seller/webhooks/secret")
    secret = shown.context["secret"]
    assert secret.startswith("whsec_") and secret in shown.content.decode()
    assert owner_client.get("/seller/webhooks/secret")["Location"] == "/seller/webhooks/"
    listing = owner_client.get("/seller/webhooks/").content.decode()
    assert "ERP" in listing and secret not in listing
    assert WebhookEndpoint.objects.get().seller == seller_setup["seller"]


def test_a_refused_url_is_explained_next_to_the_field(owner_client, seller_setup, settings):
    settings.COMPTOIR = {
        **settings.COMPTOIR,
        "WEBHOOKS": {**settings.COMPTOIR["WEBHOOKS"], "ALLOW_PRIVATE_ADDRESSES": False},
    }

    response = owner_client.post("/seller/webhooks/", {"url": "http://10.0.0.1/hook", "event_types": ["order.created"]})

    assert response.status_code == 422
    assert "private or reserved address" in response.context["form"].errors["url"][0]


def test_the_log_shows_attempts_and_a_delivery_is_sent_again(
    owner_client, seller_setup, receiver, django_capture_on_commit_callbacks, settings
):
    settings.COMPTOIR = {**settings.COMPTOIR, "WEBHOOKS": {**settings.COMPTOIR["WEBHOOKS"], "MAX_ATTEMPTS": 1}}
    seller = seller_setup["seller"]
    endpoint, receiver.secret = webhook_endpoint_create(
        seller=seller, actor=None, url=receiver.url, event_types=["offer.out_of_stock"], description="Warehouse"
    )
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        offer_update(seller=seller, actor=None, offer_id=seller_setup["offer"].pk, changes={"stock": 0})
    delivery = WebhookDelivery.objects.get()

    log = owner_client.get("/seller/webhooks/").content.decode()
    assert "Offer out of stock" in log and "HTTP 500" in log
    detail = owner_client.get(f"/seller/webhooks/deliveries/{delivery.pk}").content.decode()
    assert "a 2xx answer is expected" in detail and "MUG-001" in detail
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(f"/seller/webhooks/deliveries/{delivery.pk}/replay", follow=True)

    assert "The event is being sent again" in response.content.decode()
    assert WebhookAttempt.objects.filter(delivery=delivery, is_replay=True, is_success=True).count() == 1
    assert len(receiver.received) == 2 and all(request.is_verified for request in receiver.received)
    assert owner_client.get(f"/seller/webhooks/{endpoint.pk}/").status_code == 200


def test_another_sellers_endpoint_and_delivery_do_not_exist(owner_client, seller_setup, receiver):
    other = make_seller("Other Shop")
    endpoint, _secret = webhook_endpoint_create(
        seller=other, actor=None, url=receiver.url, event_types=["order.created"]
    )

    assert owner_client.get(f"/seller/webhooks/{endpoint.pk}/").status_code == 404
    assert owner_client.post(f"/seller/webhooks/{endpoint.pk}/delete").status_code == 404
    assert owner_client.post(f"/seller/webhooks/{endpoint.pk}/secret").status_code == 404
    assert owner_client.post("/seller/webhooks/deliveries/1/replay").status_code == 404
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_staff_members_cannot_manage_webhooks(client, seller_setup):
    staff = make_user("staff@example.com")
    seller_member_add(seller=seller_setup["seller"], actor=seller_setup["owner"], user=staff)
    client.force_login(staff)

    assert client.get("/seller/webhooks/").status_code == 403


def test_the_pages_are_in_french(owner_client, seller_setup):
    owner_client.cookies["django_language"] = "fr"

    page = owner_client.get("/seller/webhooks/").content.decode()

    assert (
        "Journal des envois" in page and "Offre en rupture de stock" in page and "Ajouter le point de réception" in page
    )


def test_a_refused_url_is_explained_in_french(owner_client, seller_setup, settings):
    settings.COMPTOIR = {
        **settings.COMPTOIR,
        "WEBHOOKS": {**settings.COMPTOIR["WEBHOOKS"], "ALLOW_PRIVATE_ADDRESSES": False},
    }
    owner_client.cookies["django_language"] = "fr"

    response = owner_client.post(
        "/seller/webhooks/", {"url": "https://169.254.169.254/latest", "event_types": ["payout.sent"]}
    )

    assert response.context["form"].errors["url"] == [
        "Impossible d’envoyer des webhooks à cette adresse : 169.254.169.254 correspond à 169.254.169.254, "
        "une adresse privée ou réservée."
    ]

"""Endpoint rules: URLs that could reach the server's own network are refused (SSRF), secrets, limits, isolation."""

import pytest
from django.conf import settings
from django.test import override_settings

from comptoir.core.crypto import decrypt_text
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.core.models import AuditLog
from comptoir.testing.builders import make_seller
from comptoir.webhooks.models import WebhookEndpoint
from comptoir.webhooks.services import (
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_secret_rotate,
    webhook_endpoint_update,
)

pytestmark = pytest.mark.django_db


def production_rules():
    webhooks = {**settings.COMPTOIR["WEBHOOKS"], "ALLOW_PRIVATE_ADDRESSES": False, "REQUIRE_HTTPS": True}
    return override_settings(COMPTOIR={**settings.COMPTOIR, "WEBHOOKS": webhooks})


def create(seller, url="http://127.0.0.1:9/hook", event_types=("order.created",), **extra):
    return webhook_endpoint_create(seller=seller, actor=None, url=url, event_types=list(event_types), **extra)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.0.0.5/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://0.0.0.0/hook",
        "http://93.184.216.34/hook",  # plain http
        "ftp://93.184.216.34/hook",
        "https://user:password@93.184.216.34/hook",
        "https://no-such-host.invalid/hook",
        "not a url",
    ],
)
def test_urls_reaching_private_networks_or_insecure_are_refused(url):
    seller = make_seller()
    with production_rules(), pytest.raises(ValidationError) as refused:
        create(seller, url=url)

    assert set(refused.value.fields) == {"url"}
    assert not WebhookEndpoint.objects.exists()


def test_a_public_https_url_is_accepted_under_the_production_rules():
    seller = make_seller()
    with production_rules():
        endpoint, _secret = create(seller, url="https://93.184.216.34/hooks")  # a literal: no DNS needed

    assert endpoint.url == "https://93.184.216.34/hooks"


def test_private_addresses_are_allowed_only_when_the_setting_says_so():
    seller = make_seller()

    endpoint, _secret = create(seller, url="http://127.0.0.1:8123/hook")  # the test settings allow it

    assert endpoint.pk is not None


def test_the_secret_is_returned_once_and_stored_encrypted():
    seller = make_seller()

    endpoint, secret = create(seller, event_types=["payout.sent", "order.created"])

    assert secret.startswith("whsec_") and len(secret) > 40
    assert secret not in endpoint.secret_encrypted and decrypt_text(endpoint.secret_encrypted) == secret
    assert endpoint.event_types == ["order.created", "payout.sent"]  # in the catalogue's order
    assert AuditLog.objects.filter(action="webhook_endpoint.created", seller_id=seller.pk).exists()
    _endpoint, rotated = webhook_endpoint_secret_rotate(seller=seller, actor=None, endpoint_id=endpoint.pk)
    assert rotated != secret and decrypt_text(WebhookEndpoint.objects.get().secret_encrypted) == rotated


@pytest.mark.parametrize("event_types", [[], ["order.paid"], "order.created"])
def test_event_types_must_be_known(event_types):
    with pytest.raises(ValidationError) as refused:
        create(make_seller(), event_types=event_types)

    assert set(refused.value.fields) == {"event_types"}


def test_a_seller_has_a_limited_number_of_endpoints():
    seller = make_seller()
    webhooks = {**settings.COMPTOIR["WEBHOOKS"], "MAX_ENDPOINTS_PER_SELLER": 2}
    with override_settings(COMPTOIR={**settings.COMPTOIR, "WEBHOOKS": webhooks}):
        create(seller)
        create(seller)
        with pytest.raises(ValidationError):
            create(seller)


def test_another_sellers_endpoint_does_not_exist():
    owner, other = make_seller(), make_seller()
    endpoint, _secret = create(owner)

    with pytest.raises(NotFound):
        webhook_endpoint_update(seller=other, actor=None, endpoint_id=endpoint.pk, changes={"is_active": False})
    with pytest.raises(NotFound):
        webhook_endpoint_secret_rotate(seller=other, actor=None, endpoint_id=endpoint.pk)
    with pytest.raises(NotFound):
        webhook_endpoint_delete(seller=other, actor=None, endpoint_id=endpoint.pk)

    assert WebhookEndpoint.objects.get().is_active

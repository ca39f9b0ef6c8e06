"""Fixtures for API tests: a JSON client, a buyer with a token, two sellers with all-scope keys, a paid order."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.test import Client

from comptoir.accounts.services import api_token_create
from comptoir.checkout.services import order_checkout
from comptoir.sellers.models import ALL_SCOPES
from comptoir.sellers.services import seller_api_key_create
from comptoir.testing.builders import ADDRESS, CARD_OK, make_offer, make_seller, make_user


class Api:
    """A Django test client that speaks JSON: api.post(path, body, token=...)."""

    def __init__(self, client: Client | None = None):
        self.client = client or Client()

    def request(
        self,
        method: str,
        path: str,
        body=None,
        *,
        token: str | None = None,
        raw: str | bytes | None = None,
        headers: dict | None = None,
    ):
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        path = path if path.startswith("/") else f"/api/v1/{path}"
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        handler = getattr(self.client, method.lower())
        if data is None and method in ("GET", "DELETE"):
            return handler(path, headers=all_headers)
        if data is None:
            data = ""  # a write without a body, as an HTTP client sends it
        return handler(path, data=data, content_type="application/json", headers=all_headers)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request("POST", path, body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.request("PUT", path, body, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self.request("PATCH", path, body, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


@dataclass
class SellerCredentials:
    seller: object
    owner: object
    key: str

    def key_with(self, *scopes: str) -> str:
        _record, secret = seller_api_key_create(
            seller=self.seller, actor=self.owner, name="limited", scopes=list(scopes)
        )
        return secret


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"].endswith(body["code"])
    assert body["instance"] == response.request["PATH_INFO"]
    assert isinstance(body["errors"], dict)
    if code is not None:
        assert body["code"] == code, body
    return body


# The test client's address, and another one for tests that need a second client.
CLIENT_ADDRESS = "127.0.0.1"
OTHER_ADDRESS = "192.0.2.10"


@pytest.fixture
def api() -> Api:
    return Api()


def _credentials(name: str) -> SellerCredentials:
    seller = make_seller(name)
    owner = seller.members.get().user
    _record, secret = seller_api_key_create(seller=seller, actor=owner, name="all", scopes=list(ALL_SCOPES))
    return SellerCredentials(seller=seller, owner=owner, key=secret)


@pytest.fixture
def seller_a() -> SellerCredentials:
    return _credentials("Seller A")


@pytest.fixture
def seller_b() -> SellerCredentials:
    return _credentials("Seller B")


@pytest.fixture
def buyer():
    return make_user()


@pytest.fixture
def buyer_token(buyer) -> str:
    _record, secret = api_token_create(user=buyer, name="tests")
    return secret


@pytest.fixture
def offer_a(seller_a):
    return make_offer(seller=seller_a.seller, price_amount=1500, stock=10)


def place_order(*, buyer, offer, quantity: int = 1, key: str = "order-1"):
    result = order_checkout(
        buyer=buyer,
        shipping_address=ADDRESS,
        payment_method=CARD_OK,
        lines=[{"offer_id": offer.pk, "quantity": quantity}],
        idempotency_key=key,
    )
    assert result.order_status == "paid"
    return result.order.seller_orders.get()


@pytest.fixture
def seller_order(buyer, offer_a):
    """A paid seller order of seller A, status placed."""
    return place_order(buyer=buyer, offer=offer_a, quantity=2)

"""POST/DELETE /auth/token, and how each kind of credential is accepted or refused."""

import pytest
from django.test import Client

from comptoir.accounts.models import ApiToken
from comptoir.api.tests.conftest import Api, assert_problem
from comptoir.testing.builders import make_offer, make_user

pytestmark = pytest.mark.django_db


def test_token_create_returns_a_buyer_token_that_authenticates(api):
    # given
    make_user("ada@example.com", password="correct-horse-battery")

    # when
    response = api.post(
        "auth/token", {"email": "Ada@Example.com", "password": "correct-horse-battery", "name": "phone"}
    )

    # then
    assert response.status_code == 201
    token = response.json()["token"]
    assert token.startswith("cbt_")
    assert ApiToken.objects.get().name == "phone"
    assert token not in ApiToken.objects.values_list("token_hash", flat=True)
    assert api.get("cart", token=token).status_code == 200


def test_token_create_with_a_wrong_password_is_401(api):
    make_user("ada@example.com", password="correct-horse-battery")

    response = api.post("auth/token", {"email": "ada@example.com", "password": "wrong"})

    assert_problem(response, 401, "invalid_credentials")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not ApiToken.objects.exists()


def test_token_create_with_missing_and_mistyped_fields_lists_each_field(api):
    response = api.post("auth/token", {"email": 42})

    body = assert_problem(response, 422, "invalid_request")
    assert set(body["errors"]) == {"email", "password"}
    assert body["errors"]["password"] == "This field is required."


def test_malformed_json_is_400_problem(api):
    response = api.post("auth/token", raw="{not json")

    body = assert_problem(response, 400, "malformed_json")
    assert "body" in body["errors"]


def test_a_body_that_is_not_an_object_is_422(api):
    response = api.post("auth/token", raw="[1, 2]")

    assert_problem(response, 422, "invalid_request")


def test_revoked_token_stops_working(api, buyer_token):
    response = api.delete("auth/token", token=buyer_token)

    assert response.status_code == 204
    assert_problem(api.get("cart", token=buyer_token), 401, "invalid_token")


def test_buyer_endpoints_without_credentials_are_401(api):
    assert_problem(api.get("cart"), 401, "authentication_required")


def test_unknown_or_malformed_bearer_is_401(api):
    assert_problem(api.get("cart", token="cbt_not-a-real-token"), 401, "invalid_token")
    assert_problem(api.get("cart", headers={"Authorization": "Basic abc"}), 401, "invalid_authorization_header")


def test_seller_key_cannot_act_as_buyer(api, seller_a):
    assert_problem(api.get("cart", token=seller_a.key), 403, "buyer_credentials_required")


def test_buyer_token_cannot_reach_seller_endpoints(api, buyer_token):
    assert_problem(api.get("seller/offers", token=buyer_token), 403, "seller_credentials_required")


def test_session_works_for_buyer_endpoints_and_writes_need_the_csrf_token():
    # given a signed-in browser that enforces CSRF
    user = make_user()
    offer = make_offer()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    api = Api(browser)

    # then reads work, a write without the CSRF token is refused and changes nothing
    assert api.get("cart").status_code == 200
    assert_problem(api.put(f"cart/lines/{offer.pk}", {"quantity": 1}), 403, "csrf_failed")
    assert api.get("cart").json()["lines"] == []

    # and with the CSRF cookie echoed in the header the write goes through
    secret = "a" * 32
    browser.cookies["csrftoken"] = secret
    response = api.put(f"cart/lines/{offer.pk}", {"quantity": 1}, headers={"X-CSRFToken": secret})
    assert response.status_code == 200
    assert response.json()["lines"][0]["quantity"] == 1

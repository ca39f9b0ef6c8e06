"""Ids in paths are bounded (1..2**63-1: a 64-bit database key) so that no id gives a 500 on SQLite or PostgreSQL;
unknown sellers and products are 404 (no invented trust score); a body over DATA_UPLOAD_MAX_MEMORY_SIZE is 413."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from comptoir.api.tests.conftest import Api, assert_problem
from comptoir.api.urls import api as ninja_api

pytestmark = pytest.mark.django_db

TOO_BIG = 2**64
ABSURD_IDS = [str(TOO_BIG), str(2**63), "-1", "0"]


@pytest.mark.parametrize("seller_id", ABSURD_IDS)
def test_public_trust_of_an_impossible_seller_id_is_422_not_a_score(api, seller_id):
    body = assert_problem(api.get(f"sellers/{seller_id}/trust"), 422, "invalid_request")

    assert "seller_id" in body["errors"]


def test_public_trust_of_an_unknown_seller_is_404(api):
    assert_problem(api.get("sellers/987654/trust"), 404, "seller_not_found")


def test_a_seller_not_scored_yet_is_new(api, seller_a):
    body = api.get(f"sellers/{seller_a.seller.pk}/trust").json()

    assert body["tier"] == "new" and body["seller_id"] == seller_a.seller.pk


def test_reviews_of_an_unknown_seller_or_product_are_404(api, offer_a):
    assert_problem(api.get("sellers/987654/reviews"), 404, "seller_not_found")
    assert_problem(api.get("products/987654/reviews"), 404, "product_not_found")
    assert api.get(f"products/{offer_a.product_id}/reviews").status_code == 200


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("GET", f"sellers/{TOO_BIG}/reviews", None),
        ("GET", f"products/{TOO_BIG}/reviews", None),
        ("POST", f"reviews/{TOO_BIG}/report", {"reason": "spam"}),
        ("POST", f"seller/reviews/{TOO_BIG}/reply", {"text": "Thanks"}),
        ("POST", f"seller/enforcement/{TOO_BIG}/appeal", {"text": "Please"}),
    ],
)
def test_trust_routes_refuse_ids_beyond_64_bits(api, buyer_token, seller_a, method, path, body):
    token = seller_a.key if path.startswith("seller/") else buyer_token

    response = api.request(method, path, body, token=token)

    assert_problem(response, 422, "invalid_request")


def _operations():
    """Every (method, path) of the API whose path holds an integer parameter."""
    schema = ninja_api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            integer_parameters = [
                parameter["name"]
                for parameter in operation.get("parameters", [])
                if parameter["in"] == "path" and parameter.get("schema", {}).get("type") == "integer"
            ]
            if integer_parameters:
                yield method.upper(), path, integer_parameters


@pytest.mark.parametrize("value", [str(TOO_BIG), "-1"])
def test_no_route_taking_an_integer_id_answers_500_or_invents_a_resource(buyer_token, seller_a, value):
    # given: every route with an integer path parameter, called as anonymous, as a buyer and as a seller
    client = Api(Client(raise_request_exception=False))
    checked = 0
    for method, path, names in _operations():
        url = path.removeprefix("/api/v1/")
        for name in names:
            url = url.replace("{" + name + "}", value)
        # Other path parameters (a language code) get a valid value, so that the integer is what is refused.
        url = re.sub(r"{\w+}", "de", url)
        for token in (None, buyer_token, seller_a.key):
            # when
            response = client.request(method, url, {} if method in ("POST", "PUT", "PATCH") else None, token=token)

            # then: refused as input or as not found (or by authentication), never a server error or a success
            assert response.status_code in (401, 403, 404, 405, 422), (method, url, token, response.content)
            checked += 1
    assert checked >= 30


def test_an_api_body_over_the_upload_limit_is_413(settings):
    # given
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    client = Api(Client(raise_request_exception=False))

    # when
    response = client.post("auth/token", raw='{"email": "' + "x" * 2_000 + '"}')

    # then
    body = assert_problem(response, 413, "request_too_large")
    assert body["max_bytes"] == 1_000


def test_a_web_form_over_the_upload_limit_is_a_413_page(settings):
    # given
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    client = Client(raise_request_exception=False)

    # when
    response = client.post(reverse("account:login"), {"email": "a@example.com", "password": "x" * 2_000})

    # then
    assert response.status_code == 413
    assert "Too much data sent" in response.content.decode()


def test_the_413_page_speaks_french(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    client = Client(raise_request_exception=False, headers={"Accept-Language": "fr"})

    response = client.post(reverse("account:login"), {"email": "a@example.com", "password": "x" * 2_000})

    assert response.status_code == 413
    assert "Trop de données envoyées" in response.content.decode()

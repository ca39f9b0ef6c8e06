"""POST /sellers, GET /seller, API keys (create, list, revoke), seller resolution for sessions."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comptoir.api.tests.conftest import Api, assert_problem
from comptoir.sellers.models import MemberRole, Seller, SellerApiKey, SellerMember
from comptoir.testing.builders import COUNTRY_IDENTIFIERS, make_user

pytestmark = pytest.mark.django_db

VAT_ID, IBAN = COUNTRY_IDENTIFIERS["FR"]
ONBOARDING = {
    "name": "Atelier Lune",
    "legal_name": "Atelier Lune SAS",
    "street": "3 rue Oberkampf",
    "postal_code": "75011",
    "city": "Paris",
    "country": "FR",
    "phone": "+33 1 40 00 00 00",
    "email": "hello@lune.example",
    "trade_register": "RCS Paris",
    "trade_register_number": "552 100 554",
    "vat_id": VAT_ID,
    "iban": IBAN,
    "self_certified": True,
}


def session_api(user) -> Api:
    browser = Client()
    browser.force_login(user)
    return Api(browser)


def test_onboarding_creates_a_pending_seller_owned_by_the_caller(api, buyer, buyer_token):
    response = api.post("sellers", ONBOARDING, token=buyer_token)

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending"
    assert body["iban_masked"].endswith(IBAN[-4:]) and IBAN not in response.content.decode()
    assert SellerMember.objects.get(seller_id=body["id"]).user == buyer


@pytest.mark.parametrize(
    "field, value",
    [
        ("vat_id", "FR00000000000"),
        ("iban", "FR1420041010050500013M02607"),
        ("country", "XX"),
        ("self_certified", False),
        ("email", "nope"),
    ],
)
def test_onboarding_with_invalid_trader_information_is_422_and_writes_nothing(api, buyer_token, field, value):
    body = assert_problem(api.post("sellers", {**ONBOARDING, field: value}, token=buyer_token), 422)

    assert field in body["errors"]
    assert not Seller.objects.exists()


def test_onboarding_with_wrong_types_is_422(api, buyer_token):
    body = assert_problem(
        api.post("sellers", {**ONBOARDING, "self_certified": "yes", "iban": 12}, token=buyer_token),
        422,
        "invalid_request",
    )

    assert {"self_certified", "iban"} <= set(body["errors"])


def test_seller_profile_with_a_key(api, seller_a):
    body = api.get("seller", token=seller_a.key).json()

    assert body["id"] == seller_a.seller.pk
    assert "iban" not in body


def test_seller_profile_with_a_members_session(seller_a):
    assert session_api(seller_a.owner).get("seller").json()["id"] == seller_a.seller.pk


def test_a_member_of_several_sellers_must_choose_with_the_header(seller_a, seller_b):
    SellerMember.objects.create(seller=seller_b.seller, user=seller_a.owner, role=MemberRole.STAFF)
    api = session_api(seller_a.owner)

    body = assert_problem(api.get("seller"), 422, "seller_ambiguous")
    assert "X-Comptoir-Seller" in body["errors"]
    assert api.get("seller", headers={"X-Comptoir-Seller": str(seller_b.seller.pk)}).json()["id"] == seller_b.seller.pk


def test_the_header_cannot_reach_a_seller_the_user_is_not_a_member_of(seller_a, seller_b):
    api = session_api(seller_a.owner)

    assert_problem(
        api.get("seller/offers", headers={"X-Comptoir-Seller": str(seller_b.seller.pk)}), 403, "not_a_seller_member"
    )
    assert_problem(api.get("seller/offers", headers={"X-Comptoir-Seller": "abc"}), 422, "invalid_seller_header")


def test_a_user_without_seller_is_refused(buyer):
    assert_problem(session_api(buyer).get("seller"), 403, "not_a_seller_member")


def test_owner_creates_a_scoped_key_that_works_once_shown(api, seller_a):
    owner = session_api(seller_a.owner)

    response = owner.post("seller/api-keys", {"name": "ERP", "scopes": ["offers:read"]})

    assert response.status_code == 201
    secret = response.json()["key"]
    assert secret.startswith("csk_")
    assert SellerApiKey.objects.get(pk=response.json()["id"]).key_hash != secret
    assert api.get("seller/offers", token=secret).status_code == 200
    assert_problem(api.get("seller/orders", token=secret), 403, "insufficient_scope")
    listed = owner.get("seller/api-keys").json()
    assert "key" not in listed[0] and {row["name"] for row in listed} == {"ERP", "all"}


def test_api_key_with_unknown_scope_is_422(seller_a):
    body = assert_problem(session_api(seller_a.owner).post("seller/api-keys", {"name": "x", "scopes": ["root"]}), 422)
    assert "scopes[0]" in body["errors"]  # the unknown scope, named by its position


def test_keys_cannot_manage_keys_and_staff_cannot_either(api, seller_a):
    staff = make_user()
    SellerMember.objects.create(seller=seller_a.seller, user=staff, role=MemberRole.STAFF)

    assert_problem(api.post("seller/api-keys", {"scopes": ["offers:read"]}, token=seller_a.key), 401)
    assert_problem(
        session_api(staff).post("seller/api-keys", {"scopes": ["offers:read"]}), 403, "seller_owner_required"
    )
    assert SellerApiKey.objects.filter(seller=seller_a.seller).count() == 1


def test_revoked_key_stops_working(api, seller_a):
    key_id = SellerApiKey.objects.get(seller=seller_a.seller).pk

    response = session_api(seller_a.owner).delete(f"seller/api-keys/{key_id}")

    assert response.status_code == 200 and response.json()["revoked_at"]
    assert_problem(api.get("seller", token=seller_a.key), 401, "invalid_token")


def test_another_sellers_owner_cannot_see_or_revoke_my_keys(api, seller_a, seller_b):
    key_id = SellerApiKey.objects.get(seller=seller_a.seller).pk
    intruder = session_api(seller_b.owner)

    assert_problem(intruder.delete(f"seller/api-keys/{key_id}"), 404)
    assert key_id not in {row["id"] for row in intruder.get("seller/api-keys").json()}
    assert api.get("seller", token=seller_a.key).status_code == 200


def test_key_authentication_is_one_query_and_last_used_is_written_at_most_once_a_minute(api, seller_a):
    with CaptureQueriesContext(connection) as first:
        api.get("seller", token=seller_a.key)
    with CaptureQueriesContext(connection) as second:
        api.get("seller", token=seller_a.key)

    key = SellerApiKey.objects.get(seller=seller_a.seller)
    assert key.last_used_at is not None
    assert len(first.captured_queries) == 2  # lookup + last_used_at
    assert len(second.captured_queries) == 1  # lookup only
    SellerApiKey.objects.filter(pk=key.pk).update(last_used_at=key.last_used_at - dt.timedelta(minutes=2))
    with CaptureQueriesContext(connection) as later:
        api.get("seller", token=seller_a.key)
    assert len(later.captured_queries) == 2


def test_buyer_token_authentication_is_one_query(api, buyer_token):
    with CaptureQueriesContext(connection) as queries:
        api.get("orders?page_size=1", token=buyer_token)

    assert len(queries.captured_queries) == 2  # token+user, then the COUNT of an empty order list


def test_a_members_session_write_needs_the_csrf_token(seller_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(seller_a.owner)
    api = Api(browser)

    assert_problem(api.post("seller/api-keys", {"scopes": ["offers:read"]}), 403, "csrf_failed")
    browser.cookies["csrftoken"] = "b" * 32
    assert (
        api.post("seller/api-keys", {"scopes": ["offers:read"]}, headers={"X-CSRFToken": "b" * 32}).status_code == 201
    )
    assert SellerApiKey.objects.filter(seller=seller_a.seller).count() == 2

"""The seller center's second-factor rule holds on /api/v1/seller/* for browser sessions: a member with an
authenticator must have entered a code in this session, and a seller that requires 2FA refuses a session
of a member without one. Seller API keys are outside the rule."""

import pytest
from django.test import Client

from comptoir.api.tests.conftest import Api, assert_problem, place_order
from comptoir.sellers.models import MemberRole
from comptoir.sellers.services import seller_member_add, seller_two_factor_requirement_set
from comptoir.testing.auth import force_login_verified, make_totp_device
from comptoir.testing.builders import make_user

pytestmark = pytest.mark.django_db

SELLER_READS = ["seller", "seller/orders", "seller/statement", "seller/balance", "seller/offers"]


def _session(user, *, verified: bool = False) -> Api:
    browser = Client()
    if verified:
        force_login_verified(browser, user)
    else:
        browser.force_login(user)
    return Api(browser)


@pytest.fixture
def staff_without_authenticator(seller_a):
    staff = make_user("staff@example.com")
    seller_member_add(seller=seller_a.seller, actor=seller_a.owner, user=staff, role=MemberRole.STAFF)
    return staff


@pytest.fixture
def seller_requiring_two_factor(seller_a):
    make_totp_device(seller_a.owner)
    seller_two_factor_requirement_set(seller=seller_a.seller, actor=seller_a.owner, required=True)
    return seller_a


@pytest.mark.parametrize("path", SELLER_READS)
def test_a_member_without_authenticator_cannot_read_a_seller_that_requires_two_factor(
    seller_requiring_two_factor, staff_without_authenticator, path
):
    # when
    response = _session(staff_without_authenticator).get(path)

    # then
    body = assert_problem(response, 403, "two_factor_enrolment_required")
    assert "two-factor" in body["detail"]


def test_a_member_without_authenticator_cannot_patch_an_offer_or_read_buyer_addresses(
    seller_requiring_two_factor, staff_without_authenticator, offer_a, buyer
):
    # given: an order with the buyer's address, and a session with its CSRF token
    seller_order = place_order(buyer=buyer, offer=offer_a)
    offer_a.refresh_from_db()
    stock_before = offer_a.stock
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff_without_authenticator)
    browser.cookies["csrftoken"] = "b" * 32
    api = Api(browser)
    csrf = {"X-CSRFToken": "b" * 32}

    # when
    order = api.get(f"seller/orders/{seller_order.number}")
    patch = api.patch(f"seller/offers/{offer_a.pk}", {"stock": 0}, headers=csrf)

    # then
    assert_problem(order, 403, "two_factor_enrolment_required")
    assert_problem(patch, 403, "two_factor_enrolment_required")
    offer_a.refresh_from_db()
    assert offer_a.stock == stock_before


def test_a_member_with_an_authenticator_must_have_verified_it_in_this_session(seller_a):
    # given: the owner set up an authenticator but this session never entered a code
    make_totp_device(seller_a.owner)

    # when
    unverified = _session(seller_a.owner).get("seller/balance")
    verified = _session(seller_a.owner, verified=True).get("seller/balance")

    # then: the same rule as the seller center, even though the seller does not require 2FA
    assert_problem(unverified, 403, "two_factor_verification_required")
    assert verified.status_code == 200


def test_a_verified_member_of_a_seller_that_requires_two_factor_is_let_in(seller_requiring_two_factor):
    response = _session(seller_requiring_two_factor.owner, verified=True).get("seller/orders")

    assert response.status_code == 200


def test_a_seller_without_the_requirement_lets_a_member_without_authenticator_in(seller_a, staff_without_authenticator):
    assert _session(staff_without_authenticator).get("seller/balance").status_code == 200


def test_api_keys_are_not_subject_to_the_session_rule(seller_requiring_two_factor, api):
    # A key is a machine credential bound to its seller and scopes; only a verified owner session creates one.
    response = api.get("seller/balance", token=seller_requiring_two_factor.key)

    assert response.status_code == 200


def test_an_owner_session_without_verification_cannot_create_an_api_key(seller_a):
    # given
    make_totp_device(seller_a.owner)

    # when
    response = _session(seller_a.owner).post("seller/api-keys", {"name": "x", "scopes": ["offers:read"]})

    # then
    assert_problem(response, 403, "two_factor_verification_required")

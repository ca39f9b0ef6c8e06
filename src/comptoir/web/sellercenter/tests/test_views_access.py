"""Who enters the seller center: login, membership, the current shop, roles, two-factor, and isolation
between sellers (another seller's ids are 404 on every URL that takes an id)."""

import pytest
from django.urls import reverse

from comptoir.sellers.models import MemberRole
from comptoir.sellers.services import seller_api_key_create, seller_member_add, seller_two_factor_requirement_set
from comptoir.testing.auth import force_login_verified, make_totp_device
from comptoir.testing.builders import make_user
from comptoir.web.sellercenter.access import SESSION_SELLER_KEY
from comptoir.web.sellercenter.tests.support import offer_of, order_of, shop

pytestmark = pytest.mark.django_db

EVERY_PAGE = [
    "/seller/",
    "/seller/offers/",
    "/seller/offers/new",
    "/seller/offers/new/product",
    "/seller/offers/stock",
    "/seller/offers/shipping-profiles/new",
    "/seller/orders/",
    "/seller/money/",
    "/seller/money/statement.csv",
    "/seller/money/payouts",
    "/seller/team/",
    "/seller/team/api-keys/",
]


@pytest.mark.parametrize("path", EVERY_PAGE)
def test_every_page_renders_for_the_owner(owner_client, seller_setup, path):
    order_of(seller_setup["offer"])
    response = owner_client.get(path)
    assert response.status_code == 200


@pytest.mark.parametrize("path", EVERY_PAGE)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account:login"))


def test_a_user_without_a_shop_is_sent_to_onboarding(client):
    client.force_login(make_user())
    response = client.get("/seller/orders/")
    assert response.status_code == 302
    assert response["Location"] == reverse("sellercenter:onboarding")


@pytest.fixture
def other(db):
    """Another seller with an offer, an order and an API key: none of it may be reached by the first."""
    seller, owner, profile = shop("Concurrent SARL")
    offer = offer_of(seller, profile, sku="OTHER-1", price_amount=990, stock=5)
    seller_order = order_of(offer)
    key, _secret = seller_api_key_create(seller=seller, actor=owner, name="theirs", scopes=["orders:read"])
    return {"seller": seller, "owner": owner, "offer": offer, "order": seller_order, "key": key}


def _other_seller_urls(other):
    number = other["order"].number
    return [
        ("post", f"/seller/offers/{other['offer'].pk}/inline", {"price": "1.00", "stock": "1"}),
        ("post", f"/seller/offers/{other['offer'].pk}/toggle", {}),
        ("get", f"/seller/orders/{number}/", {}),
        *[
            (
                "post",
                f"/seller/orders/{number}/{action}",
                {"carrier": "dhl", "tracking_number": "JD0123456789", "reason": "x", "restock": "on"},
            )
            for action in ("accept", "ship", "deliver", "cancel", "receive-return", "refund")
        ],
        ("post", f"/seller/team/api-keys/{other['key'].pk}/revoke", {}),
        ("post", "/seller/switch", {"seller_id": other["seller"].pk}),
    ]


def test_another_sellers_ids_are_not_found_on_every_url(owner_client, seller_setup, other):
    for method, url, data in _other_seller_urls(other):
        response = getattr(owner_client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
    # and nothing of theirs changed
    other["offer"].refresh_from_db()
    other["order"].refresh_from_db()
    other["key"].refresh_from_db()
    assert (other["offer"].price_amount, other["offer"].is_active, other["order"].status, other["key"].revoked_at) == (
        990,
        True,
        "placed",
        None,
    )


def test_lists_show_only_the_current_sellers_data(owner_client, seller_setup, other):
    mine = order_of(seller_setup["offer"])
    offers = owner_client.get("/seller/offers/").content.decode()
    orders = owner_client.get("/seller/orders/").content.decode()
    dashboard = owner_client.get("/seller/").content.decode()
    statement = owner_client.get("/seller/money/?period=all").content.decode()
    assert "MUG-001" in offers and "OTHER-1" not in offers
    assert mine.number in orders and other["order"].number not in orders
    assert mine.number in dashboard and other["order"].number not in dashboard
    assert mine.number in statement and other["order"].number not in statement
    assert "theirs" not in owner_client.get("/seller/team/api-keys/").content.decode()


def test_the_switcher_changes_the_current_shop_among_the_users_memberships(owner_client, seller_setup, other):
    # Given the owner is also staff of the other shop
    seller_member_add(seller=other["seller"], actor=other["owner"], user=seller_setup["owner"], role=MemberRole.STAFF)
    assert "Concurrent SARL" in owner_client.get("/seller/").content.decode()  # offered in the switcher
    # When they switch to it
    response = owner_client.post("/seller/switch", {"seller_id": other["seller"].pk})
    # Then the seller center shows that shop's orders, and remembers the choice
    assert response.status_code == 302
    assert owner_client.session[SESSION_SELLER_KEY] == other["seller"].pk
    orders = owner_client.get("/seller/orders/").content.decode()
    assert other["order"].number in orders
    assert owner_client.get(f"/seller/offers/{seller_setup['offer'].pk}/toggle").status_code == 405
    assert owner_client.post(f"/seller/offers/{seller_setup['offer'].pk}/toggle").status_code == 404


@pytest.fixture
def staff_client(client, seller_setup):
    staff = make_user("staff@example.com")
    seller_member_add(seller=seller_setup["seller"], actor=seller_setup["owner"], user=staff)
    client.force_login(staff)
    return client


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/seller/team/api-keys/"),
        ("post", "/seller/team/api-keys/"),
        ("get", "/seller/team/api-keys/created"),
        ("post", "/seller/security/two-factor/policy"),
        ("post", "/seller/team/"),
        ("post", "/seller/money/settlement-currency"),
    ],
)
def test_staff_cannot_use_owner_pages(staff_client, seller_setup, method, path):
    response = getattr(staff_client, method)(
        path, {"email": "x@example.com", "name": "k", "scopes": ["orders:read"], "require_two_factor": "on"}
    )
    assert response.status_code == 403


def test_staff_cannot_revoke_a_key(staff_client, seller_setup):
    key, _secret = seller_api_key_create(
        seller=seller_setup["seller"], actor=seller_setup["owner"], name="erp", scopes=["orders:read"]
    )
    assert staff_client.post(f"/seller/team/api-keys/{key.pk}/revoke").status_code == 403
    key.refresh_from_db()
    assert key.revoked_at is None


@pytest.mark.parametrize("path", ["/seller/", "/seller/offers/", "/seller/orders/", "/seller/money/", "/seller/team/"])
def test_staff_handle_offers_and_orders(staff_client, path):
    assert staff_client.get(path).status_code == 200


@pytest.mark.parametrize("path", [*EVERY_PAGE, "/seller/security/two-factor"])
def test_a_member_with_a_device_must_have_verified_it_in_this_session(client, seller_setup, path):
    # Given the owner has a confirmed device but this session never gave a code
    make_totp_device(seller_setup["owner"])
    client.force_login(seller_setup["owner"])
    # When they open a seller-center page, then they are asked for the code first
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("sellercenter:two_factor_verify"))


def test_a_verified_session_enters(client, seller_setup):
    force_login_verified(client, seller_setup["owner"])
    assert client.get("/seller/orders/").status_code == 200


def test_when_the_shop_requires_two_factor_members_without_a_device_must_enrol_first(
    client, seller_setup, staff_client
):
    # Given the owner (verified) requires 2FA, and a staff member has no device
    make_totp_device(seller_setup["owner"])
    seller_two_factor_requirement_set(seller=seller_setup["seller"], actor=seller_setup["owner"], required=True)
    # When the staff member opens any seller-center page
    response = staff_client.get("/seller/orders/")
    # Then they are sent to enrolment, which itself is reachable
    assert response.status_code == 302
    assert response["Location"] == reverse("sellercenter:two_factor")
    enrolment = staff_client.get(reverse("sellercenter:two_factor"))
    assert enrolment.status_code == 200
    assert b"<svg" in enrolment.content

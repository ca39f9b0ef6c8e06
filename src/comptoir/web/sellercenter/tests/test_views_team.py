import pytest

from comptoir.sellers.models import SellerApiKey, SellerMember
from comptoir.sellers.selectors import seller_api_key_authenticate
from comptoir.testing.builders import make_user

pytestmark = pytest.mark.django_db


def test_the_owner_adds_an_existing_user_as_staff(owner_client, seller_setup):
    colleague = make_user("paul@example.com")
    response = owner_client.post("/seller/team/", {"email": "Paul@Example.com"}, follow=True)
    assert "paul@example.com joined the team as staff." in response.content.decode()
    assert SellerMember.objects.get(seller=seller_setup["seller"], user=colleague).role == "staff"


@pytest.mark.parametrize(
    "email, message",
    [
        ("nobody@example.com", "No account uses this email address; ask the person to register first."),
        ("not-an-email", "Enter a valid email address."),
    ],
)
def test_adding_a_member_explains_what_is_wrong(owner_client, seller_setup, email, message):
    response = owner_client.post("/seller/team/", {"email": email})
    assert response.status_code == 422
    assert response.context["form"].errors["email"] == [message]


def test_adding_someone_twice_is_explained(owner_client, seller_setup):
    response = owner_client.post("/seller/team/", {"email": seller_setup["owner"].email})
    assert response.context["form"].errors["email"] == ["Already a member of this seller."]


def test_an_api_key_secret_is_shown_once_then_the_key_can_be_revoked(owner_client, seller_setup):
    # When the owner creates a key with two scopes
    response = owner_client.post(
        "/seller/team/api-keys/", {"name": "ERP sync", "scopes": ["orders:read", "orders:write"]}
    )
    assert response["Location"] == "/seller/team/api-keys/created"
    shown = owner_client.get("/seller/team/api-keys/created")
    secret = shown.context["secret"]
    # Then the secret works, is on that page only, and the list shows the key without it
    key = seller_api_key_authenticate(secret)
    assert (
        key is not None and key.seller_id == seller_setup["seller"].pk and key.scopes == ["orders:read", "orders:write"]
    )
    assert secret in shown.content.decode()
    assert owner_client.get("/seller/team/api-keys/created")["Location"] == "/seller/team/api-keys/"
    listing = owner_client.get("/seller/team/api-keys/").content.decode()
    assert "ERP sync" in listing and secret not in listing
    # When it is revoked, then it no longer authenticates
    owner_client.post(f"/seller/team/api-keys/{key.pk}/revoke")
    assert seller_api_key_authenticate(secret) is None


def test_an_api_key_needs_a_name_and_a_scope(owner_client, seller_setup):
    response = owner_client.post("/seller/team/api-keys/", {"name": ""})
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"name", "scopes"}
    assert not SellerApiKey.objects.exists()

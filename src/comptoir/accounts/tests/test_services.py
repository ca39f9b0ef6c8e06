"""Accounts: registration, password hashing, buyer API tokens, roles."""

import pytest
from django.contrib.auth.hashers import identify_hasher

import config.settings as production_settings
from comptoir.accounts.models import ApiToken, User
from comptoir.accounts.selectors import user_for_api_token
from comptoir.accounts.services import api_token_create, api_token_revoke, user_create
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.core.models import AuditLog
from comptoir.testing.builders import make_operator, make_seller, make_user

pytestmark = pytest.mark.django_db

STRONG_PASSWORD = "violet-harbour-lantern-42"


def test_production_settings_hash_passwords_with_argon2(settings):
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS

    user = user_create(email="ada@example.com", password=STRONG_PASSWORD)

    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password(STRONG_PASSWORD)
    assert not user.check_password(STRONG_PASSWORD + "x")


def test_password_is_never_stored_in_clear():
    user = user_create(email="bob@example.com", password=STRONG_PASSWORD)

    assert STRONG_PASSWORD not in User.objects.values_list("password", flat=True).get(pk=user.pk)


def test_registration_normalises_the_email_and_audits():
    user = user_create(email="  Ada.Lovelace@Example.COM ", password=STRONG_PASSWORD, full_name="Ada")

    assert user.email == "ada.lovelace@example.com"
    assert AuditLog.objects.filter(action="user.registered", target_id=str(user.pk), actor=user).exists()


def test_an_email_can_register_only_once_whatever_its_case():
    user_create(email="ada@example.com", password=STRONG_PASSWORD)

    with pytest.raises(ValidationError) as raised:
        user_create(email="ADA@example.com", password=STRONG_PASSWORD)

    assert raised.value.code == "email_taken"
    assert User.objects.count() == 1


@pytest.mark.parametrize("email", ["", "not-an-email", "a@", "@example.com"])
def test_malformed_email_is_a_field_error(email):
    with pytest.raises(ValidationError) as raised:
        user_create(email=email, password=STRONG_PASSWORD)

    assert set(raised.value.fields) == {"email"}


@pytest.mark.parametrize("password", ["short", "1234567890123", "password123", "ada@example.com"])
def test_weak_password_is_a_field_error(password):
    with pytest.raises(ValidationError) as raised:
        user_create(email="ada@example.com", password=password)

    assert raised.value.code == "weak_password"
    assert "password" in raised.value.fields
    assert not User.objects.exists()


def test_roles_buyer_seller_member_and_operator():
    buyer = make_user()
    seller = make_seller()
    operator = make_operator()

    owner_membership = seller.members.get()
    assert not buyer.is_operator and not buyer.seller_memberships.exists()
    assert owner_membership.role == "owner"
    assert operator.is_operator and operator.is_staff


def test_api_token_is_stored_hashed_and_authenticates():
    user = make_user()

    token, secret = api_token_create(user=user, name="phone")

    assert secret.startswith("cbt_")
    assert secret not in ApiToken.objects.values_list("token_hash", flat=True).get(pk=token.pk)
    assert token.prefix == secret[:10]
    assert user_for_api_token(secret) == user
    assert user_for_api_token(secret + "x") is None


def test_revoked_token_no_longer_authenticates():
    user = make_user()
    token, secret = api_token_create(user=user, name="phone")

    api_token_revoke(user=user, token_id=token.pk)

    assert user_for_api_token(secret) is None
    assert AuditLog.objects.filter(action="api_token.revoked", target_id=str(token.pk)).count() == 1


def test_token_of_an_inactive_user_does_not_authenticate():
    user = make_user()
    _, secret = api_token_create(user=user, name="phone")
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert user_for_api_token(secret) is None


def test_a_user_cannot_revoke_someone_elses_token():
    owner, other = make_user(), make_user()
    token, secret = api_token_create(user=owner, name="phone")

    with pytest.raises(NotFound):
        api_token_revoke(user=other, token_id=token.pk)

    assert user_for_api_token(secret) == owner

"""Seller members (owner, staff) and scoped integration keys."""

import pytest

from comptoir.core.exceptions import NotFound, PermissionDenied, ValidationError
from comptoir.core.models import AuditLog
from comptoir.sellers.models import ALL_SCOPES, MemberRole, SellerApiKey, SellerMember
from comptoir.sellers.selectors import seller_api_key_authenticate, seller_memberships_for_user
from comptoir.sellers.services import seller_api_key_create, seller_api_key_revoke, seller_member_add
from comptoir.testing.builders import make_seller, make_user

pytestmark = pytest.mark.django_db


def _owner(seller):
    return seller.members.get(role=MemberRole.OWNER).user


def test_owner_adds_a_staff_member_and_it_is_audited():
    seller = make_seller()
    owner, newcomer = _owner(seller), make_user()

    member = seller_member_add(seller=seller, actor=owner, user=newcomer)

    assert member.role == MemberRole.STAFF
    assert [m.seller for m in seller_memberships_for_user(newcomer)] == [seller]
    row = AuditLog.objects.get(action="seller.member_added")
    assert (row.actor, row.seller_id, row.data) == (owner, seller.pk, {"user": newcomer.pk, "role": "staff"})


def test_staff_cannot_add_members():
    seller = make_seller()
    staff = make_user()
    seller_member_add(seller=seller, actor=_owner(seller), user=staff)

    with pytest.raises(PermissionDenied):
        seller_member_add(seller=seller, actor=staff, user=make_user())

    assert seller.members.count() == 2


def test_owner_of_another_seller_cannot_add_members():
    seller, other = make_seller(), make_seller()

    with pytest.raises(PermissionDenied):
        seller_member_add(seller=seller, actor=_owner(other), user=make_user())


def test_unknown_role_and_duplicate_member_are_field_errors():
    seller = make_seller()
    owner, staff = _owner(seller), make_user()
    seller_member_add(seller=seller, actor=owner, user=staff)

    with pytest.raises(ValidationError) as bad_role:
        seller_member_add(seller=seller, actor=owner, user=make_user(), role="admin")
    with pytest.raises(ValidationError) as duplicate:
        seller_member_add(seller=seller, actor=owner, user=staff, role=MemberRole.OWNER)

    assert set(bad_role.value.fields) == {"role"}
    assert duplicate.value.code == "already_member"
    assert SellerMember.objects.get(seller=seller, user=staff).role == MemberRole.STAFF


def test_api_key_stores_only_a_hash_and_authenticates():
    seller = make_seller()

    key, secret = seller_api_key_create(
        seller=seller, actor=_owner(seller), name="ERP", scopes=["offers:write", "offers:read", "offers:read"]
    )

    assert secret.startswith("csk_")
    stored = SellerApiKey.objects.values("key_hash", "prefix", "name", "scopes").get(pk=key.pk)
    assert secret not in str(stored)
    assert stored["prefix"] == secret[:10]
    assert stored["scopes"] == ["offers:read", "offers:write"]
    authenticated = seller_api_key_authenticate(secret)
    assert authenticated.pk == key.pk and authenticated.seller == seller
    assert seller_api_key_authenticate(secret[:-1]) is None
    assert AuditLog.objects.filter(action="seller.api_key_created", actor=_owner(seller)).count() == 1


@pytest.mark.parametrize("scopes", [[], ["offers:delete"], ["offers:read", "admin"], "offers:read", None])
def test_invalid_scopes_are_refused(scopes):
    seller = make_seller()

    with pytest.raises(ValidationError) as raised:
        seller_api_key_create(seller=seller, actor=_owner(seller), name="ERP", scopes=scopes)

    assert set(raised.value.fields) == {"scopes"}
    assert not SellerApiKey.objects.exists()


def test_every_documented_scope_is_accepted():
    seller = make_seller()

    key, _ = seller_api_key_create(seller=seller, actor=_owner(seller), name="all", scopes=list(ALL_SCOPES))

    assert key.scopes == sorted(
        ["offers:read", "offers:write", "orders:read", "orders:write", "finance:read", "webhooks:manage"]
    )


def test_revoked_key_no_longer_authenticates_and_revoking_twice_is_harmless():
    seller = make_seller()
    owner = _owner(seller)
    key, secret = seller_api_key_create(seller=seller, actor=owner, name="ERP", scopes=["orders:read"])

    seller_api_key_revoke(seller=seller, actor=owner, key_id=key.pk)
    again = seller_api_key_revoke(seller=seller, actor=owner, key_id=key.pk)

    assert seller_api_key_authenticate(secret) is None
    assert again.revoked_at is not None and not again.is_active
    assert AuditLog.objects.filter(action="seller.api_key_revoked").count() == 1


def test_a_seller_cannot_revoke_another_sellers_key():
    seller, other = make_seller(), make_seller()
    key, secret = seller_api_key_create(seller=seller, actor=_owner(seller), name="ERP", scopes=["orders:read"])

    with pytest.raises(NotFound):
        seller_api_key_revoke(seller=other, actor=_owner(other), key_id=key.pk)

    assert seller_api_key_authenticate(secret).pk == key.pk

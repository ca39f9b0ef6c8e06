import pytest

from comptoir.core.exceptions import PermissionDenied, ValidationError
from comptoir.core.models import AuditLog
from comptoir.sellers.models import SellerMember
from comptoir.sellers.services import seller_member_add, seller_member_add_by_email, seller_two_factor_requirement_set
from comptoir.testing.builders import make_seller, make_user

pytestmark = pytest.mark.django_db


def test_an_owner_adds_an_existing_user_by_email_as_staff():
    owner = make_user()
    seller = make_seller(owner=owner)
    colleague = make_user("Colleague@Example.com")
    member = seller_member_add_by_email(seller=seller, actor=owner, email="  colleague@example.COM ")
    assert (member.user_id, member.role) == (colleague.pk, "staff")


def test_an_unknown_or_inactive_email_is_a_field_error():
    owner = make_user()
    seller = make_seller(owner=owner)
    make_user("gone@example.com", is_active=False)
    for email in ("nobody@example.com", "gone@example.com", ""):
        with pytest.raises(ValidationError) as error:
            seller_member_add_by_email(seller=seller, actor=owner, email=email)
        assert set(error.value.fields) == {"email"}
    assert SellerMember.objects.filter(seller=seller).count() == 1


def test_staff_cannot_add_members_by_email():
    owner, staff = make_user(), make_user()
    seller = make_seller(owner=owner)
    seller_member_add(seller=seller, actor=owner, user=staff)
    make_user("third@example.com")
    with pytest.raises(PermissionDenied):
        seller_member_add_by_email(seller=seller, actor=staff, email="third@example.com")


def test_only_an_owner_sets_the_two_factor_requirement_and_it_is_audited_once():
    owner, staff = make_user(), make_user()
    seller = make_seller(owner=owner)
    seller_member_add(seller=seller, actor=owner, user=staff)
    with pytest.raises(PermissionDenied):
        seller_two_factor_requirement_set(seller=seller, actor=staff, required=True)
    seller_two_factor_requirement_set(seller=seller, actor=owner, required=True)
    seller_two_factor_requirement_set(seller=seller, actor=owner, required=True)
    seller.refresh_from_db()
    assert seller.require_two_factor is True
    assert AuditLog.objects.filter(action="seller.two_factor_required", seller_id=seller.pk).count() == 1
    with pytest.raises(ValidationError):
        seller_two_factor_requirement_set(seller=seller, actor=owner, required="yes")


def test_only_an_owner_sets_the_settlement_currency_once_audited():
    from comptoir.sellers.services import seller_settlement_currency_set

    owner, staff = make_user(), make_user()
    seller = make_seller(owner=owner)
    seller_member_add(seller=seller, actor=owner, user=staff)
    with pytest.raises(PermissionDenied):
        seller_settlement_currency_set(seller=seller, actor=staff, currency="PLN")
    seller_settlement_currency_set(seller=seller, actor=owner, currency="pln")
    seller_settlement_currency_set(seller=seller, actor=owner, currency="PLN")
    seller.refresh_from_db()
    assert seller.settlement_currency == "PLN"
    audit = AuditLog.objects.filter(action="seller.settlement_currency_set", seller_id=seller.pk)
    assert [row.data for row in audit] == [{"from": "", "to": "PLN"}]
    with pytest.raises(ValidationError) as raised:
        seller_settlement_currency_set(seller=seller, actor=owner, currency="ZZZ")
    assert raised.value.code == "unknown_currency"
    seller_settlement_currency_set(seller=seller, actor=owner, currency="")
    seller.refresh_from_db()
    assert seller.settlement_currency == ""

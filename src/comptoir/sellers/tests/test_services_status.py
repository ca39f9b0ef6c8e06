"""Seller status: pending → verified → suspended, operator decisions audited with the actor."""

import pytest

from comptoir.core.exceptions import InvalidTransition, NotFound, ValidationError
from comptoir.core.models import AuditLog
from comptoir.offers.selectors import offer_visible_qs
from comptoir.sellers.models import Seller, SellerStatus
from comptoir.sellers.selectors import seller_list_verified
from comptoir.sellers.services import seller_reinstate, seller_reject, seller_suspend, seller_verify
from comptoir.testing.builders import make_offer, make_operator, make_seller

pytestmark = pytest.mark.django_db


def _audit(seller, action):
    return AuditLog.objects.get(action=action, target_type="sellers.seller", target_id=str(seller.pk))


def test_operator_verifies_a_pending_seller_and_the_change_is_audited():
    seller, operator = make_seller(verified=False), make_operator()

    verified = seller_verify(seller_id=seller.pk, actor=operator)

    assert verified.status == SellerStatus.VERIFIED
    assert Seller.objects.get(pk=seller.pk).verified_at is not None
    row = _audit(seller, "seller.verified")
    assert row.actor == operator
    assert row.data == {"from": "pending", "to": "verified"}
    assert row.seller_id == seller.pk


def test_suspension_requires_a_reason_and_records_it():
    seller, operator = make_seller(), make_operator()

    suspended = seller_suspend(seller_id=seller.pk, actor=operator, reason="  Counterfeit reports  ")

    assert suspended.status == SellerStatus.SUSPENDED
    assert suspended.status_reason == "Counterfeit reports"
    row = _audit(seller, "seller.suspended")
    assert (row.actor, row.reason, row.data) == (
        operator,
        "Counterfeit reports",
        {"from": "verified", "to": "suspended"},
    )


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_suspend_and_reject_without_a_reason_are_refused(reason):
    verified, pending, operator = make_seller(), make_seller(verified=False), make_operator()

    with pytest.raises(ValidationError) as suspend_error:
        seller_suspend(seller_id=verified.pk, actor=operator, reason=reason)
    with pytest.raises(ValidationError) as reject_error:
        seller_reject(seller_id=pending.pk, actor=operator, reason=reason)

    assert suspend_error.value.fields.keys() == reject_error.value.fields.keys() == {"reason"}
    assert Seller.objects.get(pk=verified.pk).status == SellerStatus.VERIFIED
    assert Seller.objects.get(pk=pending.pk).status == SellerStatus.PENDING


def test_suspended_seller_is_reinstated_with_a_reason():
    seller, operator = make_seller(), make_operator()
    seller_suspend(seller_id=seller.pk, actor=operator, reason="Late shipments")
    first_verified_at = Seller.objects.get(pk=seller.pk).verified_at

    reinstated = seller_reinstate(seller_id=seller.pk, actor=operator, reason="Improved")

    assert reinstated.status == SellerStatus.VERIFIED
    assert reinstated.verified_at == first_verified_at
    assert _audit(seller, "seller.reinstated").actor == operator


def test_rejected_seller_is_audited():
    seller, operator = make_seller(verified=False), make_operator()

    rejected = seller_reject(seller_id=seller.pk, actor=operator, reason="Fake register number")

    assert rejected.status == SellerStatus.REJECTED
    assert _audit(seller, "seller.rejected").reason == "Fake register number"


@pytest.mark.parametrize(
    "start, change",
    [
        ("pending", lambda seller_id, actor: seller_suspend(seller_id=seller_id, actor=actor, reason="x")),
        ("pending", lambda seller_id, actor: seller_reinstate(seller_id=seller_id, actor=actor, reason="x")),
        ("verified", lambda seller_id, actor: seller_verify(seller_id=seller_id, actor=actor)),
        ("verified", lambda seller_id, actor: seller_reject(seller_id=seller_id, actor=actor, reason="x")),
        ("suspended", lambda seller_id, actor: seller_verify(seller_id=seller_id, actor=actor)),
        ("suspended", lambda seller_id, actor: seller_suspend(seller_id=seller_id, actor=actor, reason="x")),
        ("suspended", lambda seller_id, actor: seller_reject(seller_id=seller_id, actor=actor, reason="x")),
        ("rejected", lambda seller_id, actor: seller_verify(seller_id=seller_id, actor=actor)),
        ("rejected", lambda seller_id, actor: seller_suspend(seller_id=seller_id, actor=actor, reason="x")),
        ("rejected", lambda seller_id, actor: seller_reinstate(seller_id=seller_id, actor=actor, reason="x")),
    ],
    ids=[
        "pending-suspend",
        "pending-reinstate",
        "verified-verify",
        "verified-reject",
        "suspended-verify",
        "suspended-suspend",
        "suspended-reject",
        "rejected-verify",
        "rejected-suspend",
        "rejected-reinstate",
    ],
)
def test_forbidden_transitions_raise_and_change_nothing(start, change):
    seller, operator = make_seller(verified=False), make_operator()
    Seller.objects.filter(pk=seller.pk).update(status=start)
    audit_rows = AuditLog.objects.count()

    with pytest.raises(InvalidTransition) as raised:
        change(seller.pk, operator)

    assert raised.value.status == 409
    assert raised.value.extra["from"] == start
    assert Seller.objects.get(pk=seller.pk).status == start
    assert AuditLog.objects.count() == audit_rows


def test_unknown_seller_is_not_found():
    with pytest.raises(NotFound):
        seller_verify(seller_id=987654, actor=make_operator())


def test_only_verified_sellers_are_listed_and_their_offers_visible():
    verified = make_seller(name="Verified")
    pending = make_seller(name="Pending", verified=False)
    suspended = make_seller(name="Suspended")
    visible_offer = make_offer(seller=verified)
    pending_offer = make_offer(seller=pending)
    suspended_offer = make_offer(seller=suspended)

    seller_suspend(seller_id=suspended.pk, actor=make_operator(), reason="Investigation")

    assert list(seller_list_verified()) == [verified]
    visible = set(offer_visible_qs().values_list("pk", flat=True))
    assert visible_offer.pk in visible
    assert pending_offer.pk not in visible
    assert suspended_offer.pk not in visible

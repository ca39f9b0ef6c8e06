import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from comptoir.core.models import AuditLog
from comptoir.sellers.models import Seller, SellerStatus
from comptoir.sellers.services import seller_api_key_create
from comptoir.testing.auth import force_login_verified
from comptoir.testing.builders import COUNTRY_IDENTIFIERS, make_seller, make_user
from comptoir.trust.models import EnforcementAction

pytestmark = pytest.mark.django_db(transaction=True)

CHANGELIST = reverse("admin:sellers_seller_changelist")


def test_verify_action_verifies_a_pending_seller_and_audits_the_operator(console, operator):
    seller = make_seller(verified=False)

    response = console.post(CHANGELIST, {"action": "verify", ACTION_CHECKBOX_NAME: [seller.pk]}, follow=True)

    assert response.status_code == 200
    seller.refresh_from_db()
    assert seller.status == SellerStatus.VERIFIED
    audit = AuditLog.objects.get(action="seller.verified", target_id=str(seller.pk))
    assert audit.actor == operator
    assert "Sellers verified: 1." in response.content.decode()


def test_suspend_action_asks_for_a_reason_then_suspends_with_it(console, operator):
    seller = make_seller()

    confirmation = console.post(CHANGELIST, {"action": "suspend", ACTION_CHECKBOX_NAME: [seller.pk]})
    seller.refresh_from_db()
    assert confirmation.status_code == 200
    assert 'name="reason"' in confirmation.content.decode()
    assert seller.status == SellerStatus.VERIFIED

    response = console.post(
        CHANGELIST,
        {
            "action": "suspend",
            ACTION_CHECKBOX_NAME: [seller.pk],
            "apply": "Suspend",
            "ground": "illegal_content",
            "reason": "Counterfeit goods reported and confirmed.",
        },
        follow=True,
    )

    assert response.status_code == 200
    seller.refresh_from_db()
    assert seller.status == SellerStatus.SUSPENDED
    assert seller.status_reason == "Counterfeit goods reported and confirmed."
    audit = AuditLog.objects.get(action="seller.suspended", target_id=str(seller.pk))
    assert (audit.actor, audit.reason) == (operator, "Counterfeit goods reported and confirmed.")
    detail = console.get(reverse("admin:sellers_seller_change", args=[seller.pk])).content.decode()
    assert f"seller.suspended · {operator.email} · Counterfeit goods reported and confirmed." in detail
    # the suspension is a measure with its statement of reasons (trust.admin adds the action to this page)
    action = EnforcementAction.objects.get(seller=seller, kind="suspension", is_active=True)
    assert (action.is_automated, action.created_by, action.ground) == (False, operator, "illegal_content")
    assert action.facts_text == "Counterfeit goods reported and confirmed."


def test_suspend_without_a_reason_is_refused(console):
    seller = make_seller()

    response = console.post(
        CHANGELIST,
        {
            "action": "suspend",
            ACTION_CHECKBOX_NAME: [seller.pk],
            "apply": "Suspend",
            "ground": "terms_breach",
            "reason": "   ",
        },
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    seller.refresh_from_db()
    assert seller.status == SellerStatus.VERIFIED
    assert not AuditLog.objects.filter(action="seller.suspended").exists()


def test_reinstate_and_reject_go_through_the_services(console, operator):
    suspended = make_seller()
    console.post(
        CHANGELIST,
        {
            "action": "suspend",
            ACTION_CHECKBOX_NAME: [suspended.pk],
            "apply": "1",
            "ground": "performance",
            "reason": "Late shipments.",
        },
    )
    pending = make_seller(verified=False)

    console.post(
        CHANGELIST,
        {"action": "reinstate", ACTION_CHECKBOX_NAME: [suspended.pk], "apply": "1", "reason": "Backlog cleared."},
    )
    console.post(
        CHANGELIST,
        {
            "action": "reject",
            ACTION_CHECKBOX_NAME: [pending.pk],
            "apply": "1",
            "reason": "VAT ID belongs to another company.",
        },
    )

    assert Seller.objects.get(pk=suspended.pk).status == SellerStatus.VERIFIED
    assert Seller.objects.get(pk=pending.pk).status == SellerStatus.REJECTED
    assert AuditLog.objects.get(action="seller.reinstated").actor == operator
    lifted = EnforcementAction.objects.get(seller=suspended, kind="suspension")
    assert (lifted.is_active, lifted.lifted_by, lifted.lifted_reason) == (False, operator, "Backlog cleared.")
    assert AuditLog.objects.get(action="seller.rejected").reason == "VAT ID belongs to another company."


def test_an_invalid_transition_shows_the_service_message_and_changes_nothing(console):
    pending = make_seller(verified=False)

    response = console.post(
        CHANGELIST,
        {
            "action": "suspend",
            ACTION_CHECKBOX_NAME: [pending.pk],
            "apply": "1",
            "ground": "fraud_suspected",
            "reason": "Fraud.",
        },
        follow=True,
    )

    assert "Only a verified seller can be suspended." in response.content.decode()
    assert not EnforcementAction.objects.filter(seller=pending).exists()
    pending.refresh_from_db()
    assert pending.status == SellerStatus.PENDING


def test_staff_who_are_not_operators_get_no_seller_actions(client):
    seller = make_seller(verified=False)
    force_login_verified(client, make_user(is_staff=True, is_superuser=True, is_operator=False))

    client.post(CHANGELIST, {"action": "verify", ACTION_CHECKBOX_NAME: [seller.pk]})

    seller.refresh_from_db()
    assert seller.status == SellerStatus.PENDING


def test_seller_fields_cannot_be_edited_from_the_console(console):
    seller = make_seller()

    response = console.post(
        reverse("admin:sellers_seller_change", args=[seller.pk]), {"status": "suspended", "name": "Renamed"}
    )

    assert response.status_code == 403
    seller.refresh_from_db()
    assert (seller.status, seller.name) != ("suspended", "Renamed")


def test_list_masks_the_iban_and_detail_never_shows_api_key_hashes(console):
    seller = make_seller(country="DE")
    key, secret = seller_api_key_create(
        seller=seller, actor=seller.members.get().user, name="ERP", scopes=["offers:read"]
    )
    iban = COUNTRY_IDENTIFIERS["DE"][1]

    listing = console.get(CHANGELIST).content.decode()
    detail = console.get(reverse("admin:sellers_seller_change", args=[seller.pk])).content.decode()

    assert iban not in listing and f"•••• {iban[-4:]}" in listing
    assert key.key_hash not in detail and secret not in detail
    assert key.prefix in detail
    assert iban in detail  # the operator checking trader information sees the full IBAN of this one seller

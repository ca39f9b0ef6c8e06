"""Manual measures (warn, reduce visibility, suspend, tier override, lift, reinstate) through the one trust path:
each writes its statement of reasons (manual, by whom, the ground, the facts), an audit row, the seller's status
change and a notice event; an accepted appeal lifts the penalty, hand-set tier included."""

import datetime as dt
from decimal import Decimal

import pytest

from comptoir.core import events
from comptoir.core.exceptions import Conflict, PermissionDenied, ValidationError
from comptoir.core.models import AuditLog
from comptoir.sellers.models import MemberRole, SellerMember, SellerStatus
from comptoir.sellers.services import seller_suspend
from comptoir.testing.builders import make_operator, make_seller, make_user
from comptoir.trust.domain.config import trust_config
from comptoir.trust.domain.enforcement import below_standard_grounds, tier_override_is_restrictive
from comptoir.trust.domain.metrics import MetricResult
from comptoir.trust.events import AppealDecided, EnforcementNoticeIssued
from comptoir.trust.models import EnforcementAction, SellerTrust
from comptoir.trust.selectors import seller_trust_map
from comptoir.trust.services import (
    appeal_decide,
    appeal_submit,
    measure_lift,
    measure_take,
    seller_measures_reinstate,
    seller_trust_recompute,
    seller_trust_tier_override,
)
from comptoir.trust.tests.support import T0, at

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


@pytest.fixture
def published():
    seen: list = []
    events.subscribe(EnforcementNoticeIssued, seen.append)
    events.subscribe(AppealDecided, seen.append)
    yield seen
    events.unsubscribe(EnforcementNoticeIssued, seen.append)
    events.unsubscribe(AppealDecided, seen.append)


def owner_of(seller):
    return SellerMember.objects.get(seller=seller, role=MemberRole.OWNER).user


# --- Pure: which rule actually put the seller below standard ------------------------------------------------


def metric(value, low, high, count=60, status="failing"):
    return MetricResult(
        name="order_defect_rate",
        value=Decimal(value),
        low=Decimal(low),
        high=Decimal(high),
        count=count,
        events=5,
        target=Decimal("0.01"),
        direction="below",
        window_days=60,
        status=status,
    )


def test_a_score_of_48_below_standard_by_its_defect_rate_cites_the_defect_rule_not_the_score():
    config = trust_config()
    grounds = below_standard_grounds(
        score=Decimal("48.20"),
        metrics={"order_defect_rate": metric("0.0833", "0.0461", "0.1808")},
        tier_override="",
        config=config,
    )
    assert grounds == [
        {
            "rule": "order_defect_rate_above",
            "value": "0.0833",
            "low": "0.0461",
            "threshold": "0.04",
            "count": 60,
            "window_days": 60,
        }
    ]


def test_a_low_score_and_a_hand_set_tier_are_grounds_too_and_an_uncertain_rate_is_not():
    config = trust_config()
    grounds = below_standard_grounds(
        score=Decimal("30.00"),
        metrics={"order_defect_rate": metric("0.05", "0.01", "0.2")},
        tier_override="below_standard",
        config=config,
    )
    assert [ground["rule"] for ground in grounds] == ["tier_override", "score_below"]
    assert grounds[1] | {} == {"rule": "score_below", "value": "30.00", "threshold": "35"}


def test_a_hand_set_tier_is_restrictive_when_it_lowers_visibility_or_labels_the_seller_at_risk():
    config = trust_config()
    assert tier_override_is_restrictive(override="at_risk", computed="at_risk", config=config)
    assert tier_override_is_restrictive(override="good", computed="top_rated", config=config)
    assert not tier_override_is_restrictive(override="top_rated", computed="good", config=config)
    assert not tier_override_is_restrictive(override="", computed="good", config=config)


# --- Manual measures -------------------------------------------------------------------------------------------


def test_a_manual_suspension_writes_a_manual_statement_an_audit_row_and_a_notice(published):
    # given a verified seller and an operator
    seller, operator = make_seller(), make_operator()
    # when the operator suspends it, citing a ground and stating the facts
    with at(T0):
        action = measure_take(
            seller_id=seller.pk,
            actor=operator,
            kind="suspension",
            ground="illegal_content",
            reason="Counterfeit chargers confirmed by the brand on 2 March.",
        )
    # then the seller is suspended and has a statement it can read and appeal (before: no EnforcementAction at all)
    seller.refresh_from_db()
    assert seller.status == SellerStatus.SUSPENDED
    action.refresh_from_db()
    assert (action.kind, action.is_active, action.is_automated, action.created_by, action.ground) == (
        "suspension",
        True,
        False,
        operator,
        "illegal_content",
    )
    assert action.facts == {
        "manual": True,
        "ground": "illegal_content",
        "reason": "Counterfeit chargers confirmed by the brand on 2 March.",
    }
    assert "Illegal products" in action.rule and "appeal" in action.redress
    assert AuditLog.objects.filter(action="trust.measure.suspension", actor=operator, seller_id=seller.pk).exists()
    assert AuditLog.objects.filter(action="seller.suspended", actor=operator, seller_id=seller.pk).exists()
    assert seller_trust_map([seller.pk])[seller.pk].visibility_multiplier == 0
    assert published == [
        EnforcementNoticeIssued(
            enforcement_action_id=action.pk, seller_id=seller.pk, kind="suspension", manual=True, at=T0
        )
    ]
    with at(T0 + DAY):
        appeal = appeal_submit(seller=seller, actor=owner_of(seller), action_id=action.pk, text="They are genuine.")
    assert appeal.status == "open"


def test_a_manual_measure_needs_an_operator_a_known_ground_a_reason_and_is_not_taken_twice():
    seller, operator = make_seller(), make_operator()
    with pytest.raises(PermissionDenied):
        measure_take(seller_id=seller.pk, actor=make_user(), kind="warning", ground="terms_breach", reason="x")
    with pytest.raises(ValidationError) as no_reason:
        measure_take(seller_id=seller.pk, actor=operator, kind="warning", ground="terms_breach", reason="  ")
    assert "reason" in no_reason.value.fields
    with pytest.raises(ValidationError) as bad_ground:
        measure_take(seller_id=seller.pk, actor=operator, kind="warning", ground="whim", reason="x")
    assert "ground" in bad_ground.value.fields
    with pytest.raises(ValidationError):
        measure_take(seller_id=seller.pk, actor=operator, kind="ban", ground="terms_breach", reason="x")
    measure_take(seller_id=seller.pk, actor=operator, kind="warning", ground="terms_breach", reason="Spam listings.")
    with pytest.raises(Conflict):
        measure_take(seller_id=seller.pk, actor=operator, kind="warning", ground="terms_breach", reason="Again.")
    pending = make_seller(verified=False)
    with pytest.raises(Conflict):
        measure_take(seller_id=pending.pk, actor=operator, kind="suspension", ground="fraud_suspected", reason="x")
    assert EnforcementAction.objects.filter(seller=seller).count() == 1
    assert not EnforcementAction.objects.filter(seller=pending).exists()


def test_reinstating_lifts_the_suspension_restores_the_seller_and_notifies_the_lifting(published):
    seller, operator = make_seller(), make_operator()
    with at(T0):
        action = measure_take(
            seller_id=seller.pk, actor=operator, kind="suspension", ground="performance", reason="Late parcels."
        )
    with at(T0 + DAY):
        seller_measures_reinstate(seller_id=seller.pk, actor=operator, reason="Backlog cleared, carrier changed.")
    seller.refresh_from_db()
    action.refresh_from_db()
    assert seller.status == SellerStatus.VERIFIED
    assert (action.is_active, action.lifted_by, action.lifted_reason) == (
        False,
        operator,
        "Backlog cleared, carrier changed.",
    )
    assert seller_trust_map([seller.pk])[seller.pk].visibility_multiplier > 0
    assert published[-1] == EnforcementNoticeIssued(
        enforcement_action_id=action.pk, seller_id=seller.pk, kind="lifted", manual=True, at=T0 + DAY
    )
    with pytest.raises(Conflict):  # no longer suspended
        seller_measures_reinstate(seller_id=seller.pk, actor=operator, reason="Again.")


def test_a_seller_suspended_before_statements_existed_is_reinstated_all_the_same():
    seller, operator = make_seller(), make_operator()
    seller_suspend(seller_id=seller.pk, actor=operator, reason="Old suspension.")
    seller_measures_reinstate(seller_id=seller.pk, actor=operator, reason="Reviewed.")
    seller.refresh_from_db()
    assert seller.status == SellerStatus.VERIFIED


def test_lifting_a_manual_warning_is_for_an_operator_and_the_ladder_never_lifts_it():
    seller, operator = make_seller(), make_operator()
    with at(T0):
        warning = measure_take(
            seller_id=seller.pk, actor=operator, kind="warning", ground="terms_breach", reason="Off-platform contact."
        )
        seller_trust_recompute(seller_id=seller.pk)  # the seller is fine by its metrics: the ladder lifts nothing
    assert EnforcementAction.objects.get(pk=warning.pk).is_active
    with pytest.raises(PermissionDenied):
        measure_lift(action_id=warning.pk, actor=owner_of(seller), reason="x")
    measure_lift(action_id=warning.pk, actor=operator, reason="Explained and corrected.")
    assert not EnforcementAction.objects.get(pk=warning.pk).is_active
    with pytest.raises(Conflict):
        measure_lift(action_id=warning.pk, actor=operator, reason="Again.")


# --- Tier overrides and appeals ---------------------------------------------------------------------------------


def test_a_restrictive_tier_override_is_a_measure_and_clearing_it_lifts_it(published):
    seller, operator = make_seller(), make_operator()
    with at(T0):
        seller_trust_tier_override(seller_id=seller.pk, actor=operator, tier="top_rated", reason="Known brand.")
    assert not EnforcementAction.objects.filter(seller=seller).exists()  # not restrictive: no notice
    with at(T0 + DAY):
        seller_trust_tier_override(
            seller_id=seller.pk,
            actor=operator,
            tier="at_risk",
            reason="Three complaints this week.",
            ground="terms_breach",
        )
    action = EnforcementAction.objects.get(seller=seller, kind="tier_override", is_active=True)
    assert (action.is_automated, action.created_by, action.ground) == (False, operator, "terms_breach")
    assert action.facts["tier"] == "at_risk" and action.facts["reason"] == "Three complaints this week."
    assert published[-1].kind == "tier_override" and published[-1].manual
    snapshot = seller_trust_map([seller.pk])[seller.pk]  # the tier acts through the tier table, nothing more
    assert (snapshot.tier, snapshot.visibility_multiplier, snapshot.is_eligible_for_featured) == (
        "at_risk",
        Decimal("0.90"),
        True,
    )
    with at(T0 + 2 * DAY):
        seller_trust_tier_override(seller_id=seller.pk, actor=operator, tier="", reason="Complaints resolved.")
    action.refresh_from_db()
    assert not action.is_active and action.lifted_by == operator
    assert published[-1] == EnforcementNoticeIssued(
        enforcement_action_id=action.pk, seller_id=seller.pk, kind="lifted", manual=True, at=T0 + 2 * DAY
    )


def test_an_accepted_appeal_of_a_tier_override_clears_it(published):
    seller, operator = make_seller(), make_operator()
    with at(T0):
        seller_trust_tier_override(seller_id=seller.pk, actor=operator, tier="below_standard", reason="Fake reviews.")
    action = EnforcementAction.objects.get(seller=seller, kind="tier_override")
    with at(T0 + DAY):
        appeal = appeal_submit(seller=seller, actor=owner_of(seller), action_id=action.pk, text="Not ours.")
        appeal_decide(appeal_id=appeal.pk, actor=operator, grant=True, note="The reviews came from a competitor.")
    trust = SellerTrust.objects.get(seller=seller)
    assert trust.tier_override == ""  # before: the hand-set tier stayed after the appeal was granted
    assert seller_trust_map([seller.pk])[seller.pk].tier == trust.tier != "below_standard"
    assert not EnforcementAction.objects.filter(seller=seller, is_active=True).exists()
    assert published[-1] == AppealDecided(appeal_id=appeal.pk, seller_id=seller.pk, accepted=True, at=T0 + DAY)


def test_an_accepted_appeal_of_a_warning_caused_by_a_hand_set_tier_lifts_the_tier_too():
    # given an operator sets the tier below standard: the ladder warns, citing the hand-set tier as its ground
    seller, operator = make_seller(), make_operator()
    with at(T0):
        seller_trust_tier_override(seller_id=seller.pk, actor=operator, tier="below_standard", reason="Fake reviews.")
    warning = EnforcementAction.objects.get(seller=seller, kind="warning", is_active=True)
    assert warning.is_automated and [ground["rule"] for ground in warning.facts["grounds"]] == ["tier_override"]
    assert "tier set to below standard by the marketplace" in warning.rule and "45" not in warning.rule
    # when the seller appeals the warning and the operator accepts
    with at(T0 + DAY):
        appeal = appeal_submit(seller=seller, actor=owner_of(seller), action_id=warning.pk, text="Not ours.")
        appeal_decide(appeal_id=appeal.pk, actor=operator, grant=True, note="Confirmed: a competitor's reviews.")
    # then the penalty is gone: the warning, the tier override and its measure
    assert SellerTrust.objects.get(seller=seller).tier_override == ""
    assert not EnforcementAction.objects.filter(seller=seller, is_active=True).exists()
    with at(T0 + 2 * DAY):
        seller_trust_recompute(seller_id=seller.pk)
    assert not EnforcementAction.objects.filter(seller=seller, is_active=True).exists()


def test_an_accepted_appeal_of_a_manual_suspension_reinstates_the_seller_and_restores_visibility(published):
    seller, operator = make_seller(), make_operator()
    with at(T0):
        measure_take(seller_id=seller.pk, actor=operator, kind="warning", ground="performance", reason="Late.")
        suspension = measure_take(
            seller_id=seller.pk, actor=operator, kind="suspension", ground="performance", reason="Still late."
        )
    with at(T0 + DAY):
        appeal = appeal_submit(seller=seller, actor=owner_of(seller), action_id=suspension.pk, text="Fixed.")
        appeal_decide(appeal_id=appeal.pk, actor=operator, grant=True, note="New warehouse verified.")
    seller.refresh_from_db()
    assert seller.status == SellerStatus.VERIFIED
    assert not EnforcementAction.objects.filter(seller=seller, is_active=True).exists()
    snapshot = seller_trust_map([seller.pk])[seller.pk]
    assert snapshot.visibility_multiplier > 0 and snapshot.is_eligible_for_featured
    assert published[-1] == AppealDecided(appeal_id=appeal.pk, seller_id=seller.pk, accepted=True, at=T0 + DAY)


def test_a_rejected_appeal_keeps_the_measure_and_is_notified(published):
    seller, operator = make_seller(), make_operator()
    with at(T0):
        action = measure_take(
            seller_id=seller.pk, actor=operator, kind="visibility_reduced", ground="terms_breach", reason="x"
        )
    with at(T0 + DAY):
        appeal = appeal_submit(seller=seller, actor=owner_of(seller), action_id=action.pk, text="Please.")
        appeal_decide(appeal_id=appeal.pk, actor=operator, grant=False, note="The facts stand.")
    assert EnforcementAction.objects.get(pk=action.pk).is_active
    assert published[-1] == AppealDecided(appeal_id=appeal.pk, seller_id=seller.pk, accepted=False, at=T0 + DAY)

"""Issue 11, defect 4(b): imported history opens no measure by itself. During the grace period after an import the
ladder only proposes; a proposal takes effect when an operator confirms it; after the grace period the days below
standard count from its end."""

import datetime as dt

import pytest
from django.core.management import call_command

from comptoir.core import clock
from comptoir.core.exceptions import Conflict, PermissionDenied, ValidationError
from comptoir.core.models import AuditLog
from comptoir.testing.builders import make_operator, make_seller, make_user
from comptoir.trust.models import EnforcementAction, MeasureProposal, SellerDailyStats, SellerTrust
from comptoir.trust.services import (
    measure_proposal_confirm,
    measure_proposal_dismiss,
    seller_trust_recompute,
    trust_history_imported,
    trust_recompute_all,
)
from comptoir.trust.tests.support import T0, at
from comptoir.trust.tests.test_import_history import csv_text, delivered_row

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
TODAY = T0.date()
IMPORTED_AT = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)  # after the imported rows' dates


def poor_history(seller, *, last_day=TODAY, count=40):
    """Imported days of a poor seller: cancellations, defects, late and untracked shipments (below standard)."""
    SellerDailyStats.objects.bulk_create(
        [
            SellerDailyStats(
                seller=seller,
                day=last_day - dt.timedelta(days=offset),
                orders=5,
                cancelled_by_seller=1,
                defects=1,
                shipped=4,
                shipped_late=2,
                shipped_with_valid_tracking=3,
                delivered=4,
                delivered_on_time=2,
                returns=1,
                returns_not_as_described=1,
                reviews=2,
                review_weight_permille=2000,
                rating_weighted_sum_permille=2000 * 2,
                accept_seconds=[3600 * 30],
            )
            for offset in range(count)
        ]
    )


def imported_poor_seller():
    seller = make_seller()
    poor_history(seller)
    with at(T0):
        trust_history_imported(seller_ids=[seller.pk])
    return seller


def recompute(seller, moment):
    with at(moment):
        return seller_trust_recompute(seller_id=seller.pk)


def test_imported_history_opens_no_measure_but_one_pending_proposal_however_often_it_is_recomputed():
    seller = imported_poor_seller()
    for offset in (0, 1, 14, 29):  # 14 and 29 days later the ladder would have reduced visibility
        trust = recompute(seller, T0 + offset * DAY)
        assert trust.tier == "below_standard"
    assert not EnforcementAction.objects.filter(seller=seller).exists()
    proposal = MeasureProposal.objects.get(seller=seller)
    assert (proposal.kind, proposal.status) == ("warning", "pending")
    assert proposal.grace_until == TODAY + 29 * DAY  # the last day of the 30-day grace period
    assert "below the threshold" in proposal.rule or "order defect rate" in proposal.rule
    assert AuditLog.objects.filter(action="trust.history_imported", seller_id=seller.pk).exists()
    assert AuditLog.objects.filter(action="trust.proposal.warning", seller_id=seller.pk).count() == 1


def test_the_batch_recompute_holds_the_ladder_too():
    seller = imported_poor_seller()
    with at(T0):
        trust_recompute_all(today=TODAY)
    assert not EnforcementAction.objects.filter(seller=seller).exists()
    assert MeasureProposal.objects.filter(seller=seller, status="pending").count() == 1


def test_after_the_grace_period_an_imported_run_escalates_only_as_proposals():
    seller = imported_poor_seller()
    recompute(seller, T0)
    recompute(seller, T0 + 30 * DAY)  # the grace period is over: still nothing without the operator
    assert not EnforcementAction.objects.filter(seller=seller).exists()
    recompute(seller, T0 + 43 * DAY)
    assert set(MeasureProposal.objects.filter(seller=seller).values_list("kind", "status")) == {("warning", "pending")}
    recompute(seller, T0 + 44 * DAY)  # 14 days below standard after the grace period: reduced visibility proposed
    assert set(MeasureProposal.objects.filter(seller=seller).values_list("kind", "status")) == {
        ("warning", "pending"),
        ("visibility_reduced", "pending"),
    }
    assert not EnforcementAction.objects.filter(seller=seller).exists()


def test_once_the_seller_leaves_below_standard_a_new_run_is_the_ordinary_ladders():
    seller = imported_poor_seller()
    recompute(seller, T0)
    SellerDailyStats.objects.filter(seller=seller).delete()  # the record recovers: no longer below standard
    recompute(seller, T0 + 31 * DAY)
    assert MeasureProposal.objects.get(seller=seller).status == "lapsed"
    poor_history(seller, last_day=TODAY + 40 * DAY)
    recompute(seller, T0 + 40 * DAY)  # a run that begins after the grace period
    assert EnforcementAction.objects.filter(seller=seller, kind="warning", is_automated=True, is_active=True).exists()


def test_a_confirmed_proposal_is_taken_as_the_operators_measure():
    seller = imported_poor_seller()
    recompute(seller, T0)
    proposal = MeasureProposal.objects.get(seller=seller)
    operator = make_operator()
    with pytest.raises(PermissionDenied):
        measure_proposal_confirm(proposal_id=proposal.pk, actor=make_user(), reason="Imported record")
    with pytest.raises(ValidationError):
        measure_proposal_confirm(proposal_id=proposal.pk, actor=operator, reason="  ")
    with at(T0 + DAY):
        action = measure_proposal_confirm(
            proposal_id=proposal.pk, actor=operator, reason="Your imported record shows 20 % cancellations."
        )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.action_id, proposal.decided_by) == ("confirmed", action.pk, operator)
    assert (action.kind, action.is_automated, action.ground, action.created_by) == (
        "warning",
        False,
        "performance",
        operator,
    )
    assert action.facts_text == "Your imported record shows 20 % cancellations."
    with pytest.raises(Conflict):
        measure_proposal_confirm(proposal_id=proposal.pk, actor=operator, reason="Again")
    recompute(seller, T0 + 2 * DAY)
    assert EnforcementAction.objects.filter(seller=seller).count() == 1  # the ladder adds nothing during the grace


def test_a_dismissed_proposal_imposes_nothing_and_is_not_proposed_again_for_the_same_kind_while_pending():
    seller = imported_poor_seller()
    recompute(seller, T0)
    proposal = MeasureProposal.objects.get(seller=seller)
    with at(T0 + DAY):
        measure_proposal_dismiss(proposal_id=proposal.pk, actor=make_operator(), reason="Migration artefact")
    proposal.refresh_from_db()
    assert proposal.status == "dismissed" and proposal.decision_note == "Migration artefact"
    assert not EnforcementAction.objects.filter(seller=seller).exists()
    assert AuditLog.objects.filter(action="trust.proposal.dismissed", seller_id=seller.pk).exists()


def test_a_proposal_lapses_when_the_seller_is_no_longer_below_standard():
    seller = imported_poor_seller()
    recompute(seller, T0)
    proposal = MeasureProposal.objects.get(seller=seller)
    SellerTrust.objects.filter(seller=seller).update(tier="good")  # e.g. a later import corrected the record
    with pytest.raises(Conflict):
        measure_proposal_confirm(proposal_id=proposal.pk, actor=make_operator(), reason="Imported record")
    proposal.refresh_from_db()
    assert proposal.status == "lapsed"
    assert not EnforcementAction.objects.filter(seller=seller).exists()


def test_without_an_import_the_ladder_warns_at_once():
    seller = make_seller()
    poor_history(seller)
    recompute(seller, T0)
    assert EnforcementAction.objects.filter(seller=seller, kind="warning", is_active=True).exists()
    assert not MeasureProposal.objects.filter(seller=seller).exists()


def test_the_import_command_starts_the_grace_period_of_the_sellers_it_imported(tmp_path):
    seller, untouched = make_seller(), make_seller()
    good = tmp_path / "history.csv"
    good.write_text(csv_text([delivered_row(seller)]), encoding="utf-8")
    with clock.frozen_at(IMPORTED_AT):
        call_command("import-history", str(good))
    assert SellerTrust.objects.get(seller=seller).history_imported_at == IMPORTED_AT
    assert not SellerTrust.objects.filter(seller=untouched, history_imported_at__isnull=False).exists()

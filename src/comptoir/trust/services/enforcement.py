"""The automated enforcement ladder: warning, reduced visibility, suspension, opened while a seller stays below
standard and lifted when it no longer is, each with a statement of reasons (the pure plan lives in
`trust.domain.enforcement`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from comptoir.core import clock
from comptoir.core.services import audit_record
from comptoir.sellers.models import Seller, SellerStatus
from comptoir.sellers.services import seller_suspend
from comptoir.trust.domain.enforcement import (
    SUSPENSION,
    below_standard_grounds,
    enforcement_plan,
    import_grace_until,
    statement_of_reasons,
)
from comptoir.trust.domain.score import TrustResult
from comptoir.trust.domain.tiers import Tier
from comptoir.trust.models import EnforcementAction, MeasureProposal, ProposalStatus, SellerTrust
from comptoir.trust.services._common import LIFTED, notice_on_commit


def enforcement_apply(*, trust: SellerTrust, result: TrustResult, today: dt.date, config: dict[str, Any]) -> bool:
    """Open the actions the ladder's plan calls for (audited, with a statement of reasons citing the rule that
    actually put the seller below standard with its measured value and threshold; a suspension suspends a verified
    seller) and lift the automated ones it no longer calls for (a measure a person took is lifted only by a person).
    Each opening and lifting is notified after the commit. Inside the grace period after a history import
    (`SellerTrust.history_imported_at`, `import_grace_days`) nothing opens: what would is written as a pending
    MeasureProposal (with the statement it would carry) for an operator to confirm or dismiss; pending proposals lapse
    when the seller is no longer below standard or the measure is active anyway. The caller holds the trust row locked
    and has stored the result on it. Returns whether an action was opened or lifted (which moves the visibility
    multiplier)."""
    active = {
        action.kind: action
        for action in EnforcementAction.objects.select_for_update().filter(seller_id=trust.seller_id, is_active=True)
    }
    effective = trust.tier_override or trust.tier
    imported_on = trust.history_imported_at.date() if trust.history_imported_at else None
    plan = enforcement_plan(
        tier=effective,
        below_standard_since=trust.below_standard_since,
        today=today,
        active_kinds=frozenset(active),
        config=config,
        paused_until=trust.enforcement_paused_until,
        grace_until=import_grace_until(imported_on, config),
    )
    days_below = (today - trust.below_standard_since).days if trust.below_standard_since else 0
    now = clock.now()
    grounds = (
        below_standard_grounds(
            score=trust.score,
            high=trust.score_high,
            metrics=result.metrics,
            tier_override=trust.tier_override,
            config=config,
        )
        if plan.open or plan.propose
        else []
    )
    for kind in plan.propose:
        if MeasureProposal.objects.filter(seller_id=trust.seller_id, kind=kind, status=ProposalStatus.PENDING).exists():
            continue
        statement = statement_of_reasons(
            kind=kind,
            score=trust.score,
            tier=effective,
            metrics=result.metrics,
            days_below=days_below,
            config=config,
            grounds=grounds,
        )
        grace_until = import_grace_until(imported_on, config)
        assert grace_until is not None  # a plan proposes only inside a grace period
        proposal = MeasureProposal.objects.create(
            seller_id=trust.seller_id,
            kind=kind,
            facts=statement.facts,
            facts_text=statement.facts_text,
            rule=statement.rule,
            grace_until=grace_until - dt.timedelta(days=1),
            created_at=now,
        )
        audit_record(
            actor=None,
            action=f"trust.proposal.{kind}",
            target=proposal,
            seller_id=trust.seller_id,
            reason=statement.rule,
            data={"score": str(trust.score), "tier": effective, "grounds": [ground["rule"] for ground in grounds]},
        )
    for kind in plan.open:
        statement = statement_of_reasons(
            kind=kind,
            score=trust.score,
            tier=effective,
            metrics=result.metrics,
            days_below=days_below,
            config=config,
            grounds=grounds,
        )
        action = EnforcementAction.objects.create(
            seller_id=trust.seller_id,
            kind=kind,
            facts=statement.facts,
            facts_text=statement.facts_text,
            rule=statement.rule,
            is_automated=True,
            redress=statement.redress,
            created_at=now,
        )
        audit_record(
            actor=None,
            action=f"trust.enforcement.{kind}",
            target=action,
            seller_id=trust.seller_id,
            reason=statement.rule,
            data={"score": str(trust.score), "tier": effective, "grounds": [ground["rule"] for ground in grounds]},
        )
        notice_on_commit(action)
        if kind == SUSPENSION and Seller.objects.filter(pk=trust.seller_id, status=SellerStatus.VERIFIED).exists():
            seller_suspend(
                seller_id=trust.seller_id,
                actor=None,
                reason=f"Automated enforcement #{action.pk}: {statement.rule}",
            )
    lifted_kinds: list[str] = []
    for kind in plan.lift:
        action = active[kind]
        if not action.is_automated:
            continue
        lifted_kinds.append(kind)
        action.is_active, action.lifted_at, action.lifted_reason = False, now, "The seller is no longer below standard."
        action.save(update_fields=["is_active", "lifted_at", "lifted_reason"])
        audit_record(
            actor=None,
            action=f"trust.enforcement.lifted.{kind}",
            target=action,
            seller_id=trust.seller_id,
            reason=action.lifted_reason,
        )
        notice_on_commit(action, kind=LIFTED)
    _proposals_update(
        trust=trust, effective=effective, active=(set(active) | set(plan.open)) - set(lifted_kinds), now=now
    )
    return bool(plan.open or lifted_kinds)  # whether an action was opened or lifted (SellerTrustChanged)


def _proposals_update(*, trust: SellerTrust, effective: str, active: set[str], now: dt.datetime) -> None:
    """Pending proposals lapse when the seller is no longer below standard, or when their measure is active anyway
    (confirmed elsewhere, or opened by the ladder after the grace period)."""
    pending = MeasureProposal.objects.filter(seller_id=trust.seller_id, status=ProposalStatus.PENDING)
    stale = pending if effective != Tier.BELOW_STANDARD else pending.filter(kind__in=active)
    for proposal in stale.select_for_update():
        proposal.status, proposal.decided_at = ProposalStatus.LAPSED, now
        proposal.decision_note = "The seller is no longer below standard, or the measure is already active."
        proposal.save(update_fields=["status", "decided_at", "decision_note"])
        audit_record(
            actor=None,
            action="trust.proposal.lapsed",
            target=proposal,
            seller_id=trust.seller_id,
            reason=proposal.decision_note,
        )

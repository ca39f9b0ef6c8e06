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
    statement_of_reasons,
)
from comptoir.trust.domain.score import TrustResult
from comptoir.trust.models import EnforcementAction, SellerTrust
from comptoir.trust.services._common import LIFTED, notice_on_commit


def enforcement_apply(*, trust: SellerTrust, result: TrustResult, today: dt.date, config: dict[str, Any]) -> bool:
    """Open the actions the ladder's plan calls for (audited, with a statement of reasons citing the rule that
    actually put the seller below standard with its measured value and threshold; a suspension suspends a verified
    seller) and lift the automated ones it no longer calls for (a measure a person took is lifted only by a person).
    Each opening and lifting is notified after the commit. The caller holds the trust row locked and has stored the
    result on it. Returns whether an action was opened or lifted (which moves the visibility multiplier)."""
    active = {
        action.kind: action
        for action in EnforcementAction.objects.select_for_update().filter(seller_id=trust.seller_id, is_active=True)
    }
    effective = trust.tier_override or trust.tier
    plan = enforcement_plan(
        tier=effective,
        below_standard_since=trust.below_standard_since,
        today=today,
        active_kinds=frozenset(active),
        config=config,
        paused_until=trust.enforcement_paused_until,
    )
    days_below = (today - trust.below_standard_since).days if trust.below_standard_since else 0
    now = clock.now()
    grounds = (
        below_standard_grounds(
            score=trust.score, metrics=result.metrics, tier_override=trust.tier_override, config=config
        )
        if plan.open
        else []
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
    lifted = False
    for kind in plan.lift:
        action = active[kind]
        if not action.is_automated:
            continue
        lifted = True
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
    return bool(plan.open or lifted)  # whether an action was opened or lifted (SellerTrustChanged)

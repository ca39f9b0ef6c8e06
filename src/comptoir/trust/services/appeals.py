"""Appeals: a seller contests an enforcement action; an operator grants (lifting it) or rejects it, with a
statement of reasons the seller reads."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction

from comptoir.core import clock
from comptoir.core.events import publish_on_commit
from comptoir.core.exceptions import Conflict, NotFound, ValidationError
from comptoir.core.permissions import require_operator
from comptoir.core.services import audit_record
from comptoir.sellers.models import Seller, SellerStatus
from comptoir.sellers.services import seller_reinstate
from comptoir.trust import errors
from comptoir.trust.conf import trust_settings
from comptoir.trust.domain.enforcement import (
    GROUND_TIER_OVERRIDE,
    SUSPENSION,
    TIER_OVERRIDE,
    tier_override_is_restrictive,
)
from comptoir.trust.events import AppealDecided
from comptoir.trust.models import Appeal, AppealStatus, EnforcementAction, SellerTrust
from comptoir.trust.services.measures import lock_trust, measures_lift
from comptoir.trust.services.scores import seller_trust_recompute

if TYPE_CHECKING:
    from comptoir.accounts.models import User


def appeal_submit(*, seller: Seller, actor: User, action_id: int, text: str) -> Appeal:
    """A member of the seller appeals one of its restrictions, within `appeal_days` of it (one open appeal per
    restriction). Audited. Raises ValidationError (no text), NotFound (not the seller's action), Conflict (period
    ended, an appeal already open)."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationError(
            "Explain why the decision should change.", code=errors.APPEAL_TEXT_REQUIRED, fields={"text": "Required."}
        )
    with transaction.atomic():
        action = EnforcementAction.objects.select_for_update().filter(pk=action_id, seller=seller).first()
        if action is None:
            raise NotFound("No such enforcement action.", code=errors.ENFORCEMENT_NOT_FOUND)
        days = trust_settings().appeal_days
        if clock.now() > action.created_at + dt.timedelta(days=days):
            raise Conflict("The appeal period has ended.", code=errors.APPEAL_PERIOD_ENDED)
        if Appeal.objects.filter(action=action, status=AppealStatus.OPEN).exists():
            raise Conflict("An appeal of this decision is already open.", code=errors.APPEAL_OPEN)
        appeal = Appeal.objects.create(
            action=action, submitted_by=actor, text=text.strip()[:5000], created_at=clock.now()
        )
        audit_record(
            actor=actor, action="trust.appeal_submitted", target=appeal, seller_id=seller.pk, data={"action": action.pk}
        )
    return appeal


def _rests_on_override(action: EnforcementAction) -> bool:
    """A tier set by hand, or a ladder measure opened because of one (its statement cites it as a ground)."""
    grounds = (action.facts or {}).get("grounds") or []
    return action.kind == TIER_OVERRIDE or any(ground.get("rule") == GROUND_TIER_OVERRIDE for ground in grounds)


def appeal_decide(*, appeal_id: int, actor: User | None, grant: bool, note: str) -> Appeal:
    """The operator decides. Granting lifts the penalty: the appealed measure, and with it what it rests on or
    carries (a suspension lifts every active measure and reinstates the seller, its offers back in the storefront; a
    measure imposed because of a hand-set tier, or a tier override itself, clears the override), then pauses the
    automated ladder for `visibility_after_days` so the same facts do not re-impose it at once. Audited; the seller
    is notified (AppealDecided) after the commit. Raises PermissionDenied (not an operator), ValidationError (no
    note), NotFound, Conflict (already decided)."""
    require_operator(actor, message="Only an operator can decide an appeal.")
    if not isinstance(note, str) or not note.strip():
        raise ValidationError(
            "A statement of reasons is required.",
            code=errors.NOTE_REQUIRED,
            fields={"note": "The seller will read it."},
        )
    note = note.strip()
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update(of=("self",)).select_related("action").filter(pk=appeal_id).first()
        if appeal is None:
            raise NotFound("No such appeal.", code=errors.APPEAL_NOT_FOUND)
        if appeal.status != AppealStatus.OPEN:
            raise Conflict("This appeal is already decided.", code=errors.APPEAL_DECIDED)
        now = clock.now()
        appeal.status = AppealStatus.GRANTED if grant else AppealStatus.REJECTED
        appeal.decided_by, appeal.decided_at, appeal.decision_note = actor, now, note
        appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        action = appeal.action
        override_cleared = False
        if grant:
            lock_trust(action.seller_id)  # before the actions and the seller, in the recompute's order
            active = list(
                EnforcementAction.objects.select_for_update().filter(seller_id=action.seller_id, is_active=True)
            )
            rests_on_override = _rests_on_override(action)
            lifted = [item for item in active if item.pk == action.pk]
            if action.kind == SUSPENSION:  # lifting a suspension lifts the lower rungs with it
                lifted = active
            elif rests_on_override:  # the hand-set tier goes, with every measure it caused
                lifted += [item for item in active if _rests_on_override(item) and item.pk != action.pk]
            trust = SellerTrust.objects.filter(seller_id=action.seller_id).first()
            override_cleared = bool(
                trust is not None
                and trust.tier_override
                and (rests_on_override or action.kind == SUSPENSION)
                and tier_override_is_restrictive(
                    override=trust.tier_override, computed=trust.tier, config=trust_settings().rules
                )
            )
            if override_cleared and not any(item.kind == TIER_OVERRIDE for item in lifted):
                # an override set before overrides carried a statement: cleared all the same
                SellerTrust.objects.filter(seller_id=action.seller_id).update(tier_override="", tier_override_reason="")
            measures_lift(
                seller_id=action.seller_id,
                actor=actor,
                reason=f"Appeal #{appeal.pk} granted: {note}",
                actions=lifted,
                notify=False,  # the seller is told by the appeal's decision
            )
            if not lifted:
                pause = now.date() + dt.timedelta(days=trust_settings().visibility_after_days)
                SellerTrust.objects.filter(seller_id=action.seller_id).update(
                    enforcement_paused_until=pause, below_standard_since=None
                )
            if Seller.objects.filter(pk=action.seller_id, status=SellerStatus.SUSPENDED).exists() and (
                action.kind == SUSPENSION
            ):  # suspended without an active statement (lifted by hand earlier, or before statements existed)
                seller_reinstate(seller_id=action.seller_id, actor=actor, reason=f"Appeal #{appeal.pk} granted: {note}")
        audit_record(
            actor=actor,
            action="trust.appeal_granted" if grant else "trust.appeal_rejected",
            target=appeal,
            seller_id=action.seller_id,
            reason=note,
            data={"action": action.pk, "kind": action.kind, "override_cleared": override_cleared},
        )
        publish_on_commit(AppealDecided(appeal_id=appeal.pk, seller_id=action.seller_id, accepted=grant, at=now))
    if grant and override_cleared:  # the effective tier is the computed one again
        seller_trust_recompute(seller_id=action.seller_id, enforce=False)
    return appeal

"""Appeals: a seller contests an enforcement action; an operator grants (lifting it) or rejects it, with a
statement of reasons the seller reads."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction

from comptoir.core import clock
from comptoir.core.exceptions import Conflict, NotFound, ValidationError
from comptoir.core.permissions import require_operator
from comptoir.core.services import audit_record
from comptoir.sellers.models import Seller, SellerStatus
from comptoir.sellers.services import seller_reinstate
from comptoir.trust import errors
from comptoir.trust.conf import trust_settings
from comptoir.trust.domain.enforcement import SUSPENSION
from comptoir.trust.models import Appeal, AppealStatus, EnforcementAction, SellerTrust
from comptoir.trust.services._common import trust_changed_on_commit

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


def appeal_decide(*, appeal_id: int, actor: User | None, grant: bool, note: str) -> Appeal:
    """The operator decides. Granting lifts the restriction (and reinstates a suspended seller) and pauses the
    automated ladder for `visibility_after_days`, so the same facts do not re-impose it at once. Audited. Raises
    PermissionDenied (not an operator), ValidationError (no note), NotFound, Conflict (already decided)."""
    require_operator(actor, message="Only an operator can decide an appeal.")
    if not isinstance(note, str) or not note.strip():
        raise ValidationError(
            "A statement of reasons is required.",
            code=errors.NOTE_REQUIRED,
            fields={"note": "The seller will read it."},
        )
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().select_related("action").filter(pk=appeal_id).first()
        if appeal is None:
            raise NotFound("No such appeal.", code=errors.APPEAL_NOT_FOUND)
        if appeal.status != AppealStatus.OPEN:
            raise Conflict("This appeal is already decided.", code=errors.APPEAL_DECIDED)
        now = clock.now()
        appeal.status = AppealStatus.GRANTED if grant else AppealStatus.REJECTED
        appeal.decided_by, appeal.decided_at, appeal.decision_note = actor, now, note.strip()
        appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        action = appeal.action
        if grant:
            lifted = [action] if action.is_active else []
            if action.kind == SUSPENSION:  # lifting a suspension lifts the lower rungs with it
                lifted += list(
                    EnforcementAction.objects.filter(seller_id=action.seller_id, is_active=True).exclude(pk=action.pk)
                )
            for item in lifted:
                item.is_active, item.lifted_at, item.lifted_reason = (
                    False,
                    now,
                    f"Appeal #{appeal.pk} granted: {note.strip()}",
                )
                item.save(update_fields=["is_active", "lifted_at", "lifted_reason"])
            pause = now.date() + dt.timedelta(days=trust_settings().visibility_after_days)
            SellerTrust.objects.filter(seller_id=action.seller_id).update(
                enforcement_paused_until=pause, below_standard_since=None
            )
            if lifted:  # SellerTrustChanged: a lifted restriction raises the visibility multiplier
                trust_changed_on_commit([action.seller_id])
            if (
                action.kind == SUSPENSION
                and Seller.objects.filter(pk=action.seller_id, status=SellerStatus.SUSPENDED).exists()
            ):
                seller_reinstate(
                    seller_id=action.seller_id, actor=actor, reason=f"Appeal #{appeal.pk} granted: {note.strip()}"
                )
        audit_record(
            actor=actor,
            action="trust.appeal_granted" if grant else "trust.appeal_rejected",
            target=appeal,
            seller_id=action.seller_id,
            reason=note.strip(),
            data={"action": action.pk, "kind": action.kind},
        )
    return appeal

"""Manual measures: the one path by which a person at the marketplace warns, restricts, suspends or reinstates a
seller. Every measure writes an EnforcementAction with its statement of reasons (DSA Art. 17, P2B Art. 4: the facts
as the operator states them, the ground cited, the rule, "manual", how to appeal), an audit row with the operator,
the seller's status change for a suspension or a reinstatement, and an EnforcementNoticeIssued after the commit.
The console and the Django admin both call these functions; nothing else suspends a seller by hand.

After a history import, the measures the ladder would open are proposals (MeasureProposal) until an operator confirms
them here (`measure_proposal_confirm`, which takes the measure as a manual one with the operator's statement) or
dismisses them (`measure_proposal_dismiss`); `trust_history_imported` starts the grace period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from comptoir.core import clock
from comptoir.core.exceptions import Conflict, NotFound, ValidationError
from comptoir.core.permissions import require_operator
from comptoir.core.services import audit_record
from comptoir.sellers.models import Seller, SellerStatus
from comptoir.sellers.services import seller_reinstate, seller_suspend
from comptoir.trust import errors
from comptoir.trust.conf import trust_settings
from comptoir.trust.domain.enforcement import (
    GROUNDS,
    MANUAL_KINDS,
    SUSPENSION,
    TIER_OVERRIDE,
    WARNING,
    manual_statement_of_reasons,
)
from comptoir.trust.domain.tiers import Tier
from comptoir.trust.models import EnforcementAction, MeasureProposal, ProposalStatus, SellerTrust
from comptoir.trust.services._common import LIFTED, notice_on_commit, trust_changed_on_commit
from comptoir.trust.services.scores import seller_trust_recompute

if TYPE_CHECKING:
    from comptoir.accounts.models import User

REASON_MAX_LENGTH = 5000


def required_reason(reason: object, *, field: str = "reason") -> str:
    """The stripped reason, or ValidationError: every manual decision states its facts for the seller to read."""
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError(
            "A reason is required.",
            code=errors.REASON_REQUIRED,
            fields={field: "State the facts: the seller reads them in the statement of reasons."},
        )
    if len(reason.strip()) > REASON_MAX_LENGTH:
        raise ValidationError(
            "The reason is too long.",
            code=errors.REASON_REQUIRED,
            fields={field: f"At most {REASON_MAX_LENGTH} characters."},
        )
    return reason.strip()


def valid_ground(ground: object) -> str:
    if not isinstance(ground, str) or ground not in GROUNDS:
        raise ValidationError(
            "Unknown ground.", code=errors.INVALID_GROUND, fields={"ground": f"One of {', '.join(GROUNDS)}."}
        )
    return ground


def lock_trust(seller_id: int) -> SellerTrust | None:
    """Lock the seller's trust row first, as the recompute does (trust row, then its actions, then the seller), so
    that an operator's decision and a concurrent recompute of the same seller queue instead of deadlocking."""
    return SellerTrust.objects.select_for_update().filter(seller_id=seller_id).first()


def manual_action_create(
    *, seller_id: int, actor: User | None, kind: str, ground: str, reason: str, tier: str = "", computed_tier: str = ""
) -> EnforcementAction:
    """Write the action with its manual statement, audit it and queue its notice (inside the caller's transaction,
    which holds the seller or trust row locked). Raises Conflict when a measure of this kind is already active."""
    config = trust_settings().rules
    statement = manual_statement_of_reasons(
        kind=kind, ground=ground, reason=reason, config=config, tier=tier, computed_tier=computed_tier
    )
    try:
        with transaction.atomic():  # a savepoint: the unique active-per-kind constraint may refuse it
            action = EnforcementAction.objects.create(
                seller_id=seller_id,
                kind=kind,
                facts=statement.facts,
                facts_text=statement.facts_text,
                rule=statement.rule,
                ground=ground,
                is_automated=False,
                redress=statement.redress,
                created_at=clock.now(),
                created_by=actor,
            )
    except IntegrityError as error:
        raise Conflict("A measure of this kind is already active.", code=errors.MEASURE_ACTIVE) from error
    audit_record(
        actor=actor,
        action=f"trust.measure.{kind}",
        target=action,
        seller_id=seller_id,
        reason=reason,
        data={"ground": ground, **({"tier": tier, "computed": computed_tier} if kind == TIER_OVERRIDE else {})},
    )
    notice_on_commit(action)
    return action


def measure_take(*, seller_id: int, actor: User | None, kind: str, ground: str, reason: str) -> EnforcementAction:
    """An operator warns a seller, reduces its visibility or suspends it, citing a ground and stating the facts.
    Writes the statement of reasons (manual), the audit row and, for a suspension, the seller's status change (its
    offers leave the storefront with it); the seller is notified after the commit and may appeal. Raises
    PermissionDenied (not an operator), ValidationError (unknown kind or ground, no reason), NotFound (no such
    seller), Conflict (a measure of this kind is already active, or a suspension of a seller that is not verified)."""
    require_operator(actor, message="Only an operator can take a measure.")
    if kind not in MANUAL_KINDS:
        raise ValidationError(
            "Unknown measure.", code=errors.INVALID_MEASURE, fields={"kind": f"One of {', '.join(MANUAL_KINDS)}."}
        )
    ground, reason = valid_ground(ground), required_reason(reason)
    with transaction.atomic():
        lock_trust(seller_id)
        seller = Seller.objects.select_for_update().filter(pk=seller_id).first()
        if seller is None:
            raise NotFound("No such seller.", code=errors.SELLER_NOT_FOUND)
        if EnforcementAction.objects.filter(seller_id=seller_id, kind=kind, is_active=True).exists():
            raise Conflict("A measure of this kind is already active.", code=errors.MEASURE_ACTIVE)
        if kind == SUSPENSION and seller.status != SellerStatus.VERIFIED:
            raise Conflict(
                "Only a verified seller can be suspended.",
                code=errors.SELLER_NOT_VERIFIED,
                extra={"status": seller.status},
            )
        action = manual_action_create(seller_id=seller_id, actor=actor, kind=kind, ground=ground, reason=reason)
        if kind == SUSPENSION:
            seller_suspend(seller_id=seller_id, actor=actor, reason=reason)
        if kind != WARNING:  # SellerTrustChanged: the visibility multiplier moves
            trust_changed_on_commit([seller_id])
    return action


def _lift(action: EnforcementAction, *, actor: User | None, reason: str, now: dt.datetime) -> None:
    action.is_active, action.lifted_at, action.lifted_reason, action.lifted_by = False, now, reason, actor
    action.save(update_fields=["is_active", "lifted_at", "lifted_reason", "lifted_by"])
    audit_record(
        actor=actor,
        action=f"trust.measure.lifted.{action.kind}",
        target=action,
        seller_id=action.seller_id,
        reason=reason,
    )


def measures_lift(
    *,
    seller_id: int,
    actor: User | None,
    reason: str,
    actions: list[EnforcementAction],
    notify: bool = True,
) -> None:
    """Lift these active actions of one seller (the caller holds them locked, inside its transaction): a lifted
    suspension reinstates the seller, a lifted tier override clears the hand-set tier, and the automated ladder
    pauses for `visibility_after_days` so that the same facts do not re-impose the measure at once. Each lifting
    is audited and (with `notify`) notified; the trust snapshot moves."""
    if not actions:
        return
    now = clock.now()
    for action in actions:
        _lift(action, actor=actor, reason=reason, now=now)
        if notify:
            notice_on_commit(action, kind=LIFTED)
    kinds = {action.kind for action in actions}
    trust = SellerTrust.objects.select_for_update().filter(seller_id=seller_id).first()
    if trust is not None:
        pause = now.date() + dt.timedelta(days=trust_settings().visibility_after_days)
        trust.enforcement_paused_until, trust.below_standard_since = pause, None
        fields = ["enforcement_paused_until", "below_standard_since"]
        if TIER_OVERRIDE in kinds and trust.tier_override:
            audit_record(
                actor=actor,
                action="trust.tier_overridden",
                target=trust,
                seller_id=seller_id,
                reason=reason,
                data={"from": trust.tier_override, "to": "", "computed": trust.tier},
            )
            trust.tier_override, trust.tier_override_reason = "", ""
            fields += ["tier_override", "tier_override_reason"]
        trust.save(update_fields=fields)
    if SUSPENSION in kinds and Seller.objects.filter(pk=seller_id, status=SellerStatus.SUSPENDED).exists():
        seller_reinstate(seller_id=seller_id, actor=actor, reason=reason)
    trust_changed_on_commit([seller_id])


def measure_lift(*, action_id: int, actor: User | None, reason: str) -> EnforcementAction:
    """An operator lifts one active measure (automated or manual) with a reason the seller reads: a suspension
    reinstates the seller, a tier override clears the hand-set tier. Raises PermissionDenied, ValidationError (no
    reason), NotFound, Conflict (already lifted)."""
    require_operator(actor, message="Only an operator can lift a measure.")
    reason = required_reason(reason)
    with transaction.atomic():
        seller_id = EnforcementAction.objects.filter(pk=action_id).values_list("seller_id", flat=True).first()
        if seller_id is None:
            raise NotFound("No such measure.", code=errors.ENFORCEMENT_NOT_FOUND)
        lock_trust(seller_id)
        action = EnforcementAction.objects.select_for_update().get(pk=action_id)
        if not action.is_active:
            raise Conflict("This measure is already lifted.", code=errors.MEASURE_NOT_ACTIVE)
        measures_lift(seller_id=action.seller_id, actor=actor, reason=reason, actions=[action])
    _recompute_after_override_change(action)
    return action


def seller_measures_reinstate(*, seller_id: int, actor: User | None, reason: str) -> Seller:
    """An operator reinstates a suspended seller: its active suspension is lifted with the reason (notified), the
    seller is verified again and its offers return to the storefront. A seller suspended before suspensions carried
    a statement is reinstated all the same. Raises PermissionDenied, ValidationError (no reason), NotFound, Conflict
    (the seller is not suspended)."""
    require_operator(actor, message="Only an operator can reinstate a seller.")
    reason = required_reason(reason)
    with transaction.atomic():
        lock_trust(seller_id)
        seller = Seller.objects.select_for_update().filter(pk=seller_id).first()
        if seller is None:
            raise NotFound("No such seller.", code=errors.SELLER_NOT_FOUND)
        if seller.status != SellerStatus.SUSPENDED:
            raise Conflict("This seller is not suspended.", code=errors.SELLER_NOT_SUSPENDED)
        suspensions = list(
            EnforcementAction.objects.select_for_update().filter(seller_id=seller_id, kind=SUSPENSION, is_active=True)
        )
        if suspensions:
            measures_lift(seller_id=seller_id, actor=actor, reason=reason, actions=suspensions)
        else:
            seller_reinstate(seller_id=seller_id, actor=actor, reason=reason)
        seller.refresh_from_db()
    return seller


def _recompute_after_override_change(action: EnforcementAction) -> None:
    if action.kind == TIER_OVERRIDE:  # the effective tier is the computed one again
        seller_trust_recompute(seller_id=action.seller_id, enforce=False)


# --- History imports: the grace period and the proposals it holds ------------------------------------------------


def trust_history_imported(*, seller_ids: Iterable[int], at: dt.datetime | None = None) -> int:
    """Mark that history of these sellers was imported at `at` (default now): for `import_grace_days` the automated
    ladder opens nothing for them and proposes to an operator instead, and their days below standard count from the
    end of that period. Call after a successful import, before the recompute. Idempotent (a later import restarts the
    grace period); one audit row per seller. Returns the number of sellers marked."""
    at = at or clock.now()
    ids = sorted({int(seller_id) for seller_id in seller_ids})
    if not ids:
        return 0
    with transaction.atomic():
        existing = set(Seller.objects.filter(pk__in=ids).values_list("pk", flat=True))
        known = set(SellerTrust.objects.filter(seller_id__in=existing).values_list("seller_id", flat=True))
        SellerTrust.objects.bulk_create([SellerTrust(seller_id=seller_id) for seller_id in sorted(existing - known)])
        trusts = list(SellerTrust.objects.select_for_update().filter(seller_id__in=existing).order_by("seller_id"))
        for trust in trusts:
            trust.history_imported_at = at
            audit_record(
                actor=None,
                action="trust.history_imported",
                target=trust,
                seller_id=trust.seller_id,
                reason="History imported: automated measures wait for an operator during the grace period.",
                data={"at": at.isoformat(), "grace_days": trust_settings().rules["enforcement"]["import_grace_days"]},
            )
        SellerTrust.objects.bulk_update(trusts, ["history_imported_at"])
    return len(trusts)


def _lock_pending_proposal(proposal_id: int) -> MeasureProposal:
    seller_id = MeasureProposal.objects.filter(pk=proposal_id).values_list("seller_id", flat=True).first()
    if seller_id is None:
        raise NotFound("No such proposal.", code=errors.PROPOSAL_NOT_FOUND)
    lock_trust(seller_id)
    proposal = MeasureProposal.objects.select_for_update().get(pk=proposal_id)
    if proposal.status != ProposalStatus.PENDING:
        raise Conflict(
            "This proposal was already decided.", code=errors.PROPOSAL_DECIDED, extra={"status": proposal.status}
        )
    return proposal


def measure_proposal_confirm(*, proposal_id: int, actor: User | None, reason: str) -> EnforcementAction:
    """An operator confirms a measure the ladder proposed after a history import: it is taken as a manual measure
    (ground "performance", the operator's statement of the facts, audited, notified, appealable; a suspension suspends
    the seller) and the proposal records it. When the seller is no longer below standard the proposal lapses instead
    (Conflict `proposal_lapsed`, committed). Raises PermissionDenied, ValidationError (no reason), NotFound, Conflict
    (already decided, or a measure of this kind already active)."""
    require_operator(actor, message="Only an operator can confirm a measure.")
    reason = required_reason(reason)
    with transaction.atomic():
        proposal = _lock_pending_proposal(proposal_id)
        trust = SellerTrust.objects.filter(seller_id=proposal.seller_id).first()
        still_below = trust is not None and (trust.tier_override or trust.tier) == Tier.BELOW_STANDARD
        now = clock.now()
        if not still_below:
            proposal.status, proposal.decided_at, proposal.decided_by = ProposalStatus.LAPSED, now, actor
            proposal.decision_note = "The seller is no longer below standard."
            proposal.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
            audit_record(
                actor=actor,
                action="trust.proposal.lapsed",
                target=proposal,
                seller_id=proposal.seller_id,
                reason=proposal.decision_note,
            )
    if not still_below:
        raise Conflict("The seller is no longer below standard.", code=errors.PROPOSAL_LAPSED)
    with transaction.atomic():
        proposal = _lock_pending_proposal(proposal_id)
        action = measure_take(
            seller_id=proposal.seller_id, actor=actor, kind=proposal.kind, ground="performance", reason=reason
        )
        proposal.status, proposal.decided_at, proposal.decided_by = ProposalStatus.CONFIRMED, clock.now(), actor
        proposal.decision_note, proposal.action = reason, action
        proposal.save(update_fields=["status", "decided_at", "decided_by", "decision_note", "action"])
        audit_record(
            actor=actor,
            action="trust.proposal.confirmed",
            target=proposal,
            seller_id=proposal.seller_id,
            reason=reason,
            data={"action": action.pk, "kind": proposal.kind},
        )
    return action


def measure_proposal_dismiss(*, proposal_id: int, actor: User | None, reason: str) -> MeasureProposal:
    """An operator dismisses a proposed measure (nothing is imposed; the seller is not notified). Raises
    PermissionDenied, ValidationError (no reason), NotFound, Conflict (already decided)."""
    require_operator(actor, message="Only an operator can dismiss a proposal.")
    reason = required_reason(reason)
    with transaction.atomic():
        proposal = _lock_pending_proposal(proposal_id)
        proposal.status, proposal.decided_at, proposal.decided_by = ProposalStatus.DISMISSED, clock.now(), actor
        proposal.decision_note = reason
        proposal.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
        audit_record(
            actor=actor, action="trust.proposal.dismissed", target=proposal, seller_id=proposal.seller_id, reason=reason
        )
    return proposal

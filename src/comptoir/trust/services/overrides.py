"""The operator's hand-set tier: it takes precedence over the computed one until cleared. A restrictive one (at risk,
below standard, or lower than the computed tier) is a measure with its own statement of reasons and appeal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from comptoir.core import clock
from comptoir.core.exceptions import ValidationError
from comptoir.core.permissions import require_operator
from comptoir.core.services import audit_record
from comptoir.trust import errors
from comptoir.trust.conf import trust_settings
from comptoir.trust.domain.enforcement import TIER_OVERRIDE, tier_override_is_restrictive
from comptoir.trust.domain.tiers import Tier
from comptoir.trust.models import EnforcementAction, SellerTrust
from comptoir.trust.services._common import LIFTED, notice_on_commit, trust_changed_on_commit
from comptoir.trust.services.measures import manual_action_create, required_reason, valid_ground
from comptoir.trust.services.scores import seller_trust_recompute

if TYPE_CHECKING:
    from comptoir.accounts.models import User


def seller_trust_tier_override(
    *, seller_id: int, actor: User | None, tier: str, reason: str, ground: str = "performance"
) -> SellerTrust:
    """An operator sets (or clears, with tier="") a seller's tier by hand, then the seller is recomputed. Audited; the
    reason is required. A restrictive tier (at risk, below standard, or below the computed one) opens a manual
    TIER_OVERRIDE measure with its statement (the ground cited, the operator's reason) that the seller is notified
    of and may appeal; a new override replaces the previous measure, clearing it lifts it. Raises PermissionDenied
    (not an operator), ValidationError (unknown tier or ground, no reason)."""
    require_operator(actor, message="Only an operator can override a tier.")
    if tier and tier not in Tier.__dict__.values():
        raise ValidationError(
            "Unknown tier.",
            code=errors.INVALID_TIER,
            fields={"tier": "new, top_rated, good, at_risk or below_standard."},
        )
    reason, ground = required_reason(reason), valid_ground(ground)
    with transaction.atomic():
        trust, _ = SellerTrust.objects.get_or_create(seller_id=seller_id)
        trust = SellerTrust.objects.select_for_update().get(pk=trust.pk)
        previous = trust.tier_override
        current = EnforcementAction.objects.select_for_update().filter(
            seller_id=seller_id, kind=TIER_OVERRIDE, is_active=True
        )
        for action in current:  # replaced (or cleared): the old statement no longer applies
            action.is_active, action.lifted_at, action.lifted_by = False, clock.now(), actor
            action.lifted_reason = reason
            action.save(update_fields=["is_active", "lifted_at", "lifted_by", "lifted_reason"])
            audit_record(
                actor=actor,
                action="trust.measure.lifted.tier_override",
                target=action,
                seller_id=seller_id,
                reason=reason,
            )
            if not tier_override_is_restrictive(override=tier, computed=trust.tier, config=trust_settings().rules):
                notice_on_commit(action, kind=LIFTED)
        trust.tier_override, trust.tier_override_reason = tier, reason
        trust.save(update_fields=["tier_override", "tier_override_reason"])
        audit_record(
            actor=actor,
            action="trust.tier_overridden",
            target=trust,
            seller_id=seller_id,
            reason=reason,
            data={"from": previous, "to": tier, "computed": trust.tier},
        )
        if tier_override_is_restrictive(override=tier, computed=trust.tier, config=trust_settings().rules):
            manual_action_create(
                seller_id=seller_id,
                actor=actor,
                kind=TIER_OVERRIDE,
                ground=ground,
                reason=reason,
                tier=tier,
                computed_tier=trust.tier,
            )
        if previous != tier:  # SellerTrustChanged: the recompute below compares against the overridden tier already
            trust_changed_on_commit([seller_id])
    return seller_trust_recompute(seller_id=seller_id)

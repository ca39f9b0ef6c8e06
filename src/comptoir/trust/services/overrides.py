"""The operator's hand-set tier: it takes precedence over the computed one until cleared."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from comptoir.core.exceptions import ValidationError
from comptoir.core.permissions import require_operator
from comptoir.core.services import audit_record
from comptoir.trust import errors
from comptoir.trust.domain.tiers import Tier
from comptoir.trust.models import SellerTrust
from comptoir.trust.services._common import trust_changed_on_commit
from comptoir.trust.services.scores import seller_trust_recompute

if TYPE_CHECKING:
    from comptoir.accounts.models import User


def seller_trust_tier_override(*, seller_id: int, actor: User | None, tier: str, reason: str) -> SellerTrust:
    """An operator sets (or clears, with tier="") a seller's tier by hand, then the seller is recomputed. Audited; the
    reason is required. Raises PermissionDenied (not an operator), ValidationError (unknown tier, no reason)."""
    require_operator(actor, message="Only an operator can override a tier.")
    if tier and tier not in Tier.__dict__.values():
        raise ValidationError(
            "Unknown tier.",
            code=errors.INVALID_TIER,
            fields={"tier": "new, top_rated, good, at_risk or below_standard."},
        )
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError(
            "A reason is required.",
            code=errors.REASON_REQUIRED,
            fields={"reason": "Explain the override; it is audited."},
        )
    with transaction.atomic():
        trust, _ = SellerTrust.objects.get_or_create(seller_id=seller_id)
        previous = trust.tier_override
        trust.tier_override, trust.tier_override_reason = tier, reason.strip()
        trust.save(update_fields=["tier_override", "tier_override_reason"])
        audit_record(
            actor=actor,
            action="trust.tier_overridden",
            target=trust,
            seller_id=seller_id,
            reason=reason.strip(),
            data={"from": previous, "to": tier, "computed": trust.tier},
        )
        if previous != tier:  # SellerTrustChanged: the recompute below compares against the overridden tier already
            trust_changed_on_commit([seller_id])
    return seller_trust_recompute(seller_id=seller_id)

"""One seller's trust recomputed from its buckets: the score, pillars and tier stored on SellerTrust, today's
SellerTrustHistory snapshot, and the enforcement ladder applied."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from comptoir.core import clock
from comptoir.trust.conf import trust_settings
from comptoir.trust.domain.score import TrustResult, compute_trust
from comptoir.trust.domain.tiers import Tier
from comptoir.trust.models import SellerTrust, SellerTrustHistory
from comptoir.trust.services._common import published_trust, trust_changed_on_commit
from comptoir.trust.services.enforcement import enforcement_apply
from comptoir.trust.services.inputs import listing_completeness_refresh, seller_evidence
from comptoir.trust.services.priors import scoring_config


def trust_store_result(trust: SellerTrust, result: TrustResult, *, today: dt.date, now: dt.datetime) -> str:
    """Copy a TrustResult onto the trust row (not saved) and return the effective tier. Shared by the per-seller
    and the batch recompute so that both store exactly the same values."""
    trust.score, trust.score_low, trust.score_high = result.score, result.low, result.high
    trust.transparency, trust.operations = result.pillars["transparency"], result.pillars["operations"]
    trust.security, trust.satisfaction = result.pillars["security"], result.pillars["satisfaction"]
    trust.tier = result.tier
    trust.metrics = {name: metric.as_dict() for name, metric in result.metrics.items()}
    trust.evidence_orders = result.evidence_orders
    trust.computed_at = now
    effective = trust.tier_override or trust.tier
    if effective == Tier.BELOW_STANDARD:
        trust.below_standard_since = trust.below_standard_since or today
    else:
        trust.below_standard_since = None
    return effective


def seller_trust_recompute(
    *, seller_id: int, today: dt.date | None = None, refresh_listing: bool = False, enforce: bool = True
) -> SellerTrust:
    """Recompute one seller's trust from its buckets (at most `score_horizon_days` rows), store it, snapshot
    today's history row and apply the enforcement ladder. Idempotent for a given state and day. The rates' prior
    strengths are the latest stored estimate's (`priors.scoring_config`)."""
    today = today or clock.now().date()
    config = scoring_config(trust_settings().rules)
    if refresh_listing:
        listing_completeness_refresh(seller_id=seller_id)
    with transaction.atomic():
        trust, _ = SellerTrust.objects.get_or_create(seller_id=seller_id)
        trust = SellerTrust.objects.select_for_update().get(pk=trust.pk)
        published, enforced = published_trust(trust), False  # SellerTrustChanged
        if trust.listing_completeness is None and not refresh_listing:
            trust.listing_completeness = listing_completeness_refresh(seller_id=seller_id)
        result = compute_trust(
            seller_evidence(seller_id=seller_id, today=today, trust=trust), today=today, config=config
        )
        effective = trust_store_result(trust, result, today=today, now=clock.now())
        trust.save()
        SellerTrustHistory.objects.update_or_create(
            seller_id=seller_id, day=today, defaults={"score": trust.score, "tier": effective, "metrics": trust.metrics}
        )
        if enforce:
            enforced = enforcement_apply(trust=trust, result=result, today=today, config=config)
        if enforced or published_trust(trust) != published:  # SellerTrustChanged
            trust_changed_on_commit([seller_id])
    return trust

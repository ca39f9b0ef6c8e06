"""Trust writes, one concern per module; every public name is re-exported here (`from comptoir.trust.services
import X`).

- `evidence`: the facts of a seller order folded into the seller's daily buckets, each once.
- `inputs`: what a score reads besides the buckets (listing completeness, security posture, identity links).
- `scores`: one seller recomputed, stored, snapshotted, the ladder applied.
- `batch`: every seller recomputed in chunks; the rebuild's precompute and store halves.
- `enforcement`: the automated ladder (warning, reduced visibility, suspension) opened and lifted.
- `measures`: the one path of a manual measure (warn, reduce visibility, suspend, lift, reinstate) with its statement;
  the grace period after a history import and the operator's confirmation of the measures proposed in it.
- `overrides`: the operator's hand-set tier (a restrictive one is a measure with a statement).
- `appeals`: a seller's appeal of an enforcement action and the operator's decision.
- `identity`: anti-whitewashing identity fingerprints and links at onboarding.
- `reviews`: verified-purchase reviews, replies, reports, moderation, the fraud analysis' inputs.
- `messages`: buyer–seller messages on a seller order.
- `_common`: SellerTrustChanged bookkeeping and the bulk-load switch shared by the modules above.

Incremental path (one seller-order fact at a time): `evidence_apply` folds the fact's contribution delta into the
(seller, day) buckets with F() updates, then `seller_trust_recompute` reads at most the score horizon of buckets
(O(days), never the orders), stores SellerTrust, snapshots today's SellerTrustHistory and applies the enforcement
ladder. Batch path: `trust_rebuild` recomputes the buckets from the source rows and then every seller; both paths
share the pure `order_contribution`, so they agree."""

from __future__ import annotations

from comptoir.trust.services._common import bookkeeping_deferred_to_rebuild
from comptoir.trust.services.appeals import appeal_decide, appeal_submit
from comptoir.trust.services.batch import (
    TRUST_COMPUTED_FIELDS,
    ChunkScores,
    trust_recompute_all,
    trust_scores_precompute,
    trust_scores_store,
)
from comptoir.trust.services.enforcement import enforcement_apply
from comptoir.trust.services.evidence import evidence_apply, evidence_apply_many
from comptoir.trust.services.identity import seller_identity_link
from comptoir.trust.services.inputs import listing_completeness_refresh, seller_evidence
from comptoir.trust.services.measures import (
    measure_lift,
    measure_proposal_confirm,
    measure_proposal_dismiss,
    measure_take,
    seller_measures_reinstate,
    trust_history_imported,
)
from comptoir.trust.services.messages import message_send
from comptoir.trust.services.overrides import seller_trust_tier_override
from comptoir.trust.services.reviews import (
    RATING_FIELDS,
    REVIEWABLE,
    address_hash,
    review_create,
    review_credibility_facts,
    review_moderate,
    review_reply,
    review_report,
)
from comptoir.trust.services.scores import seller_trust_recompute

__all__ = [
    "RATING_FIELDS",
    "REVIEWABLE",
    "TRUST_COMPUTED_FIELDS",
    "ChunkScores",
    "address_hash",
    "appeal_decide",
    "appeal_submit",
    "bookkeeping_deferred_to_rebuild",
    "enforcement_apply",
    "evidence_apply",
    "evidence_apply_many",
    "listing_completeness_refresh",
    "measure_lift",
    "measure_proposal_confirm",
    "measure_proposal_dismiss",
    "measure_take",
    "message_send",
    "review_create",
    "review_credibility_facts",
    "review_moderate",
    "review_reply",
    "review_report",
    "seller_evidence",
    "seller_identity_link",
    "seller_measures_reinstate",
    "seller_trust_recompute",
    "seller_trust_tier_override",
    "trust_history_imported",
    "trust_recompute_all",
    "trust_scores_precompute",
    "trust_scores_store",
]

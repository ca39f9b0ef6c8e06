"""Background work of the trust domain. Every task is idempotent: a fact is folded once (TrustEvidenceApplied),
a recompute is a pure function of the buckets, the ladder never opens an active kind twice."""

from __future__ import annotations

import functools

from django.db import transaction
from django.tasks import task

from comptoir.core import clock
from comptoir.trust.domain.evidence import METRIC_ACTIONS as METRIC_ACTIONS  # read here by bench/trust.py


@task()
def evidence_apply_task(seller_order_id: int, fact_key: str) -> bool:
    from comptoir.trust.services import evidence_apply

    return evidence_apply(seller_order_id=seller_order_id, fact_key=fact_key)


@task()
def evidence_apply_batch_task(facts: list) -> int:
    """The facts of one committed transaction ([[seller_order_id, fact_key], ...]): each folded once, then each
    seller concerned recomputed once."""
    from comptoir.trust.services import evidence_apply_many

    return evidence_apply_many(facts=[(int(seller_order_id), str(fact_key)) for seller_order_id, fact_key in facts])


@task()
def seller_identity_link_task(seller_id: int) -> int:
    from comptoir.trust.services import seller_identity_link

    return len(seller_identity_link(seller_id=seller_id))


@task()
def listing_completeness_task(seller_id: int) -> None:
    from comptoir.trust.services import listing_completeness_refresh, seller_trust_recompute

    listing_completeness_refresh(seller_id=seller_id)
    seller_trust_recompute(seller_id=seller_id)


@task()
def trust_daily_task() -> int:
    """Once a day: recompute every seller so that windows slide, decay ages and the ladder advances without events."""
    from comptoir.trust.services import trust_recompute_all

    return trust_recompute_all(today=clock.now().date())


def enqueue_evidence(*, seller_order_id: int, fact_key: str) -> None:
    """Enqueue the folding of one fact after the current transaction commits."""
    transaction.on_commit(
        functools.partial(evidence_apply_task.enqueue, seller_order_id=seller_order_id, fact_key=fact_key)
    )

"""Background work of the trust domain. Every task is idempotent: a fact is folded once (TrustEvidenceApplied),
a recompute is a pure function of the buckets, the ladder never opens an active kind twice."""

from __future__ import annotations

import functools

from django.db import transaction
from django.tasks import task

from comptoir.core import clock


@task()
def evidence_apply_task(seller_order_id: int, fact_key: str) -> bool:
    from comptoir.trust.services import evidence_apply

    return evidence_apply(seller_order_id=seller_order_id, fact_key=fact_key)


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
    from comptoir.sellers.models import Seller
    from comptoir.trust.services import seller_trust_recompute

    today = clock.now().date()
    count = 0
    for seller_id in Seller.objects.order_by("pk").values_list("pk", flat=True):
        seller_trust_recompute(seller_id=seller_id, today=today)
        count += 1
    return count


def enqueue_evidence(*, seller_order_id: int, fact_key: str) -> None:
    """Enqueue the folding of one fact after the current transaction commits."""
    transaction.on_commit(functools.partial(evidence_apply_task.enqueue, seller_order_id=seller_order_id, fact_key=fact_key))


# --- Subscriptions (registered in TrustConfig.ready) ----------------------------------------------

def on_seller_order_transitioned(event) -> None:
    enqueue_evidence(seller_order_id=event.seller_order_id, fact_key=f"event:{event.event_id}")


def on_seller_onboarded(event) -> None:
    transaction.on_commit(functools.partial(seller_identity_link_task.enqueue, seller_id=event.seller_id))


def on_offer_changed(event) -> None:
    transaction.on_commit(functools.partial(listing_completeness_task.enqueue, seller_id=event.seller_id))

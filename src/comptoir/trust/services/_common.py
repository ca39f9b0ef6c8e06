"""Helpers several trust service modules share: what the search index copies of a seller's trust (and the
SellerTrustChanged event published when it moves), and the bulk-load switch that defers per-fact bookkeeping to
the closing rebuild."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Collection, Iterator
from decimal import Decimal

from comptoir.core import clock
from comptoir.core.events import publish_on_commit
from comptoir.trust.events import EnforcementNoticeIssued, SellerTrustChanged
from comptoir.trust.models import EnforcementAction, SellerTrust
from comptoir.trust.tasks import enqueue_evidence

# --- SellerTrustChanged (for the search index) -----------------------------------------------------
# What other domains copy from a seller's trust (the search index's browse order): compared before and after a
# store so that the event is published only when one of them moved; an enforcement action opened or lifted counts
# as a move (it changes the visibility multiplier).


def published_trust(trust: SellerTrust) -> tuple[Decimal, Decimal, str]:
    return (trust.score, trust.satisfaction, trust.tier_override or trust.tier)


def trust_changed_on_commit(seller_ids: Collection[int]) -> None:
    """Publish one SellerTrustChanged for these sellers after the current transaction commits (none when empty)."""
    if seller_ids:
        publish_on_commit(SellerTrustChanged(seller_ids=tuple(sorted(seller_ids)), at=clock.now()))


# --- EnforcementNoticeIssued (the seller's notice of a measure or of its lifting) ----------------------------

LIFTED = "lifted"  # EnforcementNoticeIssued.kind of a lifting (the action's own kind says what was lifted)


def notice_on_commit(action: EnforcementAction, *, kind: str | None = None) -> None:
    """Publish EnforcementNoticeIssued after the commit: a measure opened (its kind), or its lifting (kind
    "lifted"). `manual` says whether a person decided this step (opened or lifted it by hand)."""
    manual = action.lifted_by_id is not None if kind == LIFTED else not action.is_automated
    publish_on_commit(
        EnforcementNoticeIssued(
            enforcement_action_id=action.pk,
            seller_id=action.seller_id,
            kind=kind or action.kind,
            manual=manual,
            at=clock.now(),
        )
    )


# --- Bulk loads -------------------------------------------------------------------------------------

_bulk_load = threading.local()


@contextlib.contextmanager
def bookkeeping_deferred_to_rebuild() -> Iterator[None]:
    """For bulk loads (demo seeding, imports) that end with `trust_rebuild`: reviews and messages written in this
    thread get a provisional full credibility and enqueue no evidence task; the rebuild then computes credibility
    over all reviews at once and every bucket from the rows. Without it a bulk history costs one fraud analysis per
    review (quadratic) and folds reviews onto buckets that may miss their orders' facts."""
    previous = getattr(_bulk_load, "active", False)
    _bulk_load.active = True
    try:
        yield
    finally:
        _bulk_load.active = previous


def bookkeeping_deferred() -> bool:
    """True inside `bookkeeping_deferred_to_rebuild` (in this thread)."""
    return bool(getattr(_bulk_load, "active", False))


def fact_on_commit(seller_order_id: int, fact_key: str) -> None:
    """Fold this fact into its seller's evidence by a task queued after the commit (unless a bulk load defers it)."""
    if bookkeeping_deferred():
        return  # the closing trust_rebuild folds this fact
    enqueue_evidence(seller_order_id=seller_order_id, fact_key=fact_key)

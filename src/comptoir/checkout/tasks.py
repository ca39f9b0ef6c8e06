"""Background work of checkout. Tasks are idempotent and safe to retry or to run twice at once."""

from __future__ import annotations

from django.tasks import task

from comptoir.checkout.services import seller_orders_release_due


@task()
def release_due_task(limit: int = 500) -> int:
    """Release escrow of every delivered seller order whose hold has elapsed (no open dispute).

    Each release is its own transaction guarded by the seller order's state and the ledger entry's
    unique source key, so a second worker running the same task at the same time releases nothing
    twice. Returns how many seller orders this run released."""
    return seller_orders_release_due(limit=limit)

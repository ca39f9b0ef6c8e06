"""Background work of the compliance app (idempotent, safe to retry)."""

from __future__ import annotations

from django.tasks import task


@task()
def compliance_refresh_task() -> int:
    """Recompute every offer's market blocks against the rules in force today (the scheduler, hourly: a rule that
    comes into force at midnight blocks within the hour). Answers the number of offers whose blocks changed."""
    from comptoir.compliance.services import offer_market_blocks_refresh

    return len(offer_market_blocks_refresh().changed_offer_ids)

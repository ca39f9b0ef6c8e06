"""Background work of the filings app (idempotent: safe to retry)."""

from __future__ import annotations

from django.tasks import task

from comptoir.filings import services


@task()
def distance_sales_count_task(seller_order_ids: list[int], only_new: bool = False) -> int:
    """Count these seller orders' intra-EU distance sales towards their sellers' thresholds."""
    return len(services.distance_sales_count(seller_order_ids=seller_order_ids, only_new=only_new))

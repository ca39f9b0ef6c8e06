"""Search tasks: reindexing off the writer's transaction and the request path (idempotent, safe to retry)."""

from __future__ import annotations

from django.tasks import task

from comptoir.search.services import (
    search_index_products,
    search_index_sellers,
    search_prices_follow_tax_rules,
    search_reindex,
    search_seller_trust_refresh,
)


@task()
def search_index_products_task(product_ids: list[int]) -> int:
    """Enqueued on commit by search.subscribers.on_offer_changed."""
    return search_index_products(product_ids=product_ids)


@task()
def search_index_sellers_task(seller_ids: list[int]) -> int:
    """Enqueued on commit by search.subscribers.on_seller_status_changed."""
    return search_index_sellers(seller_ids=seller_ids)


@task()
def search_reindex_task() -> int:
    return search_reindex().documents


@task()
def search_seller_trust_refresh_task(seller_ids: list[int]) -> int:
    """Enqueued once per committed batch of SellerTrustChanged (search.subscribers)."""
    return search_seller_trust_refresh(seller_ids=seller_ids)


@task()
def search_prices_follow_tax_rules_task() -> int:
    """Enqueued on commit by search.subscribers.on_tax_rules_changed, and every hour by the scheduler (a rate coming
    into force on its day, an edit in the admin)."""
    return search_prices_follow_tax_rules()

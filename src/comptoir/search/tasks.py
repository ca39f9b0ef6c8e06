"""Search tasks: reindexing off the request path (idempotent, safe to retry)."""

from __future__ import annotations

from django.tasks import task

from comptoir.search.services import search_index_products, search_reindex


@task()
def search_index_products_task(product_ids: list[int]) -> int:
    return search_index_products(product_ids)


@task()
def search_reindex_task() -> int:
    return search_reindex().documents

"""Keeping the index in step with the other domains through the event bus (core/events.py); registered by SearchConfig.

- `OfferChanged` (offers services) and `SellerStatusChanged` (sellers services) are published inside the writer's
  transaction. The handler only reads which products are touched and queues one reindexing task for when that
  transaction commits (`transaction.on_commit`): the writer's transaction does no index work, and a rolled-back change
  queues nothing. With the in-process task backend ("immediate") the task runs right after the commit, so a committed
  change is searchable when the service returns; with the database backend, when a worker picks it up.
- `SellerTrustChanged` (trust services, one event per stored batch of sellers) is published on commit and handled once
  per committed transaction: one task rewrites the trust copy and browse quality of the documents those sellers rank
  (`search_seller_trust_refresh`), never the text.

`TaxRulesChanged` (a VAT rate import, a duty rules load) queues `search_prices_follow_tax_rules` on commit: the
destination prices follow the new rates without a manual `comptoir search reindex` (a rate starting on a later day is
picked up by the scheduler's hourly run of the same task, which compares the rules in force with those the index was
priced with). `SellerVatStatusChanged` (a seller now charging destination VAT, or no longer) reindexes its products.

`ProductsChanged` (catalog services: a variant or a family edited) queues the reindexing of those products on commit.
A new product has no event (without offers there is nothing to index; its first offer's OfferChanged indexes it), nor
have shipping rates (created with their profile, before any offer uses them, never edited). Bulk loads pause delivery
(`events.delivery_paused`) and end with `search_reindex()`.

Handlers catch nothing: a failure reaches the bus (which logs it) or, on commit, the task backend."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:
    from comptoir.catalog.events import ProductsChanged
    from comptoir.compliance.events import OfferMarketsChanged
    from comptoir.offers.events import OfferChanged, OffersChanged
    from comptoir.sellers.events import SellerStatusChanged
    from comptoir.taxes.events import SellerVatStatusChanged, TaxRulesChanged
    from comptoir.trust.events import SellerTrustChanged


def on_tax_rules_changed(event: TaxRulesChanged) -> None:
    """VAT rates or duty rules changed (delivered after their commit): re-price the index's destination prices."""
    from comptoir.search.tasks import search_prices_follow_tax_rules_task

    search_prices_follow_tax_rules_task.enqueue()


def on_seller_vat_status_changed(event: SellerVatStatusChanged) -> None:
    """A seller starts or stops charging destination VAT (delivered after the commit): reindex its products."""
    from comptoir.search.tasks import search_index_sellers_task

    search_index_sellers_task.enqueue(seller_ids=[event.seller_id])


def on_offers_changed(event: OffersChanged) -> None:
    """A bulk update: one reindexing task for every product the changed offers belong to, on commit."""
    from comptoir.search.tasks import search_index_products_task

    if event.product_ids:
        transaction.on_commit(
            functools.partial(search_index_products_task.enqueue, product_ids=list(event.product_ids))
        )


def on_offer_changed(event: OfferChanged) -> None:
    """Queue the reindexing of the offer's product for when the writer's transaction commits."""
    from comptoir.offers.models import Offer
    from comptoir.search.tasks import search_index_products_task

    product_ids = sorted(set(Offer.objects.filter(pk=event.offer_id).values_list("product_id", flat=True)))
    if product_ids:
        transaction.on_commit(functools.partial(search_index_products_task.enqueue, product_ids=product_ids))


def on_products_changed(event: ProductsChanged) -> None:
    """Queue the reindexing of products whose searched text or options changed (variants, families) on commit."""
    from comptoir.search.tasks import search_index_products_task

    if event.product_ids:
        transaction.on_commit(
            functools.partial(search_index_products_task.enqueue, product_ids=sorted(event.product_ids))
        )


def on_offer_markets_changed(event: OfferMarketsChanged) -> None:
    """Country rules blocked or freed these offers somewhere (docs/COMPLIANCE.md): reindex their products on commit."""
    from comptoir.search.tasks import search_index_products_task

    if event.product_ids:
        transaction.on_commit(
            functools.partial(search_index_products_task.enqueue, product_ids=list(event.product_ids))
        )


def on_seller_status_changed(event: SellerStatusChanged) -> None:
    """Queue the reindexing of every product the seller offers (its offers appear or disappear) on commit."""
    from comptoir.search.tasks import search_index_sellers_task

    transaction.on_commit(functools.partial(search_index_sellers_task.enqueue, seller_ids=[event.seller_id]))


def on_sellers_trust_changed(events: Sequence[SellerTrustChanged]) -> None:
    """Batch subscriber: every SellerTrustChanged of one committed transaction (a chunk of the batch recompute) → one
    task."""
    from comptoir.search.tasks import search_seller_trust_refresh_task

    seller_ids = sorted({seller_id for event in events for seller_id in event.seller_ids})
    if seller_ids:
        search_seller_trust_refresh_task.enqueue(seller_ids=seller_ids)


def connect() -> None:
    from comptoir.catalog.events import ProductsChanged
    from comptoir.compliance.events import OfferMarketsChanged
    from comptoir.core.events import subscribe, subscribe_batch
    from comptoir.offers.events import OfferChanged, OffersChanged
    from comptoir.sellers.events import SellerStatusChanged
    from comptoir.taxes.events import SellerVatStatusChanged, TaxRulesChanged
    from comptoir.trust.events import SellerTrustChanged

    subscribe(OfferChanged, on_offer_changed)
    subscribe(TaxRulesChanged, on_tax_rules_changed)
    subscribe(SellerVatStatusChanged, on_seller_vat_status_changed)
    subscribe(ProductsChanged, on_products_changed)
    subscribe(OffersChanged, on_offers_changed)
    subscribe(OfferMarketsChanged, on_offer_markets_changed)
    subscribe(SellerStatusChanged, on_seller_status_changed)
    subscribe_batch(SellerTrustChanged, on_sellers_trust_changed)

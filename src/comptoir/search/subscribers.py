"""Keeping the index in step with the other domains through the event bus (core/events.py); registered by SearchConfig.

- `OfferChanged` (offers services) and `SellerStatusChanged` (sellers services) are published inside the writer's
  transaction and handled at once: the touched products are reindexed in that transaction, so the index never shows a
  rolled-back state and a committed change is searchable when the service returns.
- `SellerTrustChanged` (trust services, one event per stored batch of sellers) is published on commit and handled once per
  committed transaction: one task rewrites the trust copy and browse quality of the documents those sellers rank
  (`search_seller_trust_refresh`), never the text.

Products and shipping rates have no event: a product is only created (without offers, so there is nothing to index; its
first offer's OfferChanged indexes it) and rates are created with their profile, before any offer uses them; neither is
edited afterwards (the admin is read-only). Bulk loads pause delivery (`events.delivery_paused`) and end with
`search_reindex()`."""

from __future__ import annotations


def on_offer_changed(event) -> None:
    from comptoir.offers.models import Offer
    from comptoir.search.services import search_index_products

    search_index_products(Offer.objects.filter(pk=event.offer_id).values_list("product_id", flat=True))


def on_seller_status_changed(event) -> None:
    from comptoir.search.services import search_index_sellers

    search_index_sellers([event.seller_id])


def on_sellers_trust_changed(events) -> None:
    """Batch subscriber: every SellerTrustChanged of one committed transaction (a chunk of the batch recompute) → one task."""
    from comptoir.search.tasks import search_seller_trust_refresh_task

    seller_ids = sorted({seller_id for event in events for seller_id in event.seller_ids})
    if seller_ids:
        search_seller_trust_refresh_task.enqueue(seller_ids=seller_ids)


def connect() -> None:
    from comptoir.core.events import subscribe, subscribe_batch
    from comptoir.offers.events import OfferChanged
    from comptoir.sellers.events import SellerStatusChanged
    from comptoir.trust.events import SellerTrustChanged

    subscribe(OfferChanged, on_offer_changed)
    subscribe(SellerStatusChanged, on_seller_status_changed)
    subscribe_batch(SellerTrustChanged, on_sellers_trust_changed)

"""Keeping offers' market blocks in step (registered by ComplianceConfig). Offers and products publish inside the
writer's transaction; the blocks are recomputed there too, so a committed offer is never visible where it may not be
sold, and a rolled-back change leaves the blocks as they were. Bulk loads pause the bus and refresh at their end."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from comptoir.catalog.events import ProductsChanged
    from comptoir.offers.events import OfferChanged, OffersChanged


def on_offer_changed(event: OfferChanged) -> None:
    from comptoir.compliance.services import offer_market_blocks_refresh

    offer_market_blocks_refresh(offer_ids=[event.offer_id])


def on_offers_changed(event: OffersChanged) -> None:
    from comptoir.compliance.services import offer_market_blocks_refresh

    offer_market_blocks_refresh(offer_ids=event.offer_ids)


def on_products_changed(event: ProductsChanged) -> None:
    from comptoir.compliance.services import offer_market_blocks_refresh

    offer_market_blocks_refresh(product_ids=event.product_ids)


def connect() -> None:
    from comptoir.catalog.events import ProductsChanged
    from comptoir.core.events import subscribe
    from comptoir.offers.events import OfferChanged, OffersChanged

    subscribe(OfferChanged, on_offer_changed)
    subscribe(OffersChanged, on_offers_changed)
    subscribe(ProductsChanged, on_products_changed)

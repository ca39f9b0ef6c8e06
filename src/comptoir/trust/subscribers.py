"""What trust listens to on the event bus; connected by TrustConfig.ready.

Order transitions fold into the sellers' evidence (one task per committed transaction), a new seller gets its trust
row, an offer change refreshes the listing-transparency signal. The handlers live in trust/tasks.py."""

from __future__ import annotations


def connect() -> None:
    from comptoir.core.events import subscribe, subscribe_batch
    from comptoir.offers.events import OfferChanged
    from comptoir.orders.events import SellerOrderTransitioned
    from comptoir.sellers.events import SellerOnboarded
    from comptoir.trust import tasks

    subscribe_batch(SellerOrderTransitioned, tasks.on_seller_orders_transitioned)
    subscribe(SellerOnboarded, tasks.on_seller_onboarded)
    subscribe(OfferChanged, tasks.on_offer_changed)

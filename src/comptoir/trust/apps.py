from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "comptoir.trust"
    label = "trust"
    verbose_name = "Trust and enforcement"

    def ready(self) -> None:
        from comptoir.core.events import OfferChanged, SellerOnboarded, SellerOrderTransitioned, subscribe, subscribe_batch
        from comptoir.trust import tasks

        subscribe_batch(SellerOrderTransitioned, tasks.on_seller_orders_transitioned)
        subscribe(SellerOnboarded, tasks.on_seller_onboarded)
        subscribe(OfferChanged, tasks.on_offer_changed)

from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "comptoir.trust"
    label = "trust"
    verbose_name = "Trust and enforcement"

    def ready(self) -> None:
        from comptoir.core.events import OfferChanged, SellerOnboarded, SellerOrderTransitioned, subscribe
        from comptoir.trust import tasks

        subscribe(SellerOrderTransitioned, tasks.on_seller_order_transitioned)
        subscribe(SellerOnboarded, tasks.on_seller_onboarded)
        subscribe(OfferChanged, tasks.on_offer_changed)

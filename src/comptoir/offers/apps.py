from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "comptoir.offers"
    label = "offers"
    verbose_name = "Offers"

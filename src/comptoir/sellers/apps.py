from django.apps import AppConfig


class SellersConfig(AppConfig):
    name = "comptoir.sellers"
    label = "sellers"
    verbose_name = "Sellers"

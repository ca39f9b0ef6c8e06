from django.apps import AppConfig


class CurrenciesConfig(AppConfig):
    name = "comptoir.currencies"
    label = "currencies"
    verbose_name = "Currencies"

from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "comptoir.trust"
    label = "trust"
    verbose_name = "Trust and enforcement"

from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "comptoir.trust"
    label = "trust"
    verbose_name = "Trust and enforcement"

    def ready(self) -> None:
        from comptoir.trust import subscribers

        subscribers.connect()

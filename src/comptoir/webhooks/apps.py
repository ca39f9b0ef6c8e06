from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "comptoir.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from comptoir.webhooks import subscribers

        subscribers.connect()

from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "comptoir.orders"
    label = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        from comptoir.orders import subscribers

        subscribers.connect()

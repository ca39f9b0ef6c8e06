from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "comptoir.orders"
    label = "orders"
    verbose_name = "Orders"

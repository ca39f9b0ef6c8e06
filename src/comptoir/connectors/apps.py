from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    name = "comptoir.connectors"
    label = "connectors"
    verbose_name = "Connectors"

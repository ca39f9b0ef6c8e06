from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "comptoir.api"
    label = "comptoir_api"

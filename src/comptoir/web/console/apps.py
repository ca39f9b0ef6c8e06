from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "comptoir.web.console"
    label = "console"

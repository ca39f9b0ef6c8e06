from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "comptoir.feeds"
    label = "feeds"
    verbose_name = "Feeds"

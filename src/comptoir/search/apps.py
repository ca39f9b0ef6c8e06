from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "comptoir.search"
    label = "search"
    verbose_name = "Search and ranking"

    def ready(self) -> None:
        from comptoir.search import hooks

        hooks.connect()

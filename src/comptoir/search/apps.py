from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _drop_orphan_fulltext_rows(sender, using="default", **kwargs) -> None:
    """After a database flush (which empties model tables but not the SQLite FTS5 virtual table), drop the
    full-text rows whose documents are gone, so that a reused product id never matches stale text. Only when no
    document is left at all: a normal `migrate` on a live index never touches it."""
    from django.db import connections

    from comptoir.search.models import SearchDocument

    connection = connections[using]
    if connection.vendor != "sqlite" or "search_fts" not in connection.introspection.table_names():
        return
    if not SearchDocument.objects.using(using).exists():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")


class SearchConfig(AppConfig):
    name = "comptoir.search"
    label = "search"
    verbose_name = "Search and ranking"

    def ready(self) -> None:
        from comptoir.search import subscribers

        subscribers.connect()
        post_migrate.connect(_drop_orphan_fulltext_rows, sender=self)

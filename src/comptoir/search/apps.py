from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _drop_orphan_fulltext_rows(sender, using="default", **kwargs) -> None:
    """After a database flush (which empties model tables but not the SQLite FTS5 virtual tables, one per language),
    drop the full-text rows whose documents are gone, so that a reused product id never matches stale text. Only when
    no document is left at all: a normal `migrate` on a live index never touches it."""
    from django.db import connections

    from comptoir.search.models import SearchDocument

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    tables = [
        name
        for name in connection.introspection.table_names()
        if name.startswith("search_fts_") and name.count("_") == 2
    ]
    if tables and not SearchDocument.objects.using(using).exists():
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")


class SearchConfig(AppConfig):
    name = "comptoir.search"
    label = "search"
    verbose_name = "Search and ranking"

    def ready(self) -> None:
        from comptoir.search import subscribers

        subscribers.connect()
        post_migrate.connect(_drop_orphan_fulltext_rows, sender=self)

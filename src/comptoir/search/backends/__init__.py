"""The full-text backend for the current database: SQLite FTS5 or PostgreSQL tsvector + GIN."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import connection


def get_backend():
    if connection.vendor == "sqlite":
        from comptoir.search.backends.sqlite import SqliteFts5Backend

        return SqliteFts5Backend()
    if connection.vendor == "postgresql":
        from comptoir.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    raise ImproperlyConfigured(f"No search backend for the {connection.vendor} database.")

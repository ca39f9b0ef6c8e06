"""Database helpers for bulk reads: the rows of a queryset streamed through the cursor, without model instances
or the ORM's per-value converters (the batch jobs that read millions of rows: trust rebuild and recompute)."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.db import connections, router


def _fast_timestamps(connection, cursor) -> None:
    """On PostgreSQL, timestamps from psycopg's own C loader for this cursor: aware, in the session's zone (UTC, as
    Django sets it), the same instants Django's loader gives at a third of its cost."""
    if connection.vendor == "postgresql":
        import psycopg

        oid = psycopg.postgres.types["timestamptz"].oid
        cursor.cursor.adapters.register_loader(oid, psycopg.adapters.get_loader(oid, psycopg.pq.Format.TEXT))


def raw_rows(queryset):
    """The rows of a `values_list` queryset as the database driver returns them (no ORM converters), in batches
    (PostgreSQL timestamps from psycopg's C loader: `_fast_timestamps`)."""
    connection = connections[queryset.db]
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    with connection.cursor() as cursor:
        _fast_timestamps(connection, cursor)
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(5000):
            yield from rows


def stream_rows(queryset, *, datetimes: tuple[int, ...] = (), dates: tuple[int, ...] = (), jsons: tuple[int, ...] = ()):
    """The rows of a `values_list` queryset, fetched through the cursor in batches: the same values the ORM returns
    (aware datetimes, dates, decoded JSON) for the columns named by position, without its per-value converters.
    Only for plain columns: datetime, date, JSON, and values the driver returns as-is."""
    connection = connections[queryset.db]
    zone = connection.timezone if settings.USE_TZ else None
    from_iso, to_date = dt.datetime.fromisoformat, dt.date.fromisoformat
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    with connection.cursor() as cursor:
        _fast_timestamps(connection, cursor)
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(5000):
            if not (datetimes or dates or jsons):
                yield from rows
                continue
            for row in rows:
                row = list(row)
                for index in datetimes:
                    value = row[index]
                    if value.__class__ is str:
                        value = from_iso(value)
                    if value is not None and zone is not None and value.tzinfo is None:
                        value = value.replace(tzinfo=zone)  # what timezone.make_aware does with a zoneinfo zone
                    row[index] = value
                for index in dates:
                    if row[index].__class__ is str:
                        row[index] = to_date(row[index])
                for index in jsons:
                    value = row[index]
                    if value.__class__ is str:
                        row[index] = [] if value == "[]" else json.loads(value)  # most stored lists are empty
                yield row


def upsert_rows(model, objects, *, unique_fields: list[str], update_fields: list[str]) -> int:
    """INSERT … ON CONFLICT (unique_fields) DO UPDATE SET update_fields, for each of `objects`, through one prepared
    single-row statement run by the driver's executemany (PostgreSQL and SQLite share the syntax). What
    `bulk_create(update_conflicts=True)` stores, for batch jobs: on PostgreSQL its UNNEST form dumps each column as an
    array in Python, quoting every JSON text character by character (≈ 1 ms a row for the trust metrics)."""
    objects = list(objects)
    if not objects:
        return 0
    connection = connections[router.db_for_write(model)]
    meta, quote = model._meta, connection.ops.quote_name
    fields = [
        field for field in meta.concrete_fields if field is not meta.auto_field
    ]  # every column, as bulk_create inserts them
    unique = [meta.get_field(name) for name in unique_fields]
    updates = [meta.get_field(name) for name in update_fields]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({', '.join(quote(field.column) for field in unique)}) "
        f"DO UPDATE SET {', '.join(f'{quote(field.column)} = EXCLUDED.{quote(field.column)}' for field in updates)}"
    )
    rows = [[field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(rows)

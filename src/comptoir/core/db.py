"""Database helpers for bulk reads: the rows of a queryset streamed through the cursor, without model instances
or the ORM's per-value converters (the batch jobs that read millions of rows: trust rebuild and recompute)."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.db import connections


def raw_rows(queryset):
    """The rows of a `values_list` queryset as the database driver returns them (no ORM converters), in batches.
    On PostgreSQL timestamps come from psycopg's own C loader: aware, in the session's zone (UTC, as Django sets it),
    the same instants Django's loader gives at a third of its cost."""
    connection = connections[queryset.db]
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            import psycopg

            oid = psycopg.postgres.types["timestamptz"].oid
            cursor.cursor.adapters.register_loader(oid, psycopg.adapters.get_loader(oid, psycopg.pq.Format.TEXT))
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

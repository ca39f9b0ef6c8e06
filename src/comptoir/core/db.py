"""Database helpers for bulk reads: the rows of a queryset streamed through the cursor, without model instances
or the ORM's per-value converters (the batch jobs that read millions of rows: trust rebuild and recompute)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import connections, models, router
from django.db.models.fields import AutoFieldMixin
from django.utils.connection import ConnectionProxy


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


_QMARK_SQL: dict[str, str] = {}


class _DriverCursor:
    """The database driver's own cursor, for a fixed statement (`fixed_cursor`): `execute`, `fetchall`, `fetchone`
    and `rowcount`, with the driver's errors translated into Django's (`wrap_database_errors`, which also marks the
    connection as having failed, as Django's cursor does). On SQLite the statement's `%s` placeholders become `?` as
    Django's cursor converts them, the converted text kept per process (fixed statements are few)."""

    __slots__ = ("connection", "cursor", "errors", "is_sqlite")

    def __init__(self, connection) -> None:
        # The checks Django's `connection.cursor()` makes before giving a cursor.
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        connection.validate_thread_sharing()
        self.connection, self.errors = connection, connection.wrap_database_errors
        self.is_sqlite = connection.vendor == "sqlite"
        with self.errors:
            # SQLite: the driver's plain cursor (Django's adds the placeholder conversion `execute` does here);
            # PostgreSQL: the backend's own cursor (it registers the connection's time zone loader when needed).
            self.cursor = connection.connection.cursor() if self.is_sqlite else connection.create_cursor()

    def __enter__(self) -> _DriverCursor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        # As Django's cursor wrapper: closing the cursor of a connection already gone is not an error.
        with contextlib.suppress(self.connection.Database.Error):
            self.cursor.close()

    def execute(self, sql: str, params: list | tuple) -> None:
        if self.is_sqlite:
            converted = _QMARK_SQL.get(sql)
            if converted is None:
                from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX

                if len(_QMARK_SQL) > 4096:  # a bound, should a caller ever pass texts that vary
                    _QMARK_SQL.clear()
                converted = _QMARK_SQL[sql] = FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%")
            sql = converted
        self.connection.validate_no_broken_transaction()
        with self.errors:
            self.cursor.execute(sql, params)

    def fetchall(self) -> list:
        with self.errors:
            return self.cursor.fetchall()

    def fetchone(self) -> Any:
        with self.errors:
            return self.cursor.fetchone()

    @property
    def rowcount(self) -> int:
        return self.cursor.rowcount


def fixed_cursor(connection) -> Any:
    """A cursor (a context manager, as `connection.cursor()`) for the hot paths' fixed statements (this module's, the
    checkout's reads, stock take, idempotency claim and ledger statements): the driver's own cursor (`_DriverCursor`)
    without Django's cursor wrapper, whose Python around each statement cost the worker ≈ 30 µs on SQLite — more than
    SQLite's own work for most of the checkout's statements. The checks Django's cursor makes are kept: the
    connection's health check and opening, thread sharing, a broken transaction (`validate_no_broken_transaction`),
    error translation. Whenever something watches the statements — Django's query log (DEBUG, `assertNumQueries`,
    `django_assert_num_queries`) or an `execute_wrapper` — the statement goes through Django's own cursor, so that
    every statement is still seen and counted (the query budgets). `connection` may be `django.db.connection`."""
    if type(connection) is ConnectionProxy:
        connection = connections[connection._alias]  # each attribute read through the proxy costs a lookup
    if connection.queries_logged or connection.execute_wrappers:
        return connection.cursor()
    return _DriverCursor(connection)


_CONSTRUCTOR_COLUMNS: dict[type, tuple[list[tuple[str, Any]], frozenset[str]]] = {}


def new_instance(model, values: dict[str, Any]) -> Any:
    """`model(**values)` for `values` keyed by attname (a foreign key by its `…_id`), built through the model's
    positional constructor (every concrete field in order, the others at their field's default, as the keyword
    constructor sets them): the keyword constructor's per-field look-ups cost the checkout's hot path more than
    the rest of building its rows. Unknown names raise TypeError, as the keyword constructor does; a related object
    is not cached (assign it afterwards through its field when it is to be read)."""
    cached = _CONSTRUCTOR_COLUMNS.get(model)
    if cached is None:
        fields = model._meta.concrete_fields
        cached = _CONSTRUCTOR_COLUMNS[model] = (
            [(field.attname, field.get_default) for field in fields],
            frozenset(field.attname for field in fields),
        )
    columns, attnames = cached
    if not attnames.issuperset(values):
        raise TypeError(f"{model.__name__} got unexpected arguments: {sorted(set(values) - attnames)}")
    return model(*[values[attname] if attname in values else get_default() for attname, get_default in columns])


_INSERT_SQL: dict[tuple, tuple[str, list]] = {}
# Fields whose get_db_prep_save returns a value of these exact types unchanged (CharField.to_python of a str, int()
# of an int, …): such values are passed as they are, every other value through the field, as the ORM does.
_PASS_THROUGH: tuple[tuple[type[models.Field], tuple[type, ...]], ...] = (
    (models.CharField, (str,)),
    (models.TextField, (str,)),
    (models.BooleanField, (bool,)),
    (models.IntegerField, (int,)),  # BigIntegerField, PositiveIntegerField, … too
)


_last_datetime: list[tuple[Any, Any, Any]] = [(None, None, None)]  # `_prepared`'s last (datetime, ops, adapted)


def _prepared(field, value: Any, connection) -> Any:
    """`field.get_db_prep_save(value, connection)` by its shortest route for the values the hot write paths store
    most — an aware datetime in a DateTimeField, a date in a DateField, a dict or list in a JSONField (Django's own
    classes, not subclasses) — where Django's route ends in the same backend adapter after checks these values
    pass (no expression, no lazy string, already the field's type, aware); every other value through the field."""
    kind = type(field)
    value_type = type(value)
    if kind is models.DateTimeField:
        # A checkout stores its one `now` in a dozen columns (order, seller orders, events, tasks): the last datetime
        # adapted is kept, keyed by the object itself and the backend's operations (datetimes are immutable).
        last = _last_datetime[0]  # one tuple, read once: another thread may replace it meanwhile
        if value is last[0] and connection.ops is last[1]:
            return last[2]
        if value_type is dt.datetime and value.utcoffset() is not None and settings.USE_TZ:
            adapted = connection.ops.adapt_datetimefield_value(value)
            _last_datetime[0] = (value, connection.ops, adapted)
            return adapted
    elif kind is models.DateField:
        if value_type is dt.date:
            return connection.ops.adapt_datefield_value(value)
    elif kind is models.JSONField and (value_type is dict or value_type is list):
        return connection.ops.adapt_json_value(value, field.encoder)
    return field.get_db_prep_save(value, connection)


def _pass_through_types(field) -> tuple[type, ...]:
    """The value types `field.get_db_prep_save` returns unchanged (see _PASS_THROUGH); a foreign key to an integer
    primary key passes an int through too (its target's AutoField/BigAutoField returns it as it is: int(), then
    `validate_autopk_value`, which only MySQL's backend overrides, and Comptoir runs on PostgreSQL and SQLite)."""
    if field.is_relation:
        target: Any = type(getattr(field, "target_field", None))
        if (
            field.many_to_one
            and type(field).get_db_prep_save is models.ForeignKey.get_db_prep_save
            and issubclass(target, models.AutoField | models.BigAutoField)
            and target.get_db_prep_save is AutoFieldMixin.get_db_prep_save
            and target.get_db_prep_value is AutoFieldMixin.get_db_prep_value
            and target.get_prep_value is models.IntegerField.get_prep_value
        ):
            return (int,)
        return ()
    if type(field).get_db_prep_save is not models.Field.get_db_prep_save:
        return ()
    for base, accepted in _PASS_THROUGH:
        if isinstance(field, base) and type(field).get_prep_value is base.get_prep_value:
            return accepted
    return ()


def _insert_spec(field) -> tuple:
    """(field, attname, plain pre_save, types passed through) for one column of an INSERT."""
    plain_pre_save = type(field).pre_save is models.Field.pre_save
    return field, field.attname, plain_pre_save, _pass_through_types(field)


def insert_returning(objects: list, *, using: str | None = None) -> list:
    """Insert `objects` (instances of one model, primary keys unset) in one `INSERT … VALUES (…), (…) RETURNING id`
    and set their primary keys: what `bulk_create` does for the hot write paths (the checkout), at a fraction of its
    CPU. The statement's text is built once per model, row count and connection vendor, then reused; each value goes
    through its field's `pre_save` and `get_db_prep_save` as the ORM does (a str for a CharField, an int for an
    IntegerField, None: passed as is, which is what those return), so stored values are the same. Sends no signals
    (as bulk_create); PostgreSQL and SQLite ≥ 3.35 both return the ids in insertion order (bulk_create relies on it
    too)."""
    if not objects:
        return objects
    model = type(objects[0])
    connection = connections[using or router.db_for_write(model)]
    cache_key = (model, len(objects), connection.vendor)
    cached = _INSERT_SQL.get(cache_key)
    if cached is None:
        meta, quote = model._meta, connection.ops.quote_name
        fields = [field for field in meta.concrete_fields if field is not meta.auto_field]
        row = f"({', '.join(['%s'] * len(fields))})"
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
            f"VALUES {', '.join([row] * len(objects))} RETURNING {quote(meta.pk.column)}"
        )
        cached = _INSERT_SQL[cache_key] = (sql, [_insert_spec(field) for field in fields])
    sql, specs = cached
    params: list = []
    append = params.append
    for obj in objects:
        for field, attname, plain_pre_save, types in specs:
            value = getattr(obj, attname) if plain_pre_save else field.pre_save(obj, True)
            if value is None or type(value) in types:
                append(value)
            else:
                append(_prepared(field, value, connection))
    carried = _carried_writes(connection.alias)
    if carried:
        sql = f"WITH {', '.join(f'carried{number} AS ({text})' for number, (text, _p) in enumerate(carried))} {sql}"
        params = [value for _text, carried_params in carried for value in carried_params] + params
    with fixed_cursor(connection) as cursor:
        cursor.execute(sql, params)
        ids = cursor.fetchall()
    for obj, (pk,) in zip(objects, ids, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias
    return objects


_ROWS_SQL: dict[tuple, tuple[str, list]] = {}
# pre_save methods that return the instance's attribute unless auto_now/auto_now_add is set.
_PLAIN_PRE_SAVES = (models.Field.pre_save, models.DateField.pre_save, models.DateTimeField.pre_save)


class Lookup:
    """A foreign-key column that the INSERT fills itself (`insert_rows`, `insert_chain`): the primary key of the row
    of `model` whose `columns` equal the values the row holds for that column (a tuple in `columns` order; None
    matches NULL), read by a scalar sub-select in the same statement instead of a SELECT before it. `columns` must
    identify at most one row (a unique constraint, partial ones included). A row whose lookup finds no row is not
    inserted, and nothing fails: the call returns fewer ids than rows, and the caller inserts what is missing."""

    __slots__ = ("columns", "model")

    def __init__(self, model, columns: tuple[str, ...]) -> None:
        self.model, self.columns = model, columns

    def sql(self, nulls: tuple[bool, ...], quote) -> str:
        """The sub-select for one row whose lookup values are NULL where `nulls` says so."""
        meta = self.model._meta
        conditions = [
            f"{quote(meta.get_field(name).column)} IS NULL" if is_null else f"{quote(meta.get_field(name).column)} = %s"
            for name, is_null in zip(self.columns, nulls, strict=True)
        ]
        return f"(SELECT {quote(meta.pk.column)} FROM {quote(meta.db_table)} WHERE {' AND '.join(conditions)})"


def _lookup_shapes(names: tuple[str, ...], rows: list[tuple], lookups: dict) -> tuple:
    """For each row, which of its lookup values are NULL (part of a statement's shape)."""
    if not lookups:
        return ()
    positions = [names.index(name) for name in lookups]
    return tuple(tuple(tuple(value is None for value in row[index]) for index in positions) for row in rows)


def _values_sql(specs: list, placeholders: list[list[str]], vendor: str, quote, lookups: dict) -> str:
    """`VALUES (…), (…)`, or with lookups the `SELECT` that inserts only the rows whose lookups found their row (an
    INSERT … SELECT from the rows' VALUES; on PostgreSQL each plain value is cast to its column's type, which a
    VALUES list outside an INSERT cannot infer)."""
    rows = ", ".join(f"({', '.join(row)})" for row in placeholders)
    if not lookups:
        return f"VALUES {rows}"
    checked = [number for number, spec in enumerate(specs) if spec[1].attname in lookups]
    if vendor == "postgresql":
        aliases = ", ".join(f"c{number}" for number in range(len(specs)))
        where = " AND ".join(f"v.c{number} IS NOT NULL" for number in checked)
        return f"SELECT * FROM (VALUES {rows}) AS v ({aliases}) WHERE {where}"
    where = " AND ".join(f"column{number + 1} IS NOT NULL" for number in checked)
    return f"SELECT * FROM (VALUES {rows}) WHERE {where}"


def _placeholder(field, vendor: str, connection, lookups: dict) -> str:
    if lookups and vendor == "postgresql":
        return f"CAST(%s AS {field.cast_db_type(connection)})"
    return "%s"


def _rows_spec(
    model, names: tuple[str, ...], count: int, vendor: str, quote, lookups: dict | None = None, shapes: tuple = ()
) -> tuple[str, list]:
    meta = model._meta
    lookups = lookups or {}
    fields = [field for field in meta.concrete_fields if field is not meta.auto_field]
    unknown = (set(names) | set(lookups)) - {field.attname for field in fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
    specs = []
    for field in fields:
        if type(field).pre_save not in _PLAIN_PRE_SAVES or getattr(field, "auto_now", False):
            raise ValueError(f"insert_rows cannot store {field.name}: its pre_save sets the value")
        if getattr(field, "auto_now_add", False):
            raise ValueError(f"insert_rows cannot store {field.name}: its pre_save sets the value")
        index = names.index(field.attname) if field.attname in names else None
        types = (Lookup,) if field.attname in lookups else _pass_through_types(field)
        specs.append((index, field, types, None if index is not None else field.get_default))
    connection = connections[router.db_for_write(model)] if lookups and vendor == "postgresql" else None
    placeholders = []
    for number in range(count):
        row = []
        lookup_number = 0
        for _index, field, _types, _default in specs:
            if field.attname in lookups:
                row.append(lookups[field.attname].sql(shapes[number][lookup_number], quote))
                lookup_number += 1
            else:
                row.append(_placeholder(field, vendor, connection, lookups))
        placeholders.append(row)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
        f"{_values_sql(specs, placeholders, vendor, quote, lookups)} RETURNING {quote(meta.pk.column)}"
    )
    return sql, specs


def _append_values(append, rows: list[tuple], specs: list, connection) -> None:
    """The parameters of `rows` in statement order: each value prepared as `insert_returning` prepares it; a lookup's
    non-NULL values as they are (strings and integers compared with their columns)."""
    for row in rows:
        for index, field, types, default in specs:
            value = row[index] if default is None else default()
            if value is None or type(value) in types:
                append(value)
            elif types and types[0] is Lookup:
                for part in value:
                    if part is not None:
                        append(part)
            else:
                append(_prepared(field, value, connection))


def insert_rows(
    model, names: tuple[str, ...], rows: list[tuple], *, lookups: dict[str, Lookup] | None = None, using=None
) -> list[int]:
    """Insert `rows` of `model` in one `INSERT … VALUES (…), (…) RETURNING id` and return their ids in row order:
    `insert_returning` without model instances, for rows no caller reads back as objects (order lines, events,
    postings). Each row is a tuple of values for the columns named by attname in `names` ("seller_order_id", not
    "seller_order"), the values a model instance would hold; every other column gets its field's default, as a new
    instance would. Values are prepared exactly as `insert_returning` prepares them, so the stored rows are the
    same. A column named in `lookups` holds the values its `Lookup` matches (the statement reads the id): a row whose
    lookup finds nothing is skipped, so fewer ids come back. Refuses (ValueError) a model with a field whose
    `pre_save` sets the value (auto_now, auto_now_add, files): use `insert_returning` for those."""
    if not rows:
        return []
    connection = connections[using or router.db_for_write(model)]
    with fixed_cursor(connection) as cursor:
        return _insert_rows(model, names, rows, lookups or {}, connection, cursor)


def _insert_rows(model, names: tuple[str, ...], rows: list[tuple], lookups: dict, connection, cursor) -> list[int]:
    """`insert_rows` on a cursor of `connection` the caller holds (`insert_chain` runs its parts on one)."""
    shapes = _lookup_shapes(names, rows, lookups)
    cache_key = (model, names, len(rows), connection.vendor, tuple(lookups.items()), shapes)
    cached = _ROWS_SQL.get(cache_key)
    if cached is None:
        cached = _ROWS_SQL[cache_key] = _rows_spec(
            model, names, len(rows), connection.vendor, connection.ops.quote_name, lookups, shapes
        )
    sql, specs = cached
    params: list = []
    _append_values(params.append, rows, specs, connection)
    cursor.execute(sql, params)
    return [pk for (pk,) in cursor.fetchall()]


_CHAIN_SQL: dict[tuple, tuple[str, list]] = {}


def insert_chain(parts: list[tuple], *, using: str | None = None) -> list[list[int]]:
    """Insert the rows of several tables where later rows point at earlier ones (an order, its seller orders, their
    lines and events) and return each part's ids in row order. A part is `(model, names, rows, refs)`: as for
    `insert_rows`, except that a column named in `refs` is filled by the statement: `attname -> index of an earlier
    part` when the row holds the position of a row of that part, replaced by that row's id (a position of None
    stores NULL, for a nullable column: rows with and without a target go in one part); `attname -> Lookup` when the
    row holds the values the Lookup matches (a row whose lookup finds nothing is skipped: that part returns fewer
    ids, and no later part may point at it). On PostgreSQL it is one statement (one data-modifying CTE per part, one
    round trip; foreign keys are checked at commit as always), whose text is built once per shape; elsewhere one
    `insert_rows` per part. Values are prepared as `insert_rows` prepares them (same stored rows)."""
    connection = connections[using or router.db_for_write(parts[0][0])]
    for model, _names, _rows, refs in parts:
        for part in refs.values():
            if type(part) is int and any(type(ref) is Lookup for ref in parts[part][3].values()):
                raise ValueError(f"insert_chain: {model.__name__} points at a part whose rows may be skipped")
    if connection.vendor != "postgresql":
        ids: list[list[int]] = []
        with fixed_cursor(connection) as cursor:  # one cursor for every part's statement
            for model, names, rows, refs in parts:
                positions = [(names.index(name), part) for name, part in refs.items() if type(part) is int]
                if positions:
                    resolved = []
                    for row in rows:
                        values = list(row)
                        for index, part in positions:
                            if values[index] is not None:  # None: no row of that part (NULL)
                                values[index] = ids[part][values[index]]
                        resolved.append(tuple(values))
                    rows = resolved
                lookups = {name: part for name, part in refs.items() if type(part) is Lookup}
                ids.append(_insert_rows(model, names, rows, lookups, connection, cursor) if rows else [])
        return ids
    all_lookups = [{name: ref for name, ref in refs.items() if type(ref) is Lookup} for _m, _n, _r, refs in parts]
    shapes = tuple(
        _lookup_shapes(names, rows, lookups) for (_m, names, rows, _r), lookups in zip(parts, all_lookups, strict=True)
    )
    cache_key = (tuple((model, names, len(rows), tuple(refs.items())) for model, names, rows, refs in parts), shapes)
    cached = _CHAIN_SQL.get(cache_key)
    if cached is None:
        quote = connection.ops.quote_name
        ctes, selects, all_specs = [], [], []
        for number, (model, names, rows, refs) in enumerate(parts):
            meta, lookups = model._meta, all_lookups[number]
            _sql, specs = _rows_spec(model, names, 0, connection.vendor, quote, lookups)
            pk = quote(meta.pk.column)
            placeholders = []
            for row_number in range(len(rows)):
                row = []
                lookup_number = 0
                for position, (index, field, _types, default) in enumerate(specs):
                    ref = refs.get(field.attname) if default is None else None
                    if type(ref) is int:
                        earlier = parts[ref][0]._meta.pk.column
                        row.append(f"(SELECT {quote(earlier)} FROM p{ref} ORDER BY 1 LIMIT 1 OFFSET %s)")
                        specs[position] = (index, field, (int,), default)
                    elif type(ref) is Lookup:
                        row.append(ref.sql(shapes[number][row_number][lookup_number], quote))
                        lookup_number += 1
                    else:
                        row.append(_placeholder(field, connection.vendor, connection, lookups))
                placeholders.append(row)
            columns = ", ".join(quote(spec[1].column) for spec in specs)
            ctes.append(
                f"p{number} AS (INSERT INTO {quote(meta.db_table)} ({columns}) "
                f"{_values_sql(specs, placeholders, connection.vendor, quote, lookups)} RETURNING {pk})"
            )
            selects.append(f"SELECT {number}, {pk} FROM p{number}")
            all_specs.append(specs)
        sql = f"WITH {', '.join(ctes)} {' UNION ALL '.join(selects)} ORDER BY 1, 2"
        cached = _CHAIN_SQL[cache_key] = (sql, all_specs)
    sql, all_specs = cached
    params: list = []
    append = params.append
    for (_model, names, rows, refs), specs in zip(parts, all_specs, strict=True):
        # A position of None points at no row (NULL): the offset just past the part's last row selects nothing.
        past_ends = [(names.index(name), len(parts[part][2])) for name, part in refs.items() if type(part) is int]
        if past_ends and any(row[index] is None for row in rows for index, _end in past_ends):
            rows = [_none_past_end(row, past_ends) for row in rows]
        _append_values(append, rows, specs, connection)
    with fixed_cursor(connection) as cursor:
        cursor.execute(sql, params)
        returned = cursor.fetchall()
    ids = [[] for _part in parts]
    for number, pk in returned:
        ids[number].append(pk)
    for part_ids, (_model, _names, rows, _refs), lookups in zip(ids, parts, all_lookups, strict=True):
        if len(part_ids) != len(rows) and not (lookups and len(part_ids) < len(rows)):
            raise RuntimeError("insert_chain: the statement did not return one id per row")
    return ids


def _none_past_end(row: tuple, past_ends: list[tuple[int, int]]) -> tuple:
    values = list(row)
    for index, end in past_ends:
        if values[index] is None:
            values[index] = end
    return tuple(values)


_UPDATE_SQL: dict[tuple, tuple[str, list, list]] = {}


def _update_statement(model, pks: list, values: dict, where: dict, connection) -> tuple[str, list]:
    cache_key = (model, tuple(values), tuple(where), len(pks), connection.vendor)
    cached = _UPDATE_SQL.get(cache_key)
    if cached is None:
        meta, quote = model._meta, connection.ops.quote_name
        set_fields = [meta.get_field(name) for name in values]
        where_fields = [meta.get_field(name) for name in where]
        conditions = [f"{quote(meta.pk.column)} IN ({', '.join(['%s'] * len(pks))})"]
        conditions += [f"{quote(field.column)} = %s" for field in where_fields]
        sql = (
            f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(field.column)} = %s' for field in set_fields)} "
            f"WHERE {' AND '.join(conditions)}"
        )
        cached = _UPDATE_SQL[cache_key] = (sql, set_fields, where_fields)
    sql, set_fields, where_fields = cached
    params = [
        field.get_db_prep_save(value, connection) for field, value in zip(set_fields, values.values(), strict=True)
    ]
    params += list(pks)
    params += [
        field.get_db_prep_value(value, connection) for field, value in zip(where_fields, where.values(), strict=True)
    ]
    return sql, params


def update_rows(
    model, pks: list, values: dict[str, object], *, where: dict[str, object] | None = None, using=None
) -> int:
    """`UPDATE … SET <values> WHERE pk IN (pks) [AND <field> = <value> …]` in one statement whose text is built
    once per model, column set and row count: `QuerySet.filter(pk__in=pks, **where).update(**values)` for the hot
    write paths, at a fraction of its CPU. Values go through their field's `get_db_prep_save` (JSON, datetimes), the
    `where` values through `get_db_prep_value`, as the ORM does. Returns the number of rows updated."""
    connection = connections[using or router.db_for_write(model)]
    sql, params = _update_statement(model, pks, values, where or {}, connection)
    with fixed_cursor(connection) as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


_carried = threading.local()


@contextlib.contextmanager
def writes_carried() -> Iterator[None]:
    """Inside this block, `update_rows_carried` on PostgreSQL does not run its UPDATE at once: the block's next
    `insert_returning` on the same database carries it, as a data-modifying CTE (`WITH carried0 AS (UPDATE …)
    INSERT …`: one statement, one round trip instead of two; PostgreSQL runs such a CTE exactly once, whether or not
    the INSERT reads it). What no INSERT carried runs alone when the block ends. For an operation's last writes
    inside its transaction (the checkout's idempotency response, carried by its task rows' INSERT), where nothing
    reads the updated rows before the block ends. A block that raises drops the writes it still holds: they belong to
    an operation that failed, whose transaction is rolled back. Nested blocks share the outermost one."""
    if getattr(_carried, "writes", None) is not None:
        yield
        return
    _carried.writes = []
    try:
        yield
    except BaseException:
        _carried.writes = None
        raise
    writes, _carried.writes = _carried.writes, None
    for alias, sql, params in writes:
        with fixed_cursor(connections[alias]) as cursor:
            cursor.execute(sql, params)


def _carried_writes(alias: str) -> list[tuple[str, list]]:
    """Takes the writes held for `alias` by the current `writes_carried` block (see there)."""
    writes = getattr(_carried, "writes", None)
    if not writes:
        return []
    taken = [(sql, params) for held_alias, sql, params in writes if held_alias == alias]
    writes[:] = [write for write in writes if write[0] != alias]
    return taken


def update_rows_carried(
    model, pks: list, values: dict[str, object], *, where: dict[str, object] | None = None, using=None
) -> None:
    """`update_rows`, carried by the next INSERT inside a `writes_carried` block on PostgreSQL (see there); run at
    once elsewhere (SQLite has no data-modifying CTE) or outside such a block. Its row count is not known."""
    connection = connections[using or router.db_for_write(model)]
    sql, params = _update_statement(model, pks, values, where or {}, connection)
    writes = getattr(_carried, "writes", None)
    if writes is not None and connection.vendor == "postgresql":
        writes.append((connection.alias, sql, params))
        return
    with fixed_cursor(connection) as cursor:
        cursor.execute(sql, params)


_SELECT_SQL: dict[tuple, tuple[str, list, list]] = {}


def select_instances(model, *, name: str, build_sql, params: list, using: str | None = None) -> list:
    """Instances of `model` read by a fixed statement whose text is built once per `name` and vendor: for the hot
    read paths (the API's token authentication) where compiling an ORM query costs more CPU than running it.
    `build_sql(columns, quote)` receives the model's columns, table-qualified and comma-separated, and the vendor's
    `quote_name`, and returns the statement (which selects exactly `columns`). Values go through the converters the
    ORM applies (aware datetimes on SQLite, …), then `Model.from_db`, so the instances are the ORM's own."""
    connection = connections[using or router.db_for_read(model)]
    cache_key = (name, model, connection.vendor)
    cached = _SELECT_SQL.get(cache_key)
    if cached is None:
        meta, quote = model._meta, connection.ops.quote_name
        fields = list(meta.concrete_fields)
        table = quote(meta.db_table)
        columns = ", ".join(f"{table}.{quote(field.column)}" for field in fields)
        converters = []
        for index, field in enumerate(fields):
            column = field.get_col(meta.db_table)
            functions = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            if functions:
                converters.append((index, functions, column))
        cached = _SELECT_SQL[cache_key] = (build_sql(columns, quote), [field.attname for field in fields], converters)
    sql, attnames, converters = cached
    with fixed_cursor(connection) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    instances = []
    for row in rows:
        values = list(row)
        for index, functions, column in converters:
            for function in functions:
                values[index] = function(values[index], column, connection)
        instances.append(model.from_db(connection.alias, attnames, values))
    return instances

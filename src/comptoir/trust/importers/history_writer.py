"""Writing checked history rows (history_rows.HistoryRow) as the rows the live system would have written, in bulk:
`COPY … FROM STDIN` on PostgreSQL (psycopg 3 `cursor.copy`), one fixed `INSERT` run by `executemany` on SQLite.
The ORM's `bulk_create` spent most of an import compiling SQL; here each table's statement is built once, the
columns the import does not set get the model's defaults (prepared by Django once), and each row is a plain tuple.

Ids: orders and seller orders are referenced by the rows written after them, so their ids are reserved up front —
from the table's sequence on PostgreSQL (`nextval` per chunk, safe beside live traffic), after the largest id used so
far on SQLite (the import's transaction holds SQLite's single write lock). Events, reviews and messages take the
database's own ids. The caller runs everything inside one transaction.

On PostgreSQL, `write_chunks` pipelines the chunks (a worker thread sends one chunk's COPY while the next is built),
and `foreign_key_checks_skipped` lets the rows skip the server's foreign-key checks when the role may, the import
having guaranteed and locked every reference itself (docs/IMPORT_HISTORY.md, "Foreign keys")."""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from json.encoder import encode_basestring_ascii
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.db import DatabaseError, IntegrityError, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg.types.json import Json, Jsonb

from comptoir.accounts.models import User
from comptoir.orders.models import Order, SellerOrder, SellerOrderEvent
from comptoir.sellers.models import MemberRole, SellerMember
from comptoir.trust.importers.history_rows import HistoryRow
from comptoir.trust.models import Message, Review

IMPORTED_MESSAGE_BODY = "(imported)"
_LOOKUP_CHUNK = 5000
_SQLITE_MAX_PARAMS = 30_000  # SQLite >= 3.32 accepts 32,766 parameters
SQLITE_IMPORT_CACHE_KIB = 256 * 1024
POSTGRESQL_INDEX_BUILD_MEMORY = "256MB"  # the server's sort memory for building an index again (this transaction)
SQLITE_REBUILD_MIN_ROWS = 50_000  # below, inserting into the indexes costs less than building them again


class _Table:
    """One table's fixed statement: the `varying` fields in the given order, then every other concrete field
    with its model default (the value the ORM would have stored)."""

    def __init__(self, model: type[models.Model], varying: Sequence[str], connection: BaseDatabaseWrapper) -> None:
        fields = {field.name: field for field in model._meta.concrete_fields}
        constant = [field for name, field in fields.items() if name not in varying and not field.primary_key]
        if "id" in varying:
            constant = [field for field in constant if field.name != "id"]
        self.constants = tuple(field.get_db_prep_save(field.get_default(), connection) for field in constant)
        # The values the import writes into reference columns it does not set (None: no reference to check).
        self.constant_references = tuple(
            value for field, value in zip(constant, self.constants, strict=True) if field.remote_field is not None
        )
        quote = connection.ops.quote_name
        self.name = quote(model._meta.db_table)
        self.columns = ", ".join(quote(str(field.column)) for field in [*(fields[name] for name in varying), *constant])
        self.width = len(varying) + len(constant)
        # PostgreSQL: what follows a row's varying fields on its COPY text line (the constants, then the newline).
        self.copy_suffix = "".join(f"\t{copy_text(value)}" for value in self.constants) + "\n"


class HistoryWriter:
    """Writes chunks of fresh rows (not imported before) for one connection, after `buyers_prepare` has given every
    buyer of the file an account."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        self.is_postgresql = connection.vendor == "postgresql"
        self.responders: dict[int, int] = {}
        self._next_sqlite_id: dict[str, int] = {}
        self._sequences: dict[str, str] = {}  # PostgreSQL: table → its id sequence (a literal for the SQL text)
        self.is_skipping_foreign_key_checks = False
        self.stamp_text = _postgresql_stamp if self.is_postgresql else _sqlite_stamp
        self.true = "t" if self.is_postgresql else 1
        # PostgreSQL's rows are COPY text lines: fields already escaped (at spool time), NULL written \N, ids as text.
        self.null: str | None = "\\N" if self.is_postgresql else None
        self.escaped = copy_escaped if self.is_postgresql else _same
        table = _Table
        self.users = table(
            User,
            ("id", "email", "password", "is_active", "full_name", "date_joined", "date_joined_known"),
            connection,
        )
        self.orders = table(
            Order,
            (
                "id",
                "number",
                "buyer",
                "status",
                "currency",
                "items_amount",
                "shipping_amount",
                "total_amount",
                "shipping_address",
                "placed_at",
                "paid_at",
            ),
            connection,
        )
        self.seller_orders = table(
            SellerOrder,
            (
                "id",
                "order",
                "seller",
                "number",
                "status",
                "currency",
                "items_amount",
                "shipping_amount",
                "total_amount",
                "commission_amount",
                "shipping_service_level",
                "shipping_zone",
                "ship_by",
                "deliver_by_earliest",
                "deliver_by",
                "carrier",
                "tracking_number",
                "accepted_at",
                "shipped_at",
                "delivered_at",
                "completed_at",
                "cancelled_at",
                "cancelled_by",
                "cancel_reason",
                "return_reason",
                "is_released",
                "placed_at",
            ),
            connection,
        )
        self.events = table(
            SellerOrderEvent,
            ("seller_order", "seller_id_copy", "action", "actor_role", "actor", "reason", "data", "created_at"),
            connection,
        )
        self.reviews = table(
            Review,
            (
                "seller_order",
                "buyer",
                "seller",
                "product_rating",
                "item_as_described",
                "communication",
                "shipping_speed",
                "packaging",
                "text",
                "created_at",
            ),
            connection,
        )
        self.messages = table(
            Message, ("seller_order", "seller_id_copy", "sender", "sender_role", "body", "created_at"), connection
        )

    @contextlib.contextmanager
    def bulk_session(self, rows: int = 0, *, rebuild_indexes: bool | None = None) -> Iterator[None]:
        """Settings for a bulk write of `rows` rows inside the caller's transaction, restored afterwards.

        Secondary indexes: inserting millions of keys in random order (dates, buyers, the events' seller index)
        costs far more than building each index once, sorted. With `rebuild_indexes` (None: automatic — on SQLite
        when the import at least doubles the seller orders and has SQLITE_REBUILD_MIN_ROWS rows, never on
        PostgreSQL), the non-unique indexes of the tables written are dropped and built again before the commit;
        the unique ones, which the import relies on, stay. Both databases change their schema transactionally: an
        error rolls the indexes back with the rows. SQLite readers keep the committed schema meanwhile (the import
        holds the single write lock anyway); on PostgreSQL the dropped indexes lock their tables against every
        other session until the commit, hence opt-in there (`import-history --exclusive`).
        On SQLite also a larger page cache (SQLITE_IMPORT_CACHE_KIB) for the import's connection."""
        previous = None
        with self.connection.cursor() as cursor:
            if not self.is_postgresql:
                cursor.execute("PRAGMA cache_size")
                (previous,) = cursor.fetchone()
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB:d}")
            if rebuild_indexes is None:
                rebuild_indexes = not self.is_postgresql and self._is_large_import(cursor, rows)
            dropped = self._drop_indexes(cursor) if rebuild_indexes else []
        try:
            yield
            with self.connection.cursor() as cursor:
                if dropped and self.is_postgresql:  # PostgreSQL builds no index over pending foreign-key checks:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run them now (as the commit would)
                    cursor.execute(f"SET LOCAL maintenance_work_mem = '{POSTGRESQL_INDEX_BUILD_MEMORY}'")
                for sql in dropped:
                    cursor.execute(sql)
        finally:
            if previous is not None:
                with self.connection.cursor() as cursor:
                    cursor.execute(f"PRAGMA cache_size = {int(previous):d}")

    @staticmethod
    def _is_large_import(cursor, rows: int) -> bool:
        """At least SQLITE_REBUILD_MIN_ROWS rows and at least as many as the seller orders already there."""
        if rows < SQLITE_REBUILD_MIN_ROWS:
            return False
        cursor.execute("SELECT coalesce(max(id), 0) FROM orders_sellerorder")
        return rows >= cursor.fetchone()[0]

    def _drop_indexes(self, cursor) -> list[str]:
        """Drops the non-unique indexes of the tables the import writes; returns their CREATE statements."""
        tables = [model._meta.db_table for model in (Order, SellerOrder, SellerOrderEvent, Review, Message)]
        marks = ", ".join(["%s"] * len(tables))
        if self.is_postgresql:
            cursor.execute(
                f"SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN"
                f" ({marks}) AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
                tables,
            )
        else:
            cursor.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN"
                f" ({marks}) AND sql NOT LIKE 'CREATE UNIQUE%%'",
                tables,
            )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {self.connection.ops.quote_name(name)}")
        return [sql for _name, sql in indexes]

    def _forget_logged_queries(self) -> None:
        """With DEBUG on, Django keeps every statement with its parameters written out — up to 9,000 of them, here
        ≈ 0.7 MB per chunk (10,000 order numbers and buyer emails) — so an import's memory would grow with the file.
        Forget them per chunk, as Django does per request; not while a test captures them (`force_debug_cursor`)."""
        if settings.DEBUG and not self.connection.force_debug_cursor:
            self.connection.queries_log.clear()

    # --- foreign-key checks ---------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def foreign_key_checks_skipped(self) -> Iterator[bool]:
        """PostgreSQL: within the block, the rows written skip the server's foreign-key checks (`SET LOCAL
        session_replication_role = replica`, for the rest of the block only), when the database role may set it and
        no user trigger or rule would be skipped with them; yields whether they are skipped. Elsewhere, or when not
        allowed, nothing changes (the checks run as usual) and it yields False.

        Why it is safe (docs/IMPORT_HISTORY.md, "Foreign keys"): every reference the import writes is one it has
        itself made sure of. Orders, seller orders and their ids are the import's own rows, written in this
        transaction before the rows that reference them; the sellers were resolved by the check pass and the buyers'
        accounts found or created by `buyers_prepare`; the product and every other reference column is NULL (a
        NULL references nothing: checked below). What the skipped checks would still have done — lock each
        referenced seller and account (FOR KEY SHARE) so that no other session deletes it before the commit — is
        done here per chunk, and a seller or account gone meanwhile stops the import (IntegrityError: rolled back)
        just as the check would. Must run after the check pass and inside the import's transaction."""
        if not self.is_postgresql or not self._may_skip_foreign_key_checks():
            yield False
            return
        self.is_skipping_foreign_key_checks = True
        try:
            self._lock_users(set(self.responders.values()))
            yield True
        finally:
            self.is_skipping_foreign_key_checks = False
        with self.connection.cursor() as cursor:  # (after an error, the rollback undoes the setting)
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")

    def _may_skip_foreign_key_checks(self) -> bool:
        tables = [table.name.strip('"') for table in self._tables()]
        for table in self._tables():
            if any(value is not None for value in table.constant_references):
                return False  # a reference the import does not set would go unchecked
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = ANY(%s::regclass[]))"
                " + (SELECT count(*) FROM pg_rewrite WHERE rulename <> '_RETURN' AND ev_class = ANY(%s::regclass[]))",
                [tables, tables],
            )
            if cursor.fetchone()[0]:
                return False  # replica mode would skip them too
            try:
                with transaction.atomic(using=self.connection.alias):  # a savepoint: a refusal leaves no trace
                    cursor.execute("SET LOCAL session_replication_role = replica")
            except DatabaseError:  # not a superuser, and no GRANT SET ON PARAMETER session_replication_role
                return False
        return True

    def _tables(self) -> list[_Table]:
        return [self.orders, self.seller_orders, self.events, self.reviews, self.messages]

    def _lock_sellers(self, seller_ids: set[int]) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT id FROM sellers_seller WHERE id = ANY(%s) FOR KEY SHARE", [sorted(seller_ids)])
            missing = seller_ids - {row[0] for row in cursor.fetchall()}
        if missing:
            raise IntegrityError(f"Sellers deleted during the import: {sorted(missing)}.")

    def _lock_users(self, user_ids: set[int]) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT id FROM accounts_user WHERE id = ANY(%s) FOR KEY SHARE", [sorted(user_ids)])
            missing = user_ids - {row[0] for row in cursor.fetchall()}
        if missing:
            raise IntegrityError(f"Accounts deleted during the import: {sorted(missing)}.")

    # --- ids and raw writes -------------------------------------------------------------------------------------

    def _reserve_ids(self, model: type[models.Model], count: int) -> list[int]:
        if count == 0:
            return []
        table = model._meta.db_table
        with self.connection.cursor() as cursor:
            if self.is_postgresql:
                sequence = self._sequences.get(table)
                if sequence is None:  # once: in the statement below it would run once per id (6 % of the server)
                    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                    sequence = self._sequences[table] = cursor.fetchone()[0].replace("'", "''")
                cursor.execute(f"SELECT nextval('{sequence}'::regclass) FROM generate_series(1, %s)", [count])
                return [row[0] for row in cursor.fetchall()]
            start = self._next_sqlite_id.get(table)
            if start is None:
                quoted = self.connection.ops.quote_name(table)
                cursor.execute(f"SELECT coalesce(max(id), 0) FROM {quoted}")
                largest = cursor.fetchone()[0]
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cursor.fetchone()
                start = max(largest, row[0] if row else 0) + 1
        self._next_sqlite_id[table] = start + count
        return list(range(start, start + count))

    def _raw_connection(self) -> Any:
        """psycopg's connection under this thread's Django connection (`django.db.connection` is a per-thread proxy:
        write_chunks's worker thread must be handed this one, inside the import's transaction)."""
        self.connection.ensure_connection()
        return self.connection.connection

    def _write(self, table: _Table, rows: list[tuple] | str, raw: Any = None) -> None:
        """Inserts `rows`: tuples of values, or on PostgreSQL a block of COPY text lines (`_copy_block`)."""
        if not rows:
            return
        if self.is_postgresql:
            if not isinstance(rows, str):  # values (the buyers' accounts): converted here
                rows = _copy_block(table, [tuple(map(copy_text, row)) for row in rows])
            raw = raw or self._raw_connection()
            with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({table.columns}) FROM STDIN") as copy:
                copy.write(rows)
            return
        assert not isinstance(rows, str)
        constants = table.constants
        marks = ", ".join(["%s"] * table.width)
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table.name} ({table.columns}) VALUES ({marks})", [row + constants for row in rows]
            )

    # --- buyers and responders ----------------------------------------------------------------------------------

    def buyers_prepare(self, groups: Iterable[dict[str, tuple[dt.datetime, dt.datetime | None]]]) -> tuple[int, int]:
        """Link every buyer email to an account, creating inactive placeholder accounts (no usable password) for
        the unknown ones. A live account keeps its opening date (its real date on Comptoir, never rewritten). An
        account the import creates opens at the earliest of its first imported order and `buyer_since`, its date
        known only when the file gave `buyer_since`; a placeholder of an earlier import (`is_import_placeholder`)
        is dated back the same way. `groups`: email → (first order, earliest buyer_since), one group of buyers at a
        time (history_buckets.BuyerDates), so memory holds one group. Returns (accounts created, placeholders whose
        date changed)."""
        created = dated = 0
        for buyers in groups:
            self._forget_logged_queries()
            group_created, group_dated = self._buyers_prepare_group(buyers)
            created += group_created
            dated += group_dated
        return created, dated

    def _buyers_prepare_group(self, buyers: dict[str, tuple[dt.datetime, dt.datetime | None]]) -> tuple[int, int]:
        emails = sorted(buyers)
        found: set[str] = set()
        changes: list[tuple] = []
        for start in range(0, len(emails), _LOOKUP_CHUNK):
            chunk = emails[start : start + _LOOKUP_CHUNK]
            for pk, email, joined, known, active, last_login, password in User.objects.filter(
                email__in=chunk
            ).values_list("pk", "email", "date_joined", "date_joined_known", "is_active", "last_login", "password"):
                found.add(email)
                if not is_import_placeholder(active, last_login, password):
                    continue  # a live account: its real opening date stays
                first_order, since = buyers[email]
                date = min(joined, first_order, since or first_order)
                is_known = known or since is not None
                if date != joined or is_known != known:
                    changes.append((date if self.is_postgresql else _sqlite_stamp(date), is_known, pk))
        missing = [email for email in emails if email not in found]
        unusable = make_password(None)
        rows = []
        for email, pk in zip(missing, self._reserve_ids(User, len(missing)), strict=True):
            first_order, since = buyers[email]
            date = min(first_order, since or first_order)
            rows.append((pk, email, unusable, False, "Imported buyer", self.stamp_text(date), since is not None))
        self._write(self.users, rows)
        if changes:
            with self.connection.cursor() as cursor:
                cursor.executemany(
                    "UPDATE accounts_user SET date_joined = %s, date_joined_known = %s WHERE id = %s", changes
                )
        return len(rows), len(changes)

    def buyer_ids(self, emails: Iterable[str]) -> dict[str, int]:
        """Email → account id for the buyers of a chunk (one query; `buyers_prepare` made sure each has one)."""
        emails = list(set(emails))
        table = self.connection.ops.quote_name(User._meta.db_table)
        found: dict[str, int] = {}
        with self.connection.cursor() as cursor:
            if self.is_postgresql:
                lock = " ORDER BY id FOR KEY SHARE" if self.is_skipping_foreign_key_checks else ""
                cursor.execute(f"SELECT email, id FROM {table} WHERE email = ANY(%s){lock}", [emails])
                found = dict(cursor.fetchall())
                if len(found) < len(emails):
                    raise IntegrityError(f"Buyer accounts deleted during the import: {len(emails) - len(found)}.")
                return found
            for start in range(0, len(emails), _SQLITE_MAX_PARAMS):
                part = emails[start : start + _SQLITE_MAX_PARAMS]
                cursor.execute(f"SELECT email, id FROM {table} WHERE email IN ({', '.join(['%s'] * len(part))})", part)
                found.update(cursor.fetchall())
        return found

    # --- orders ---------------------------------------------------------------------------------------------------

    def existing_numbers(self, numbers: Iterable[str]) -> set[str]:
        """The order numbers among `numbers` already in the database (one query; raw SQL: the ORM's `__in` of
        10,000 values cost more than the query, and psycopg parses a 10,000-placeholder statement slowly)."""
        numbers = list(numbers)
        if not numbers:
            return set()
        table = self.connection.ops.quote_name(SellerOrder._meta.db_table)
        with self.connection.cursor() as cursor:
            if self.is_postgresql:
                cursor.execute(f"SELECT number FROM {table} WHERE number = ANY(%s)", [numbers])
                return {row[0] for row in cursor.fetchall()}
            found: set[str] = set()
            for start in range(0, len(numbers), _SQLITE_MAX_PARAMS):
                part = numbers[start : start + _SQLITE_MAX_PARAMS]
                cursor.execute(f"SELECT number FROM {table} WHERE number IN ({', '.join(['%s'] * len(part))})", part)
                found.update(row[0] for row in cursor.fetchall())
            return found

    def spooled(self, row: HistoryRow, number: str) -> list[str]:
        """The row as the strings the writer needs (in `write_chunk`'s order), dates already in the database's text
        form and event data already JSON: the first pass spools these, so the second only copies them."""
        stamp, escaped = self.stamp_text, self.escaped  # free text and JSON escaped for COPY on PostgreSQL
        review = row.review
        quoted = encode_basestring_ascii  # what json.dumps writes for a string (as Django stores JSON)
        ship = ""
        if row.shipped_at:
            late = "true" if row.shipped_at.date() > row.ship_by else "false"
            ship = escaped(
                f'{{"imported": true, "carrier": {quoted(row.carrier)}, '
                f'"tracking_number": {quoted(row.tracking_number)}, "late": {late}}}'
            )
        unknown = ', "date_unknown": true}'
        return [  # the placing time at history_rows.SPOOLED_TIME_FIELD
            number,
            str(row.seller_id),
            row.buyer_email,
            stamp(row.placed_at),
            row.ship_by.isoformat(),
            row.deliver_by.isoformat(),
            row.currency,
            str(row.total_amount),
            row.status,
            stamp(row.accepted_at),
            stamp(row.shipped_at),
            escaped(row.carrier),
            escaped(row.tracking_number),
            stamp(row.delivered_at),
            stamp(row.cancelled_at),
            row.cancelled_by,
            escaped(row.cancel_reason),
            stamp(row.return_requested_at),
            row.return_reason,
            (  # the reason is one of ReturnReason's values or empty: no escaping needed
                f'{{"imported": true, "return_reason": "{row.return_reason}"'
                + (unknown if row.return_date_unknown else "}")
            )
            if row.return_requested_at
            else "",
            stamp(row.refunded_at),
            stamp(row.dispute_opened_at),
            ('{"imported": true' + (unknown if row.dispute_opened_date_unknown else "}"))
            if row.dispute_opened_at
            else "",
            stamp(row.dispute_decided_at) if row.dispute_outcome else "",
            (
                f'{{"imported": true, "in_favour_of": "{row.dispute_outcome}"'
                + (unknown if row.dispute_decided_date_unknown else "}")
            )
            if row.dispute_outcome
            else "",
            ship,
            _LATE if row.delivered_at and row.delivered_at.date() > row.deliver_by else _ON_TIME,
            escaped(f'{{"imported": true, "payment_fingerprint": {quoted(row.payment_fingerprint)}}}')
            if row.payment_fingerprint
            else _PLAIN,
            escaped(json.dumps(row.shipping_address)) if row.shipping_address else "{}",
            *(
                _NO_REVIEW
                if review is None
                else (*map(str, review[:5]), escaped(review.text), stamp(review.reviewed_at))
            ),
            stamp(row.buyer_message_at),
            stamp(row.seller_replied_at),
        ]

    def write_chunks(self, chunks: Iterable[list[list[str]]]) -> Iterator[ChunkOutcome]:
        """Writes chunks of spooled rows (`spooled`), skipping the rows imported before; one outcome per chunk.

        On PostgreSQL the chunks are pipelined: while a worker thread sends one chunk's COPY data and the server
        stores it (and fills the indexes), this thread builds the next chunk's rows. The database work of a chunk
        (the rows already imported, the ids, the buyers' ids) is done before its predecessor's COPY starts, so the
        connection is used by one thread at a time; the rows of a chunk never depend on the previous chunk's rows
        (a file has no duplicate order number: the check pass refused it). Errors of the worker are raised here."""
        if not self.is_postgresql:
            for chunk in chunks:
                fresh, outcome = self._fresh(chunk)
                self._copy(self._build(fresh, self._prepare(fresh)))
                yield outcome
            return
        raw = self._raw_connection()
        with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="history-copy") as worker:
            pending: list[tuple[_Table, list[tuple] | str]] | None = None  # built, not sent yet
            sending: concurrent.futures.Future | None = None
            try:
                for chunk in chunks:
                    fresh, outcome = self._fresh(chunk)
                    prepared = self._prepare(fresh)  # the connection is idle: no COPY is running
                    if pending is not None:
                        sending = worker.submit(self._copy, pending, raw)
                    pending = self._build(fresh, prepared)  # meanwhile the server stores the previous chunk
                    yield outcome  # and the caller reads the next one
                    if sending is not None:
                        sending.result()
                        sending = None
                if pending is not None:
                    self._copy(pending, raw)
            finally:
                if sending is not None:  # never leave a COPY running under the caller's rollback
                    concurrent.futures.wait([sending])

    def _fresh(self, rows: list[list[str]]) -> tuple[list[list[str]], ChunkOutcome]:
        self._forget_logged_queries()
        existing = self.existing_numbers(fields[0] for fields in rows)
        fresh = [fields for fields in rows if fields[0] not in existing] if existing else rows
        reviews = sum(1 for fields in fresh if fields[-3])
        messages = sum((2 if fields[-1] else 1) for fields in fresh if fields[-2])  # a reply needs the message
        sellers = {int(fields[1]) for fields in fresh}
        return fresh, ChunkOutcome(len(rows), len(rows) - len(fresh), len(fresh), reviews, messages, sellers)

    def _prepare(self, rows: list[list[str]]) -> _Prepared:
        """The database work a chunk needs before its rows can be built: ids and buyers (and, while foreign-key
        checks are skipped, the locks those checks would have taken: `foreign_key_checks_skipped`)."""
        if not rows:
            return _Prepared([], [], {})
        buyers: dict[str, Any] = self.buyer_ids(row[2] for row in rows)
        if self.is_skipping_foreign_key_checks:
            self._lock_sellers({int(row[1]) for row in rows})
        order_ids: list[Any] = self._reserve_ids(Order, len(rows))
        seller_order_ids: list[Any] = self._reserve_ids(SellerOrder, len(rows))
        if self.is_postgresql:  # COPY text
            buyers = {email: str(pk) for email, pk in buyers.items()}
            order_ids, seller_order_ids = list(map(str, order_ids)), list(map(str, seller_order_ids))
        return _Prepared(order_ids, seller_order_ids, buyers)

    def _build(self, rows: list[list[str]], prepared: _Prepared) -> list[tuple[_Table, list[tuple] | str]]:
        """The table rows of a chunk (pure computation: no database): tuples for SQLite's executemany, one block of
        COPY text per table on PostgreSQL (built here, so the thread sending it only waits for the server)."""
        orders: list[tuple] = []
        seller_orders: list[tuple] = []
        events: list[tuple] = []
        reviews: list[tuple] = []
        messages: list[tuple] = []
        buyers = prepared.buyers
        add_event, yes, null = events.append, self.true, self.null
        zero: Any = "0" if self.is_postgresql else 0
        responders: dict[int, Any] = self.responders
        if self.is_postgresql:
            responders = {seller: str(user) for seller, user in responders.items()}
        body = IMPORTED_MESSAGE_BODY
        for row, order_id, seller_order_id in zip(rows, prepared.order_ids, prepared.seller_order_ids, strict=True):
            (
                number,
                seller_id,
                email,
                placed,
                ship_by,
                deliver_by,
                currency,
                total,
                status,
                accepted,
                shipped,
                carrier,
                tracking,
                delivered,
                cancelled,
                cancelled_by,
                cancel_reason,
                returned,
                return_reason,
                return_data,
                refunded,
                opened,
                opened_data,
                decided,
                decided_data,
                ship_data,
                deliver_data,
                captured,
                address,
                *ratings,
                review_text,
                reviewed,
                message,
                replied,
            ) = row
            buyer_id = buyers[email]
            orders.append((order_id, number, buyer_id, "paid", currency, total, zero, total, address, placed, placed))
            seller_orders.append(
                (
                    *(seller_order_id, order_id, seller_id, number, status, currency, total, zero, total, zero),
                    *("standard", "imported", ship_by, ship_by, deliver_by, carrier, tracking, accepted or null),
                    *(shipped or null, delivered or null, delivered or null, cancelled or null, cancelled_by),
                    *(cancel_reason, return_reason, yes, placed),
                )
            )
            head = (seller_order_id, seller_id)
            add_event((*head, "payment_captured", "operator", null, "", captured, placed))
            if accepted:
                add_event((*head, "accept", "seller", null, "", _PLAIN, accepted))
            if cancelled:
                actor = buyer_id if cancelled_by == "buyer" else null
                add_event((*head, "cancel", cancelled_by, actor, cancel_reason, _PLAIN, cancelled))
            if shipped:
                add_event((*head, "ship", "seller", null, "", ship_data, shipped))
            if delivered:
                add_event((*head, "deliver", "seller", null, "", deliver_data, delivered))
            if returned:
                add_event((*head, "request_return", "buyer", buyer_id, "", return_data, returned))
            if refunded:
                add_event((*head, "refund", "seller", null, "", _PLAIN, refunded))
            if opened:
                add_event((*head, "dispute_opened", "buyer", buyer_id, "", opened_data, opened))
            if decided:
                add_event((*head, "dispute_decided", "operator", null, "", decided_data, decided))
            if reviewed:
                reviews.append((seller_order_id, buyer_id, seller_id, *ratings, review_text, reviewed))
            if message:
                messages.append((seller_order_id, seller_id, buyer_id, "buyer", body, message))
                if replied:
                    messages.append((seller_order_id, seller_id, responders[int(seller_id)], "seller", body, replied))
        tables: list[tuple[_Table, list[tuple]]] = [
            (self.orders, orders),
            (self.seller_orders, seller_orders),
            (self.events, events),
            (self.reviews, reviews),
            (self.messages, messages),
        ]
        if not self.is_postgresql:
            return list(tables)
        return [(table, _copy_block(table, table_rows)) for table, table_rows in tables]

    def _copy(self, tables: list[tuple[_Table, list[tuple] | str]], raw: Any = None) -> None:
        for table, rows in tables:
            self._write(table, rows, raw)


class ChunkOutcome(NamedTuple):
    rows: int
    already_imported: int
    imported: int
    reviews: int
    messages: int
    seller_ids: set[int]


class _Prepared(NamedTuple):
    order_ids: list[int]
    seller_order_ids: list[int]
    buyers: dict[str, int]


_PLAIN = '{"imported": true}'
_NO_REVIEW = ("", "", "", "", "", "", "", "")
_LATE = '{"imported": true, "late": true}'
_ON_TIME = '{"imported": true, "late": false}'


def is_import_placeholder(is_active: bool, last_login: dt.datetime | None, password: str) -> bool:
    """An account an import created (`buyers_prepare`): inactive, never logged in, no usable password. Once its
    owner claims it (a password, a login, activation) it is a live account and its dates are its own."""
    return not is_active and last_login is None and password.startswith(UNUSABLE_PASSWORD_PREFIX)


def seller_responders() -> dict[int, int]:
    """Seller id → the user whose name an imported answer carries: the owner, else the first member."""
    firsts: dict[int, int] = {}
    owners: dict[int, int] = {}
    for seller_id, user_id, role in SellerMember.objects.order_by("pk").values_list("seller_id", "user_id", "role"):
        firsts.setdefault(seller_id, user_id)
        if role == MemberRole.OWNER:
            owners.setdefault(seller_id, user_id)
    return firsts | owners


def _postgresql_stamp(value: dt.datetime | None) -> str:
    """ISO 8601 in UTC with its offset (PostgreSQL's timestamptz input; in UTC so that the strings sort by time:
    history_rows.SPOOLED_TIME_FIELD); "" for none."""
    if value is None:
        return ""
    if value.tzinfo is not dt.UTC:
        value = value.astimezone(dt.UTC)
    return value.isoformat()


def _sqlite_stamp(value: dt.datetime | None) -> str:
    """What Django stores on SQLite — `str()` of the naive UTC datetime, `2025-03-01 09:00:00[.ffffff]` —; "" for
    none. (The UTC ISO form without its `+00:00`: a third of the cost of converting to a naive datetime.)"""
    if value is None:
        return ""
    if value.tzinfo is not dt.UTC:
        value = value.astimezone(dt.UTC)
    return value.isoformat(" ")[:-6]


def _copy_block(table: _Table, rows: list[tuple]) -> str:
    """COPY text lines (tab-separated) of rows whose fields are already COPY text, each followed by the table's
    constants: one string per table and chunk, sent with one `copy.write` (psycopg's `write_row` cost ≈ 5 µs a row)."""
    if not rows:
        return ""
    suffix = table.copy_suffix
    return suffix.join(map("\t".join, rows)) + suffix


_COPY_SPECIAL = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_escaped(text: str) -> str:
    """`text` as a field of PostgreSQL's COPY text format (backslash, tab, newline and carriage return escaped)."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.translate(_COPY_SPECIAL)
    return text


def _same(text: str) -> str:
    return text


def copy_text(value: Any) -> str:
    """A constant column value (a model default, as `get_db_prep_save` gives it) as a COPY text field."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | Decimal):
        return str(int(value)) if isinstance(value, int) else str(value)
    if isinstance(value, str):
        return copy_escaped(str.__str__(value))
    if isinstance(value, Json | Jsonb):  # psycopg's Json/Jsonb wrappers (JSONField defaults)
        return copy_escaped(json.dumps(value.obj))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"No COPY text form for the default {value!r} ({type(value).__name__}).")

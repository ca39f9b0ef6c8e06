"""The batch rebuild of trust (`comptoir trust recompute`): review credibility over every review, every
SellerDailyStats bucket from the source rows, then every seller's score.

Same results as the incremental path (both fold with the pure `evidence.order_contribution`), built for volume:
column queries streamed through the cursor (no model instances, no ORM per-value conversion), sellers taken in
groups read by their seller ids (one range of the per-seller indexes per table, never IN-lists of order ids),
buckets written with multi-row INSERTs, and — for a large history called outside any transaction — the groups and
then the score recompute spread over worker processes (`workers`), the buckets still written by the calling
process in the one transaction that replaces them."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from types import MappingProxyType

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Count, Max, TextField
from django.db.models.functions import Cast

from comptoir.core import clock
from comptoir.core.db import raw_rows, stream_rows
from comptoir.orders.models import SellerOrder, SellerOrderEvent
from comptoir.sellers.models import Seller
from comptoir.trust import rebuild_workers
from comptoir.trust.domain.evidence import (COUNTER_FIELDS, KIND_RANK, LIST_FIELDS, ORDER_FACT_ACTIONS, ORDER_FACT_ACTIONS_WITH_DATA, FactItem,
                                            OrderFacts, order_contribution)
from comptoir.trust.models import Message, Review, SellerDailyStats, TrustEvidenceApplied, TrustRebuild
from comptoir.trust.selectors import config as trust_settings

# Below this many seller orders the worker processes cost more to start (≈ 1 s each: a fresh interpreter sets Django
# up) than they save.
PARALLEL_MIN_ORDERS = 100_000
EMPTY = MappingProxyType({})


def trust_rebuild(*, today: dt.date | None = None, refresh_credibility: bool = True, chunk: int = 20_000, workers: int | None = None) -> TrustRebuild:
    """Rebuild every bucket from the source rows (events, reviews, messages) and recompute every seller.
    Reaches the scores the incremental path reaches. Run it in a quiet period: facts committed while it runs
    are folded in by their own tasks only if their ids are above the marks it records.

    `workers`: processes for the bucket groups and the recompute (default: COMPTOIR_TRUST_REBUILD_WORKERS, else one
    per core). Used only when the history holds at least PARALLEL_MIN_ORDERS seller orders, the call is
    outside any transaction (workers see committed rows only) and the database is not in memory."""
    from comptoir.trust.services import trust_recompute_all

    started = time.monotonic()
    today = today or clock.now().date()
    config = trust_settings()
    phases = {}
    if refresh_credibility:
        review_credibility_refresh(today=today)
        phases["credibility"] = round(time.monotonic() - started, 3)
    orders = SellerOrder.objects.count()
    pool_size = _pool_size(workers) if orders >= PARALLEL_MIN_ORDERS else 1
    with _workers(pool_size) as pool:
        with transaction.atomic():
            marks = TrustRebuild(last_event_id=SellerOrderEvent.objects.aggregate(m=Max("pk"))["m"] or 0,
                                 last_review_id=Review.objects.aggregate(m=Max("pk"))["m"] or 0,
                                 last_message_id=Message.objects.aggregate(m=Max("pk"))["m"] or 0)
            SellerDailyStats.objects.all().delete()
            TrustEvidenceApplied.objects.all().delete()
            marks.buckets_written = _buckets_rebuild(marks, config=config, chunk=chunk, pool=pool)
            TrustEvidenceApplied.objects.bulk_create([TrustEvidenceApplied(key=f"review_hidden:{pk}", seller_id=seller_id) for pk, seller_id in
                                                      Review.objects.filter(hidden_at__isnull=False, pk__lte=marks.last_review_id).values_list("pk", "seller_id")])
            marks.save()
        phases["buckets"] = round(time.monotonic() - started - sum(phases.values()), 3)
        if pool is None:
            marks.sellers = trust_recompute_all(today=today, refresh_listing=True)
        else:
            seller_ids = list(Seller.objects.order_by("pk").values_list("pk", flat=True))
            size = -(-len(seller_ids) // (pool_size * 4))  # a few slices per worker, so one slow slice does not idle the others
            slices = [seller_ids[start:start + size] for start in range(0, len(seller_ids), size)]
            marks.sellers = sum(pool.map(rebuild_workers.recompute, slices, [today] * len(slices)))
    marks.seconds = round(time.monotonic() - started, 3)
    phases["scores"] = round(marks.seconds - sum(phases.values()), 3)
    marks.save(update_fields=["sellers", "seconds"])
    marks.phases, marks.workers = phases, pool_size  # not stored: for the command's report and the benchmark
    return marks


# --- Review credibility over every review ------------------------------------------------------------

def review_credibility_refresh(*, today: dt.date) -> int:
    """Run the fraud analysis over every review and store the credibility that changed. Column queries only: the
    reviews joined to their order's address and their buyer's sign-up date, the buyers' delivered orders counted by
    one grouped query, the payment fingerprints by one query (subqueries, never IN-lists of ids, which SQLite caps).
    Returns the number of reviews updated."""
    from comptoir.payments.selectors import payment_fingerprints_for_seller_orders
    from comptoir.trust.domain.fraud import ReviewFacts, review_credibility
    from comptoir.trust.services import REVIEWABLE, _address_hash

    reviewers = Review.objects.values("buyer_id")
    counts = {buyer_id: (orders, sellers) for buyer_id, orders, sellers in
              SellerOrder.objects.filter(status__in=REVIEWABLE, order__buyer_id__in=reviewers).values("order__buyer_id").annotate(
                  orders=Count("pk"), sellers=Count("seller_id", distinct=True)).values_list("order__buyer_id", "orders", "sellers")}
    fingerprints = payment_fingerprints_for_seller_orders(Review.objects.values("seller_order_id"))
    facts, stored = [], {}
    rows = Review.objects.order_by("pk").values_list(
        "pk", "buyer_id", "seller_id", "seller_order_id", "created_at", "buyer__date_joined", "item_as_described", "communication", "shipping_speed",
        "packaging", "seller_order__order__shipping_address", "credibility_permille", "credibility_reasons")
    address_hashes: dict = {}  # by the stored JSON text: a buyer ships to the same few addresses, hashed once each
    for (pk, buyer_id, seller_id, seller_order_id, created_at, joined, described, communication, speed, packaging, address, permille,
         reasons) in stream_rows(rows, datetimes=(4, 5), jsons=(12,)):
        orders, sellers = counts.get(buyer_id, (0, None))
        if address.__class__ is str:
            address_hash = address_hashes.get(address)
            if address_hash is None:
                address_hash = address_hashes[address] = _address_hash(json.loads(address))
        else:  # a driver that decodes JSON itself
            address_hash = _address_hash(address)
        facts.append(ReviewFacts(review_id=pk, buyer_id=buyer_id, seller_id=seller_id, created_at=created_at, buyer_joined_at=joined or created_at,
                                 buyer_order_count=orders, shipping_address_hash=address_hash,
                                 payment_fingerprint=fingerprints.get(seller_order_id, ""),
                                 rating=round((described + communication + speed + packaging) / 4), buyer_seller_count=sellers))
        stored[pk] = (permille, reasons or [])
    if not facts:
        return 0
    results = review_credibility(facts, today=today, reviewer_count=len({fact.buyer_id for fact in facts}))
    changed = [(credibility.permille, list(credibility.reasons), pk) for pk, credibility in results.items()
               if (credibility.permille, list(credibility.reasons)) != stored[pk]]
    if changed:
        connection = connections[router.db_for_write(Review)]
        model = Review._meta
        table, permille_column, reasons_column = (connection.ops.quote_name(name) for name in (
            model.db_table, model.get_field("credibility_permille").column, model.get_field("credibility_reasons").column))
        reasons_field = model.get_field("credibility_reasons")
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {permille_column} = %s, {reasons_column} = %s WHERE id = %s",
                               [(permille, reasons_field.get_db_prep_save(reasons, connection), pk) for permille, reasons, pk in changed])
    return len(changed)


# --- Buckets ----------------------------------------------------------------------------------------

def _seller_groups(orders_per_group: int, max_sellers: int = 900) -> list[list[int]]:
    """Sellers with seller orders, in groups of about `orders_per_group` orders (a larger seller alone) and at most
    `max_sellers` sellers (the group is a query parameter list)."""
    groups, current, size = [], [], 0
    for seller_id, count in SellerOrder.objects.values("seller_id").annotate(count=Count("pk")).order_by("seller_id").values_list("seller_id", "count"):
        if current and (size + count > orders_per_group or len(current) >= max_sellers):
            groups.append(current)
            current, size = [], 0
        current.append(seller_id)
        size += count
    if current:
        groups.append(current)
    return groups


def _buckets_rebuild(marks: TrustRebuild, *, config: dict, chunk: int, pool=None) -> int:
    """Write every SellerDailyStats row from the source rows up to the marks (the caller emptied the table in this
    transaction), group by group of sellers (about `chunk` seller orders each; a group's buckets are complete when it
    ends, since each seller's orders are all in it). With a pool, the groups are computed by the workers and their rows
    written here, in group order. Returns the number of rows written.

    Measured and not kept: comparing each group's stored rows with the rebuilt ones and writing only the differences.
    Over right buckets it wrote nothing, but reading and comparing 800k stored rows cost more (+18 s of CPU at 1M
    orders) than writing them again (COPY)."""
    limits = (marks.last_event_id, marks.last_review_id, marks.last_message_id)
    groups = _seller_groups(chunk)
    connection = connections[router.db_for_write(SellerDailyStats)]
    written = 0
    if pool is None:
        for part in groups:
            written += _rows_insert(connection, bucket_rows(connection, group_buckets(part, limits, config=config)))
    else:
        for rows in pool.map(rebuild_workers.group_rows, groups, [limits] * len(groups), [config] * len(groups)):
            written += _rows_insert(connection, rows)
    return written


def group_buckets(seller_ids: list[int], limits: tuple[int, int, int], *, config: dict) -> dict[tuple[int, dt.date], dict]:
    """The buckets of these sellers, {(seller_id, day): {field: value}}, from their seller orders and the facts up to
    `limits` (last event, review, message id): four streamed queries on the per-seller indexes (SellerOrder.seller,
    SellerOrderEvent.seller_id_copy, Review.seller, Message.seller_id_copy — the denormalised seller copies are
    written with their rows), then the pure `order_contribution` per seller order, summed per seller and day."""
    last_event, last_review, last_message = limits
    event, review_rank, hidden_rank, message_rank = KIND_RANK["event"], KIND_RANK["review"], KIND_RANK["review_hidden"], KIND_RANK["message"]
    connection = connections[router.db_for_read(SellerOrder)]
    # Datetimes as the driver gives them: aware (PostgreSQL) or naive in the connection's zone (SQLite). Within one
    # order they are all alike, and order_contribution only compares them, subtracts them and takes their dates, which
    # a naive value in UTC gives as the aware one does; in any other zone they are made aware as the ORM would.
    zone = connection.timezone if settings.USE_TZ else None
    aware = None if zone is None or connection.vendor != "sqlite" or zone.utcoffset(None) == dt.timedelta(0) else zone
    loads, new, from_text = json.loads, tuple.__new__, dt.datetime.fromisoformat  # FactItem from its ten fields in order

    def at(name: str):
        # SQLite: the timestamp as its stored text, parsed by `stamp` with fromisoformat (Django's converter costs ≈ 5×).
        return Cast(name, output_field=TextField()) if connection.vendor == "sqlite" else name

    def stamp(value):
        if value.__class__ is str:
            value = from_text(value)
        return value if aware is None or value is None else value.replace(tzinfo=aware)
    orders = {}
    for pk, seller_id, placed_at, ship_by, deliver_by in raw_rows(
            SellerOrder.objects.filter(seller_id__in=seller_ids).order_by().values_list("pk", "seller_id", at("placed_at"), "ship_by", "deliver_by")):
        orders[pk] = (seller_id, stamp(placed_at).date(), ship_by, deliver_by)
    items: dict[int, list[FactItem]] = {pk: [] for pk in orders}
    get = items.get
    # The marks are applied here, not in SQL: `id <= mark` selects nearly everything and made the planners scan by id.
    # Only ship, return and dispute facts read their event's data: the other events come without the JSON column.
    events = SellerOrderEvent.objects.filter(seller_id_copy__in=seller_ids, action__in=ORDER_FACT_ACTIONS).order_by()  # any order: no sort
    for event_id, seller_order_id, action, actor_role, data, created_at in raw_rows(
            events.filter(action__in=ORDER_FACT_ACTIONS_WITH_DATA).values_list("pk", "seller_order_id", "action", "actor_role", "data", at("created_at"))):
        facts = get(seller_order_id)
        if facts is not None and event_id <= last_event:
            data = loads(data) if data.__class__ is str else data
            facts.append(new(FactItem, (f"event:{event_id}", stamp(created_at), "event", event, event_id, action, actor_role, data or EMPTY, 0, 1000)))
    for event_id, seller_order_id, action, actor_role, created_at in raw_rows(
            events.exclude(action__in=ORDER_FACT_ACTIONS_WITH_DATA).values_list("pk", "seller_order_id", "action", "actor_role", at("created_at"))):
        facts = get(seller_order_id)
        if facts is not None and event_id <= last_event:
            facts.append(new(FactItem, (f"event:{event_id}", stamp(created_at), "event", event, event_id, action, actor_role, EMPTY, 0, 1000)))
    for review_id, seller_order_id, described, communication, speed, packaging, credibility, created_at, hidden_at in raw_rows(
            Review.objects.filter(seller_id__in=seller_ids).order_by().values_list(
                "pk", "seller_order_id", "item_as_described", "communication", "shipping_speed", "packaging", "credibility_permille", at("created_at"),
                at("hidden_at"))):
        facts = get(seller_order_id)
        if facts is None or review_id > last_review:
            continue
        hidden_at = stamp(hidden_at)
        facts.append(new(FactItem, (f"review:{review_id}", stamp(created_at), "review", review_rank, review_id, "", "", EMPTY,
                                    (described + communication + speed + packaging) * 250, credibility)))
        if hidden_at is not None:
            facts.append(new(FactItem, (f"review_hidden:{review_id}", hidden_at, "review_hidden", hidden_rank, review_id, "", "", EMPTY, 0, 1000)))
    for message_id, seller_order_id, role, created_at in raw_rows(
            Message.objects.filter(seller_id_copy__in=seller_ids).order_by().values_list("pk", "seller_order_id", "sender_role", at("created_at"))):
        facts = get(seller_order_id)
        if facts is not None and message_id <= last_message:
            facts.append(new(FactItem, (f"message:{message_id}", stamp(created_at), "message", message_rank, message_id, "", role, EMPTY, 0, 1000)))
    buckets: dict[tuple[int, dt.date], dict] = {}
    for pk, (seller_id, placed_on, ship_by, deliver_by) in orders.items():
        for day, values in order_contribution(OrderFacts(pk, placed_on, ship_by, deliver_by, tuple(items[pk])), config=config).items():
            bucket = buckets.get((seller_id, day))
            if bucket is None:
                buckets[(seller_id, day)] = values  # a fresh dict of its own: adopted, then added to
                continue
            for name, value in values.items():
                if name in LIST_FIELDS:
                    bucket.setdefault(name, []).extend(value)  # in place: a big seller's day gathers thousands of times
                else:
                    bucket[name] = bucket.get(name, 0) + value
    return buckets


def bucket_rows(connection, buckets: dict[tuple[int, dt.date], dict]) -> list[tuple] | str:
    """The buckets ready to write, in (seller, day) order, with the values the model would write (defaults 0 and [],
    lists sorted): on PostgreSQL the text of a COPY (one line per row: built here, in the worker processes when there
    are some, it costs ≈ 3 µs a row against ≈ 20 µs for psycopg adapting each value), elsewhere INSERT parameter rows."""
    ordered = sorted(buckets.items())
    if connection.vendor == "postgresql":
        dumps = json.dumps
        lines = []
        for (seller_id, day), values in ordered:
            fields = [str(seller_id), day.isoformat(), *[str(values.get(name, 0)) for name in COUNTER_FIELDS],
                      *[dumps(sorted(values[name])) if values.get(name) else "[]" for name in LIST_FIELDS]]
            lines.append("\t".join(fields))  # no tab, newline or backslash can occur in these values
        return "\n".join(lines) + "\n" if lines else ""
    ops, model = connection.ops, SellerDailyStats._meta
    list_fields = [model.get_field(name) for name in LIST_FIELDS]
    empty = [field.get_db_prep_save([], connection) for field in list_fields]
    rows = []
    for (seller_id, day), values in ordered:
        lists = [field.get_db_prep_save(sorted(values[field.name]), connection) if values.get(field.name) else blank
                 for field, blank in zip(list_fields, empty)]
        rows.append((seller_id, ops.adapt_datefield_value(day), *[values.get(name, 0) for name in COUNTER_FIELDS], *lists))
    return rows


def _rows_insert(connection, rows: list[tuple] | str) -> int:
    """Write SellerDailyStats rows (from `bucket_rows`) through the cursor: COPY on PostgreSQL, the driver's executemany
    elsewhere (bulk_create spent ~150 µs per row preparing 20 fields)."""
    if not rows:
        return 0
    ops, model = connection.ops, SellerDailyStats._meta
    names = ["seller_id", "day", *COUNTER_FIELDS, *LIST_FIELDS]
    columns = ", ".join(ops.quote_name(model.get_field(name).column) for name in names)
    if isinstance(rows, str):
        # COPY on PostgreSQL: a multi-row INSERT of 1,000 rows cost psycopg ≈ 0.25 s just to parse its 19,000 placeholders
        # (client-side binding, and statements that long are not cached).
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {ops.quote_name(model.db_table)} ({columns}) FROM STDIN") as copy:
            copy.write(rows)
        return rows.count("\n")
    # One prepared single-row INSERT run over every row by the driver (SQLite: a C loop, ≈ 3 µs a row); multi-row
    # statements cost more to build and convert than they save.
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {ops.quote_name(model.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(names))})", rows)
    return len(rows)


# --- Worker processes --------------------------------------------------------------------------------

def _pool_size(workers: int | None) -> int:
    """How many worker processes the rebuild may use here: 1 (none) inside a transaction or on an in-memory database."""
    connection = connections[router.db_for_write(SellerDailyStats)]
    if connection.in_atomic_block:
        return 1
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        return 1
    wanted = workers if workers is not None else int(settings.COMPTOIR.get("TRUST_REBUILD_WORKERS") or os.cpu_count() or 1)
    return max(1, wanted)


class _workers:
    """A spawn-started process pool of `size` workers set up with this process's database settings (the fork of a
    process holding database connections would share their sockets); None for a size of 1."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.pool = None

    def __enter__(self):
        if self.size <= 1:
            return None
        databases = {alias: dict(connections[alias].settings_dict) for alias in connections}
        self.pool = ProcessPoolExecutor(max_workers=self.size, mp_context=get_context("spawn"), initializer=rebuild_workers.setup,
                                        initargs=(os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings"), databases))
        return self.pool

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

"""The batch rebuild of trust (`comptoir trust recompute`): review credibility over every review, every
SellerDailyStats bucket from the source rows, then every seller's score.

Same results as the incremental path (both fold with the pure `evidence.order_contribution`), built for volume:
column queries streamed through the cursor (no model instances, no ORM per-value conversion), sellers taken in
groups read by their seller ids (one range of the per-seller indexes per table, never IN-lists of order ids),
buckets written with multi-row INSERTs, and — for a large history called outside any transaction — the groups and
then the score recompute spread over worker processes (`workers`), the buckets still written by the calling
process in the one transaction that replaces them."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import os
import threading
import time
from collections import Counter
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from operator import itemgetter
from types import MappingProxyType
from typing import Any, NamedTuple

from django.db import connections, router, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    Field,
    Func,
    JSONField,
    Max,
    Model,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast

from comptoir.core import clock
from comptoir.core.db import raw_rows
from comptoir.orders.models import SellerOrder, SellerOrderEvent
from comptoir.sellers.models import Seller
from comptoir.trust import rebuild_workers
from comptoir.trust.conf import trust_settings
from comptoir.trust.domain.evidence import (
    COUNTER_FIELDS,
    KIND_RANK,
    LIST_FIELDS,
    ORDER_FACT_ACTIONS,
    ORDER_FACT_ACTIONS_WITH_DATA,
    SUSPECT,
    FactItem,
    OrderFacts,
    contribution_subtract,
    order_contribution,
    review_verdict_permille,
    suspect_item,
)
from comptoir.trust.domain.score import PriorEstimate, config_with_prior_estimate
from comptoir.trust.models import Message, Review, SellerDailyStats, SuspectOrder, TrustEvidenceApplied, TrustRebuild
from comptoir.trust.services.priors import inheritances, prior_estimate_from_totals, prior_estimate_store

# Below this many seller orders the worker processes cost more to start (≈ 1 s each: a fresh interpreter sets Django
# up) than they save.
PARALLEL_MIN_ORDERS = 100_000
EMPTY: Mapping[str, Any] = MappingProxyType({})


def trust_rebuild(
    *,
    today: dt.date | None = None,
    refresh_credibility: bool = True,
    chunk: int | None = None,
    workers: int | None = None,
) -> TrustRebuild:
    """Rebuild every bucket from the source rows (events, reviews, messages) and recompute every seller.
    Reaches the scores the incremental path reaches. Run it in a quiet period: facts committed while it runs
    are folded in by their own tasks only if their ids are above the marks it records (taken when it starts).

    `workers`: processes for the bucket groups and the recompute (default: COMPTOIR_TRUST_REBUILD_WORKERS, else one
    per core). Used only when the history holds at least PARALLEL_MIN_ORDERS seller orders, the call is
    outside any transaction (workers see committed rows only) and the database is not in memory. With workers, each
    keeps its groups in memory from one step to the next: it reads their events and messages while this process runs
    the credibility analysis, finishes them with the reviews once the credibility is stored (this process writes the
    buckets in one transaction), then recomputes its sellers from the buckets it built, without reading them back.

    `chunk`: seller orders per group of sellers (default: two groups per process, from 20,000 to 250,000 orders). Each
    group's reads cover its sellers' rows wherever they lie in the tables, so fewer, larger groups visit fewer pages.

    Python's cyclic garbage collector is paused meanwhile (and in the workers): the rebuild holds millions of small
    objects without cycles, which each full collection would walk again (measured: a quarter of the bucket time)."""
    with _collector_paused():
        return _rebuild(today=today, refresh_credibility=refresh_credibility, chunk=chunk, workers=workers)


@contextlib.contextmanager
def _write_cache():
    """On SQLite, a page cache that holds the rewritten buckets for the transaction that writes them (the default 2 MB
    cache spills its dirty pages to the WAL again and again while 800k rows are inserted); the default afterwards."""
    connection = connections[router.db_for_write(SellerDailyStats)]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        default = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")  # KiB: 256 MiB
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(default)}")


@contextlib.contextmanager
def _collector_paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _rebuild(
    *, today: dt.date | None, refresh_credibility: bool, chunk: int | None, workers: int | None
) -> TrustRebuild:
    from comptoir.trust.services import trust_recompute_all

    started = time.monotonic()
    today = today or clock.now().date()
    config = trust_settings().rules
    phases = {}
    orders = SellerOrder.objects.count()
    pool_size = _pool_size(workers) if orders >= PARALLEL_MIN_ORDERS else 1
    limits = (
        SellerOrderEvent.objects.aggregate(m=Max("pk"))["m"] or 0,
        Review.objects.aggregate(m=Max("pk"))["m"] or 0,
        Message.objects.aggregate(m=Max("pk"))["m"] or 0,
    )
    sized = _seller_groups(chunk or min(250_000, max(20_000, -(-orders // (2 * pool_size)))))
    with _crew(pool_size) as crew:
        owners = _assign([sum(size for _seller, size in group) for group in sized], pool_size)
        groups = [[seller_id for seller_id, _size in group] for group in sized]
        if crew:
            prepared = [
                worker.submit(
                    rebuild_workers.prepare,
                    [(index, groups[index]) for index, owner in enumerate(owners) if owner == number],
                    limits,
                    config,
                )
                for number, worker in enumerate(crew)
            ]
        if refresh_credibility:
            review_credibility_refresh(today=today)
            phases["credibility"] = round(time.monotonic() - started, 3)
        suspect_mark = SuspectOrder.objects.aggregate(m=Max("pk"))["m"] or 0  # the suspect orders folded below
        if crew:
            for future in prepared:
                future.result()
        with _write_cache(), transaction.atomic():
            marks = TrustRebuild(last_event_id=limits[0], last_review_id=limits[1], last_message_id=limits[2])
            SellerDailyStats.objects.all().delete()
            TrustEvidenceApplied.objects.all().delete()
            if crew is None:
                marks.buckets_written = _buckets_rebuild(groups, limits, config=config, suspect_mark=suspect_mark)
            else:
                finished = [
                    crew[owners[index]].submit(rebuild_workers.finish, index, limits, config, today, suspect_mark)
                    for index in range(len(groups))
                ]
                # Then each worker scores its sellers while the buckets are written here; sellers without orders are
                # shared out. The scores need the prior strengths estimated from every seller first: each worker
                # sends its sellers' rate totals once its groups are finished, and a thread of this process combines
                # them and queues the scoring while the buckets are being written.
                grouped = {seller_id for group in groups for seller_id in group}
                idle = [
                    seller_id
                    for seller_id in Seller.objects.order_by("pk").values_list("pk", flat=True)
                    if seller_id not in grouped
                ]
                estimating = _PriorsThenScores(crew, idle, today=today, config=config)
                estimating.start()
                marks.buckets_written = _rows_written(finished)
                estimating.join()
                scored = estimating.scored
                if estimating.estimate is not None:
                    prior_estimate_store(estimate=estimating.estimate, today=today)
            TrustEvidenceApplied.objects.bulk_create(
                [
                    TrustEvidenceApplied(key=f"review_hidden:{pk}", seller_id=seller_id)
                    for pk, seller_id in Review.objects.filter(
                        hidden_at__isnull=False, pk__lte=marks.last_review_id
                    ).values_list("pk", "seller_id")
                ]
                + [
                    TrustEvidenceApplied(key=f"{SUSPECT}:{seller_order_id}", seller_id=seller_id)
                    for seller_order_id, seller_id in SuspectOrder.objects.filter(pk__lte=suspect_mark).values_list(
                        "seller_order_id", "seller_id"
                    )
                ],
                batch_size=1000,
            )
            marks.save()
            applied_mark = (
                TrustEvidenceApplied.objects.aggregate(m=Max("pk"))["m"] or 0
            )  # facts folded after this commit: see the scores
        phases["buckets"] = round(time.monotonic() - started - sum(phases.values()), 3)
        if crew is None:
            marks.sellers = trust_recompute_all(today=today, refresh_listing=True)
        else:
            for future in scored:
                future.result()
            marks.sellers = sum(
                future.result()
                for future in [
                    worker.submit(rebuild_workers.store, today, applied_mark, estimating.scoring_config)
                    for worker in crew
                ]
            )
    marks.seconds = round(time.monotonic() - started, 3)
    phases["scores"] = round(marks.seconds - sum(phases.values()), 3)
    marks.save(update_fields=["sellers", "seconds"])
    marks.phases, marks.workers = phases, pool_size  # not stored: for the command's report and the benchmark
    return marks


class _PriorsThenScores(threading.Thread):
    """Queues each worker's rate totals (after its finished groups), estimates the prior strengths from them all and
    then queues each worker's scores (`rebuild_workers.precompute`) with them. Pure computation and queueing, no
    database: the estimate is stored by the calling thread, in the buckets' transaction."""

    def __init__(self, crew: list, idle: list[int], *, today: dt.date, config: dict[str, Any]) -> None:
        super().__init__(name="trust-rebuild-priors", daemon=True)
        self.crew, self.idle, self.today, self.config = crew, idle, today, config
        self.estimate: PriorEstimate | None = None
        self.scoring_config = config  # with the estimated prior strengths once run
        self.scored: list = []
        self.priors = inheritances() if config.get("empirical_prior") else {}
        self.failure: BaseException | None = None

    def run(self) -> None:
        config = self.config
        try:
            if config.get("empirical_prior"):
                own: dict = {}
                for future in [worker.submit(rebuild_workers.totals, self.today, config) for worker in self.crew]:
                    own.update(future.result())
                self.estimate = prior_estimate_from_totals(own, config=config, priors=self.priors)
                if not config.get("rate_prior_strengths"):
                    config = self.scoring_config = config_with_prior_estimate(config, self.estimate)
        except BaseException as error:  # re-raised by `join` in the calling thread
            self.failure = error
        finally:
            size = len(self.crew)
            self.scored = [
                worker.submit(rebuild_workers.precompute, self.idle[number::size], self.today, config)
                for number, worker in enumerate(self.crew)
            ]

    def join(self, timeout: float | None = None) -> None:
        super().join(timeout)
        if self.failure is not None:
            raise self.failure


# --- Review credibility over every review ------------------------------------------------------------


def review_credibility_refresh(*, today: dt.date) -> int:
    """Run the fraud analysis over every review and store the credibility that changed. Column queries only: the
    reviews joined to their order's address and their buyer's sign-up date (unknown for imported buyers without one),
    the buyers' delivered orders counted by one grouped query, the payment fingerprints by one query per source (live
    payments, imported `payment_captured` events; subqueries, never IN-lists of ids, which SQLite caps), the sellers'
    operational summaries by one grouped query.
    The suspect orders (`SuspectOrder`) are replaced by those this analysis finds.
    Returns the number of reviews updated."""
    from comptoir.trust.domain.fraud import ReviewFacts, co_reviewer_count, review_analysis
    from comptoir.trust.selectors import payment_fingerprints_for_seller_orders, seller_operations
    from comptoir.trust.services.reviews import REVIEWABLE, address_hash
    from comptoir.trust.services.suspects import suspect_orders_replace, suspects_find

    secret_key = trust_settings().secret_key

    # Each buyer's verified purchases and distinct sellers, counted here from one column pair per seller order: a
    # GROUP BY with COUNT(DISTINCT) cost SQLite 5 s at 1M orders (a temporary B-tree per buyer) and PostgreSQL a
    # sort spilled to disk.
    purchases = list(
        raw_rows(
            SellerOrder.objects.filter(status__in=REVIEWABLE).order_by().values_list("order__buyer_id", "seller_id")
        )
    )
    orders_of, sellers_of = Counter(map(itemgetter(0), purchases)), Counter(map(itemgetter(0), set(purchases)))
    del purchases
    fingerprints = payment_fingerprints_for_seller_orders(Review.objects.values("seller_order_id"))
    facts, stored = [], {}
    at, stamp, _on, _day = _timestamps(connections[router.db_for_read(Review)])
    # Any order: the analysis does not depend on it (no sort of 300k wide rows).
    rows = Review.objects.order_by().values_list(
        "pk",
        "buyer_id",
        "seller_id",
        "seller_order_id",
        at("created_at"),
        at("buyer__date_joined"),
        "buyer__date_joined_known",
        "item_as_described",
        "communication",
        "shipping_speed",
        "packaging",
        "seller_order__order__shipping_address",
        "credibility_permille",
        "credibility_reasons",
    )
    address_hashes: dict = {}  # by the stored JSON text: a buyer ships to the same few addresses, hashed once each
    new = tuple.__new__  # ReviewFacts from its fields in order
    for (
        pk,
        buyer_id,
        seller_id,
        seller_order_id,
        created_at,
        joined,
        joined_known,
        described,
        communication,
        speed,
        packaging,
        address,
        permille,
        reasons,
    ) in raw_rows(rows):
        if address.__class__ is str:
            hashed = address_hashes.get(address)
            if hashed is None:
                hashed = address_hashes[address] = address_hash(json.loads(address), secret_key=secret_key)
        else:  # a driver that decodes JSON itself
            hashed = address_hash(address, secret_key=secret_key)
        created_at = stamp(created_at)
        facts.append(
            new(
                ReviewFacts,
                (
                    pk,
                    buyer_id,
                    seller_id,
                    created_at,
                    stamp(joined) if joined_known else None,  # unknown (imported buyer): neither new nor old
                    orders_of.get(buyer_id, 0),
                    hashed,
                    fingerprints.get(seller_order_id, ""),
                    round((described + communication + speed + packaging) / 4),
                    sellers_of.get(buyer_id),
                ),
            )
        )
        stored[pk] = (
            permille,
            reasons,
        )  # the reasons as the driver gives them: decoded below only where they may differ
    if not facts:
        suspect_orders_replace({})
        return 0
    analysis = review_analysis(
        facts,
        today=today,
        reviewer_count=co_reviewer_count(facts),
        seller_operations=seller_operations(),
    )
    results = analysis.credibility
    suspect_orders_replace(suspects_find(facts, analysis))

    def stored_reasons(value) -> list:
        return (json.loads(value) if value.__class__ is str else value) or []

    changed = [
        (credibility.permille, list(credibility.reasons), pk)
        for pk, credibility in results.items()
        if credibility.permille != stored[pk][0] or list(credibility.reasons) != stored_reasons(stored[pk][1])
    ]
    if changed:
        connection = connections[router.db_for_write(Review)]
        model = Review._meta
        table, permille_column, reasons_column = (
            connection.ops.quote_name(name)
            for name in (
                model.db_table,
                _column(Review, "credibility_permille"),
                _column(Review, "credibility_reasons"),
            )
        )
        reasons_field = _concrete_field(Review, "credibility_reasons")
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET {permille_column} = %s, {reasons_column} = %s WHERE id = %s",
                [
                    (permille, reasons_field.get_db_prep_save(reasons, connection), pk)
                    for permille, reasons, pk in changed
                ],
            )
    return len(changed)


# --- Buckets ----------------------------------------------------------------------------------------


def _concrete_field(model: type[Model], name: str) -> Field[Any, Any]:
    """A concrete field of `model` (`get_field` may also answer a relation, which the rebuild's columns never are)."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field):
        raise TypeError(f"{model.__name__}.{name} is not a concrete field.")
    return field


def _column(model: type[Model], name: str) -> str:
    return str(_concrete_field(model, name).column)


def _seller_groups(orders_per_group: int) -> list[list[tuple[int, int]]]:
    """Sellers with seller orders and their order counts, in id order, in groups of about `orders_per_group` orders (a
    larger seller alone)."""
    groups: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    size = 0
    for seller_id, count in (
        SellerOrder.objects.values("seller_id")
        .annotate(count=Count("pk"))
        .order_by("seller_id")
        .values_list("seller_id", "count")
    ):
        if current and size + count > orders_per_group:
            groups.append(current)
            current, size = [], 0
        current.append((seller_id, count))
        size += count
    if current:
        groups.append(current)
    return groups


def _assign(sizes: list[int], workers: int) -> list[int]:
    """The worker of each group: largest groups first, each to the least loaded worker."""
    loads, owners = [0] * workers, [0] * len(sizes)
    for index in sorted(range(len(sizes)), key=lambda index: -sizes[index]):
        owner = loads.index(min(loads))
        owners[index] = owner
        loads[owner] += sizes[index]
    return owners


def _buckets_rebuild(
    groups: list[list[int]], limits: tuple[int, int, int], *, config: dict, suspect_mark: int = 0
) -> int:
    """Write every SellerDailyStats row from the source rows up to the marks (the caller emptied the table in this
    transaction), group by group of sellers (a group's buckets are complete when it ends, since each seller's orders
    are all in it), in this process. Returns the number of rows written.

    Measured and not kept: comparing each group's stored rows with the rebuilt ones and writing only the differences.
    Over right buckets it wrote nothing, but reading and comparing 800k stored rows cost more (+18 s of CPU at 1M
    orders) than writing them again (COPY)."""
    connection = connections[router.db_for_write(SellerDailyStats)]
    return sum(
        _rows_insert(
            connection, bucket_rows(connection, group_buckets(part, limits, config=config, suspect_mark=suspect_mark))
        )
        for part in groups
    )


def _rows_written(finished: list) -> int:
    """Write the rows of the workers' finished groups as they come (`rebuild_workers.finish`). Returns how many."""
    connection = connections[router.db_for_write(SellerDailyStats)]
    return sum(_rows_insert(connection, future.result()) for future in as_completed(finished))


class PreparedGroup(NamedTuple):
    """A group of sellers read up to its reviews (`group_prepare`): the buckets of its orders without a review, final,
    and the orders with one, their other facts gathered, waiting for the reviews' credibility (`group_finish`)."""

    seller_ids: list[int]  # in id order
    buckets: dict  # {seller_id: {day: {field: value}}}
    pending: dict  # {seller_order_id: ((seller_id, placed_on, ship_by, deliver_by), [FactItem, ...])}


def _timestamps(connection):
    """(`at`, `stamp`, `on`, `day`): how to select a timestamp column and read it back, and the same for a date
    column, per backend. The rebuild's timestamps are naive, in UTC: PostgreSQL gives them `AT TIME ZONE 'UTC'`
    (psycopg's loader of a plain timestamp costs less than the zone-aware one), SQLite as its stored text, parsed by
    `fromisoformat` (Django's converters cost ≈ 5×), and its dates likewise. Within one order they are all alike, and
    `order_contribution` only compares them, subtracts them and takes their dates, which a naive value in UTC gives as
    the aware one does. A SQLite connection in another zone stores local times: those are made aware, as the ORM
    would."""
    use_tz = trust_settings().use_tz
    zone = connection.timezone if use_tz else None
    sqlite = connection.vendor == "sqlite"
    aware = None if zone is None or not sqlite or zone.utcoffset(None) == dt.timedelta(0) else zone
    from_text, to_date = dt.datetime.fromisoformat, dt.date.fromisoformat

    def at(name: str):
        if sqlite:
            return Cast(name, output_field=TextField())
        if connection.vendor == "postgresql" and use_tz:
            return Func(F(name), template="(%(expressions)s AT TIME ZONE 'UTC')", output_field=DateTimeField())
        return name

    def stamp(value):
        if value.__class__ is str:
            value = from_text(value)
        return value if aware is None or value is None else value.replace(tzinfo=aware)

    def on(name: str):
        return Cast(name, output_field=TextField()) if sqlite else name

    def day(value):
        return to_date(value) if value.__class__ is str else value

    return at, stamp, on, day


def group_prepare(seller_ids: list[int], limits: tuple[int, int, int], *, config: dict) -> PreparedGroup:
    """First half of a group's buckets, which does not read the reviews' credibility (the rebuild's workers run it
    while the credibility analysis runs): the sellers' orders, their events and messages up to `limits` (last event,
    review, message id), read on the per-seller indexes (SellerOrder.seller, SellerOrderEvent.seller_id_copy,
    Message.seller_id_copy — the denormalised seller copies are written with their rows), and the contribution of
    every order that has no review, through the pure `order_contribution`. The group's sellers are read as the range
    of ids from its first to its last (no parameter list, whatever its size: sellers in between have no orders)."""
    first, last = seller_ids[0], seller_ids[-1]
    last_event, last_review, last_message = limits
    event, message_rank = KIND_RANK["event"], KIND_RANK["message"]
    connection = connections[router.db_for_read(SellerOrder)]
    at, stamp, on, day = _timestamps(connection)
    loads, new = json.loads, tuple.__new__  # FactItem from its ten fields in order
    orders, members = {}, set(seller_ids)
    for pk, seller_id, placed_at, ship_by, deliver_by in raw_rows(
        SellerOrder.objects.filter(seller_id__gte=first, seller_id__lte=last)
        .order_by()
        .values_list("pk", "seller_id", at("placed_at"), on("ship_by"), on("deliver_by"))
    ):
        if (
            seller_id in members
        ):  # else a seller whose first order came after the marks: none of its facts is in this rebuild
            orders[pk] = (seller_id, stamp(placed_at).date(), day(ship_by), day(deliver_by))
    items: dict[int, list[FactItem]] = {pk: [] for pk in orders}
    get = items.get
    # Only ship, return and dispute facts read their event's data, the others come without it: on PostgreSQL in one pass
    # over the sellers' events (each heap page visited once), on SQLite in two, the events without data from the
    # covering index alone. The marks are applied here, not in SQL: `id <= mark` selects nearly everything and made the
    # planners scan by id.
    events = SellerOrderEvent.objects.filter(seller_id_copy__range=(first, last)).order_by()
    if connection.vendor == "sqlite":
        reads = [
            events.filter(
                action__in=[action for action in ORDER_FACT_ACTIONS if action not in ORDER_FACT_ACTIONS_WITH_DATA]
            ).values_list(
                "pk", "seller_order_id", "action", "actor_role", Value(None, output_field=JSONField()), at("created_at")
            ),
            events.filter(action__in=ORDER_FACT_ACTIONS_WITH_DATA).values_list(
                "pk", "seller_order_id", "action", "actor_role", "data", at("created_at")
            ),
        ]
    else:
        with_data = Case(
            When(action__in=ORDER_FACT_ACTIONS_WITH_DATA, then=F("data")), default=Value(None), output_field=JSONField()
        )
        reads = [
            events.filter(action__in=ORDER_FACT_ACTIONS).values_list(
                "pk", "seller_order_id", "action", "actor_role", with_data, at("created_at")
            )
        ]
    for read in reads:
        for event_id, seller_order_id, action, actor_role, data, created_at in raw_rows(read):
            facts = get(seller_order_id)
            if facts is not None and event_id <= last_event:
                if data is not None:
                    data = (loads(data) if data.__class__ is str else data) or EMPTY
                facts.append(
                    new(
                        FactItem,
                        (
                            f"event:{event_id}",
                            stamp(created_at),
                            "event",
                            event,
                            event_id,
                            action,
                            actor_role,
                            data or EMPTY,
                            0,
                            1000,
                        ),
                    )
                )
    for message_id, seller_order_id, role, created_at in raw_rows(
        Message.objects.filter(seller_id_copy__range=(first, last))
        .order_by()
        .values_list("pk", "seller_order_id", "sender_role", at("created_at"))
    ):
        facts = get(seller_order_id)
        if facts is not None and message_id <= last_message:
            facts.append(
                new(
                    FactItem,
                    (
                        f"message:{message_id}",
                        stamp(created_at),
                        "message",
                        message_rank,
                        message_id,
                        "",
                        role,
                        EMPTY,
                        0,
                        1000,
                    ),
                )
            )
    reviewed = {
        seller_order_id
        for review_id, seller_order_id in raw_rows(
            Review.objects.filter(seller_id__gte=first, seller_id__lte=last)
            .order_by()
            .values_list("pk", "seller_order_id")
        )
        if review_id <= last_review
    }
    buckets: dict[int, dict[dt.date, dict]] = {seller_id: {} for seller_id in seller_ids}
    pending = {}
    for pk, order in orders.items():
        if pk in reviewed:
            pending[pk] = (order, items[pk])
        else:
            seller_id, placed_on, ship_by, deliver_by = order
            order_contribution(
                OrderFacts(pk, placed_on, ship_by, deliver_by, tuple(items[pk])), config=config, into=buckets[seller_id]
            )
    return PreparedGroup(seller_ids, buckets, pending)


def group_finish(
    prepared: PreparedGroup, limits: tuple[int, int, int], *, config: dict, suspect_mark: int = 0
) -> list[tuple[tuple[int, dt.date], dict]]:
    """Second half: the group's reviews up to the mark, with the credibility now stored, added to the orders waiting for
    them, whose contributions complete the buckets: [((seller_id, day), {field: value}), ...] in (seller, day) order,
    each duration list sorted (as stored).

    The suspect orders (`SuspectOrder` rows up to `suspect_mark`, written by the credibility analysis that ran after
    the first half) are applied here: one waiting for its review gets its suspect mark; one already folded (it has no
    review) is read again and its contribution replaced by the suspect one. They are few (a campaign's orders)."""
    last_review = limits[1]
    review_rank, hidden_rank = KIND_RANK["review"], KIND_RANK["review_hidden"]
    at, stamp, _on, _day = _timestamps(connections[router.db_for_read(Review)])
    new, pending, buckets = tuple.__new__, prepared.pending, prepared.buckets
    for (
        review_id,
        seller_order_id,
        product,
        described,
        communication,
        speed,
        packaging,
        credibility,
        created_at,
        hidden_at,
    ) in raw_rows(
        Review.objects.filter(seller_id__gte=prepared.seller_ids[0], seller_id__lte=prepared.seller_ids[-1])
        .order_by()
        .values_list(
            "pk",
            "seller_order_id",
            "product_rating",
            "item_as_described",
            "communication",
            "shipping_speed",
            "packaging",
            "credibility_permille",
            at("created_at"),
            at("hidden_at"),
        )
    ):
        waiting = pending.get(seller_order_id)
        if waiting is None or review_id > last_review:
            continue
        facts = waiting[1]
        hidden_at = stamp(hidden_at)
        facts.append(
            new(
                FactItem,
                (
                    f"review:{review_id}",
                    stamp(created_at),
                    "review",
                    review_rank,
                    review_id,
                    "",
                    "",
                    EMPTY,
                    review_verdict_permille(product, described, communication, speed, packaging),
                    credibility,
                ),
            )
        )
        if hidden_at is not None:
            facts.append(
                new(
                    FactItem,
                    (
                        f"review_hidden:{review_id}",
                        hidden_at,
                        "review_hidden",
                        hidden_rank,
                        review_id,
                        "",
                        "",
                        EMPTY,
                        0,
                        1000,
                    ),
                )
            )
    folded: dict[int, int] = {}  # suspect orders folded by the first half (no review) -> their seller
    for seller_order_id, seller_id, created_at, against in raw_rows(
        SuspectOrder.objects.filter(
            seller_id__gte=prepared.seller_ids[0], seller_id__lte=prepared.seller_ids[-1], pk__lte=suspect_mark
        )
        .order_by()
        .values_list("seller_order_id", "seller_id", at("created_at"), "counts_against_seller")
    ):
        waiting = pending.get(seller_order_id)
        if waiting is not None:
            waiting[1].append(suspect_item(seller_order_id, stamp(created_at), counts_against_seller=bool(against)))
        elif seller_id in buckets:
            folded[seller_order_id] = seller_id
    for pk, ((seller_id, placed_on, ship_by, deliver_by), facts) in pending.items():
        order_contribution(
            OrderFacts(pk, placed_on, ship_by, deliver_by, tuple(facts)), config=config, into=buckets[seller_id]
        )
    pending.clear()
    _suspects_refold(prepared, folded, limits, config=config)
    ordered = [
        ((seller_id, day), values)
        for seller_id in prepared.seller_ids
        for day, values in sorted(buckets[seller_id].items())
    ]
    for _key, values in ordered:
        for name in LIST_FIELDS:
            if values.get(name):
                values[name].sort()  # as stored
    return ordered


def _suspects_refold(
    prepared: PreparedGroup, folded: dict[int, int], limits: tuple[int, int, int], *, config: dict
) -> None:
    """Replace, in the group's buckets, the contribution of these orders (-> their seller) folded by the first half
    (they have no review up to the mark) with their contribution as suspect orders: their facts up to `limits` read
    again, a few queries per 500 orders."""
    from comptoir.trust.services.evidence import order_facts_bulk

    last_event, last_review, last_message = limits
    limit = {"event": last_event, "review": last_review, "review_hidden": last_review, "message": last_message}
    ordered = sorted(folded)
    for start in range(0, len(ordered), 500):
        for pk, facts in order_facts_bulk(ordered[start : start + 500]).items():
            items = [item for item in facts.items if item.kind != SUSPECT and item.source_id <= limit[item.kind]]
            marks = [item for item in facts.items if item.kind == SUSPECT]
            plain = facts._replace(items=tuple(items))
            seller_buckets = prepared.buckets[folded[pk]]
            contribution_subtract(seller_buckets, order_contribution(plain, config=config))
            order_contribution(plain._replace(items=(*items, *marks)), config=config, into=seller_buckets)


def group_buckets(
    seller_ids: list[int], limits: tuple[int, int, int], *, config: dict, suspect_mark: int = 0
) -> list[tuple[tuple[int, dt.date], dict]]:
    """The buckets of these sellers (in id order), [((seller_id, day), {field: value}), ...] in (seller, day) order,
    from their seller orders and the facts up to `limits` (last event, review, message id) and the suspect orders up to
    `suspect_mark`: `group_prepare` then `group_finish`, in one go."""
    return group_finish(
        group_prepare(seller_ids, limits, config=config), limits, config=config, suspect_mark=suspect_mark
    )


def bucket_rows(connection, ordered: list[tuple[tuple[int, dt.date], dict]]) -> list[tuple] | str:
    """The buckets of `group_finish` (in (seller, day) order, lists sorted) ready to write, with the values the model
    would write (defaults 0 and []): on PostgreSQL the text of a COPY (one line per row: built here, in the worker
    processes when there are some, it costs ≈ 3 µs a row against ≈ 20 µs for psycopg adapting each value), elsewhere
    INSERT parameter rows."""
    if connection.vendor == "postgresql":
        dumps = json.dumps
        lines = []
        for (seller_id, day), values in ordered:
            fields = [
                str(seller_id),
                day.isoformat(),
                *[str(values.get(name, 0)) for name in COUNTER_FIELDS],
                *[dumps(values[name]) if values.get(name) else "[]" for name in LIST_FIELDS],
            ]
            lines.append("\t".join(fields))  # no tab, newline or backslash can occur in these values
        return "\n".join(lines) + "\n" if lines else ""
    ops = connection.ops
    list_fields = [_concrete_field(SellerDailyStats, name) for name in LIST_FIELDS]
    empty = [field.get_db_prep_save([], connection) for field in list_fields]
    rows = []
    for (seller_id, day), values in ordered:
        lists = [
            field.get_db_prep_save(values[field.name], connection) if values.get(field.name) else blank
            for field, blank in zip(list_fields, empty, strict=True)
        ]
        rows.append(
            (seller_id, ops.adapt_datefield_value(day), *[values.get(name, 0) for name in COUNTER_FIELDS], *lists)
        )
    return rows


def _rows_insert(connection, rows: list[tuple] | str) -> int:
    """Write SellerDailyStats rows (from `bucket_rows`) through the cursor: COPY on PostgreSQL, the driver's executemany
    elsewhere (bulk_create spent ~150 µs per row preparing 20 fields)."""
    if not rows:
        return 0
    ops, model = connection.ops, SellerDailyStats._meta
    names = ["seller_id", "day", *COUNTER_FIELDS, *LIST_FIELDS]
    columns = ", ".join(ops.quote_name(_column(SellerDailyStats, name)) for name in names)
    if isinstance(rows, str):
        # COPY on PostgreSQL: a multi-row INSERT of 1,000 rows cost psycopg ≈ 0.25 s just to parse its 19,000
        # placeholders (client-side binding, and statements that long are not cached).
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {ops.quote_name(model.db_table)} ({columns}) FROM STDIN") as copy,
        ):
            copy.write(rows)
        return rows.count("\n")
    # One prepared single-row INSERT run over every row by the driver (SQLite: a C loop, ≈ 3 µs a row); multi-row
    # statements cost more to build and convert than they save.
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {ops.quote_name(model.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(names))})", rows
        )
    return len(rows)


# --- Worker processes --------------------------------------------------------------------------------


def _pool_size(workers: int | None) -> int:
    """How many worker processes the rebuild may use here: 1 (none) inside a transaction or on an in-memory database."""
    connection = connections[router.db_for_write(SellerDailyStats)]
    if connection.in_atomic_block:
        return 1
    if isinstance(connection, SQLiteDatabaseWrapper) and connection.is_in_memory_db():
        return 1
    wanted = workers if workers is not None else (trust_settings().rebuild_workers or os.cpu_count() or 1)
    return max(1, wanted)


class _crew:
    """`size` spawn-started worker processes set up with this process's database settings (the fork of a process holding
    database connections would share their sockets), each its own one-process executor so that what a worker read in
    one step is still there in the next (`rebuild_workers` keeps it); None for a size of 1."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.executors: list[ProcessPoolExecutor] = []

    def __enter__(self):
        if self.size <= 1:
            return None
        databases = {alias: dict(connections[alias].settings_dict) for alias in connections}
        context = get_context("spawn")
        self.executors = [
            ProcessPoolExecutor(
                max_workers=1,
                mp_context=context,
                initializer=rebuild_workers.setup,
                initargs=(os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings"), databases),
            )
            for _ in range(self.size)
        ]
        return self.executors

    def __exit__(self, *exc) -> None:
        for executor in self.executors:
            executor.shutdown(wait=True, cancel_futures=True)

"""`comptoir bench trust`: the cost of keeping trust up to date.

1. Update cost per event: history is imported (trust/importers/history.py: real seller orders and events,
   no trust evidence yet), then every event is folded in through the incremental path
   `trust.services.evidence_apply` (bucket update + the seller's recompute) — ms p50/p95 and queries per event.
2. Full recompute from buckets for `--sellers` sellers and `--orders` orders: SellerDailyStats rows are
   bulk-created directly (orders spread over `--days` days), then every seller is recomputed with
   `seller_trust_recompute` (the second half of `trust recompute`); also the pure part alone (one query
   for all buckets + `compute_trust` per seller).
3. Rebuilding buckets from events: `trust_rebuild` over the imported orders, as orders per second.

Run against a throw-away database (DATABASE_URL); it writes sellers and rows it does not clean up."""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections import defaultdict

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from comptoir.testing.history import generate_raw_history, sellers_bulk_create


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _imported(report):
    if not report.is_ok:
        raise RuntimeError("bench history did not import: " + "; ".join(str(error) for error in report.errors[:5]))
    return report


def _history_csv(seller, orders: int, rng: random.Random, today: dt.date) -> str:
    from comptoir.trust.importers.history import COLUMNS

    lines = [",".join(COLUMNS)]
    for index in range(orders):
        placed = dt.datetime.combine(today - dt.timedelta(days=rng.randint(10, 80)), dt.time(10), tzinfo=dt.UTC)
        ship_by, deliver_by = placed.date() + dt.timedelta(days=2), placed.date() + dt.timedelta(days=6)
        shipped = placed + dt.timedelta(days=rng.choice((1, 1, 1, 3)))
        delivered = shipped + dt.timedelta(days=2)
        row = {
            "external_order_id": f"B-{index}",
            "seller": seller.slug,
            "buyer": f"bench-buyer-{index % 300}",
            "placed_at": placed.isoformat(),
            "ship_by": ship_by.isoformat(),
            "deliver_by": deliver_by.isoformat(),
            "shipped_at": shipped.isoformat(),
            "carrier": "La Poste",
            "tracking_number": f"6A{index:011d}",
            "delivered_at": delivered.isoformat(),
        }
        if index % 3 == 0:
            row.update(
                review_rating="4",
                review_item_as_described="4",
                review_communication="5",
                review_shipping_speed="4",
                review_packaging="5",
                reviewed_at=(delivered + dt.timedelta(days=1)).isoformat(),
            )
        lines.append(",".join(str(row.get(name, "")) for name in COLUMNS))
    return "\n".join(lines) + "\n"


def bench_update_per_event(*, orders: int = 200, seed: int = 1) -> dict:
    from comptoir.orders.models import SellerOrderEvent
    from comptoir.testing.builders import make_seller
    from comptoir.trust.importers.history import history_import
    from comptoir.trust.services import evidence_apply

    rng = random.Random(seed)
    today = dt.date.today()
    seller = make_seller(f"Trust bench {time.time_ns()}")
    _imported(history_import(content=_history_csv(seller, orders, rng, today)))
    from comptoir.trust.tasks import METRIC_ACTIONS

    every = list(
        SellerOrderEvent.objects.filter(seller_id_copy=seller.pk)
        .order_by("pk")
        .values_list("pk", "seller_order_id", "action")
    )
    # Only the events a metric reads are enqueued by the subscription; the others cost nothing after the commit.
    events = [(event_id, seller_order_id) for event_id, seller_order_id, action in every if action in METRIC_ACTIONS]
    timings, queries = [], []
    for event_id, seller_order_id in events:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            evidence_apply(seller_order_id=seller_order_id, fact_key=f"event:{event_id}")
            timings.append((time.perf_counter() - started) * 1000)
        queries.append(len(captured.captured_queries))
    return {
        "events": len(events),
        "events_not_enqueued": len(every) - len(events),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(_percentile(timings, 0.95), 2),
        "queries_per_event": round(statistics.mean(queries), 1),
    }


def bench_batch_recompute(seller_ids: list[int], *, today: dt.date) -> tuple[float, int]:
    """`trust_recompute_all` over these sellers: (seconds, SQL statements). Statements are counted with an execute
    wrapper (the debug query log keeps only the last 9,000)."""
    from comptoir.trust.services import trust_recompute_all

    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        trust_recompute_all(today=today, seller_ids=seller_ids)
    return time.perf_counter() - started, statements


def bench_full_recompute(
    *,
    sellers: int = 10_000,
    orders: int = 1_000_000,
    days: int = 90,
    seed: int = 1,
    per_seller_sample: int = 1000,
    log=print,
) -> dict:
    from comptoir.trust.domain.evidence import SellerEvidence, day_evidence_from_mapping
    from comptoir.trust.domain.score import compute_trust
    from comptoir.trust.models import SellerDailyStats
    from comptoir.trust.selectors import config as trust_settings
    from comptoir.trust.services import seller_trust_recompute

    rng = random.Random(seed)
    today = dt.date.today()
    started = time.perf_counter()
    seller_ids = sellers_bulk_create(sellers)
    counts: dict[tuple[int, dt.date], int] = defaultdict(int)
    weights = [rng.paretovariate(1.5) for _ in seller_ids]
    for seller_id in rng.choices(seller_ids, weights=weights, k=orders):
        counts[(seller_id, today - dt.timedelta(days=rng.randrange(days)))] += 1
    rows = []
    for (seller_id, day), placed in counts.items():
        late = sum(rng.random() < 0.04 for _ in range(min(placed, 20))) if placed else 0
        reviews = placed // 3
        rows.append(
            SellerDailyStats(
                seller_id=seller_id,
                day=day,
                orders=placed,
                shipped=placed,
                shipped_late=min(late, placed),
                shipped_with_valid_tracking=placed,
                delivered=placed,
                delivered_on_time=placed - min(late, placed),
                reviews=reviews,
                review_weight_permille=1000 * reviews,
                rating_weighted_sum_permille=4200 * reviews,
                accept_seconds=[3600 * (1 + placed % 5)],
            )
        )
    with transaction.atomic():
        SellerDailyStats.objects.bulk_create(rows, batch_size=5000)
    generated = time.perf_counter() - started
    log(f"generated {len(seller_ids)} sellers, {len(rows)} day buckets for {orders} orders in {generated:.1f} s")

    config = trust_settings()
    started = time.perf_counter()
    by_seller: dict[int, list] = defaultdict(list)
    for values in SellerDailyStats.objects.filter(seller_id__in=seller_ids).values().iterator(chunk_size=20_000):
        by_seller[values["seller_id"]].append(day_evidence_from_mapping(values["day"], dict(values)))
    loaded = time.perf_counter() - started
    for seller_id in seller_ids:
        compute_trust(SellerEvidence(days=tuple(by_seller.get(seller_id, ()))), today=today, config=config)
    pure = time.perf_counter() - started
    log(f"load {loaded:.1f} s, load + pure compute_trust {pure:.1f} s")

    # What `trust recompute` runs after the buckets: the batch path (first run creates every SellerTrust and
    # history row; the second updates them, as the hourly task does).
    batch_first, batch_queries = bench_batch_recompute(seller_ids, today=today)
    log(f"batch recompute (rows created) {batch_first:.1f} s, {batch_queries} queries")
    batch_again, _ = bench_batch_recompute(seller_ids, today=today)
    log(f"batch recompute (rows updated) {batch_again:.1f} s")

    # The per-seller path (what the incremental update runs after each fact), on a sample, extrapolated.
    sample = seller_ids[:per_seller_sample]
    started = time.perf_counter()
    for seller_id in sample:
        seller_trust_recompute(seller_id=seller_id, today=today)
    per_seller = (time.perf_counter() - started) / max(1, len(sample))
    return {
        "sellers": len(seller_ids),
        "orders": orders,
        "buckets": len(rows),
        "generate_s": round(generated, 1),
        "load_buckets_s": round(loaded, 1),
        "pure_compute_s": round(pure, 1),
        "batch_recompute_first_s": round(batch_first, 1),
        "batch_recompute_queries": batch_queries,
        "batch_recompute_s": round(batch_again, 1),
        "per_seller_recompute_ms": round(per_seller * 1000, 2),
        "per_seller_recompute_all_s_extrapolated": round(per_seller * len(seller_ids), 1),
    }


OPTION_VARIANTS = {
    "both on (default)": {},
    "change_test off": {"change_test": None},
    "empirical_prior off": {"empirical_prior": None},
    "both off": {"change_test": None, "empirical_prior": None},
}


def bench_options_cost(*, today: dt.date | None = None, repeat: int = 1, log=print) -> dict:
    """What the change test (`change_test`) and the empirical-Bayes prior pass (`empirical_prior`) cost a full
    recompute of every seller already in the database (run after `bench_full_recompute` generated them): for each
    variant of COMPTOIR_TRUST, `trust_recompute_all()` as `trust recompute` and the daily batch run it (all sellers:
    the prior pass first, then every chunk scored and stored), the pure scoring alone (`compute_trust` of every
    seller's loaded evidence), and the prior pass alone (`prior_estimate_compute`). Best of `repeat` runs each, wall
    seconds and this process's CPU seconds (the machine is shared: CPU seconds are the steadier figure)."""
    from django.test.utils import override_settings

    from comptoir.trust.domain.config import trust_config
    from comptoir.trust.domain.evidence import SellerEvidence, day_evidence_from_mapping
    from comptoir.trust.domain.score import change_test_fires, compute_trust
    from comptoir.trust.models import SellerDailyStats
    from comptoir.trust.services import trust_recompute_all
    from comptoir.trust.services.priors import prior_estimate_compute

    today = today or dt.date.today()
    by_seller: dict[int, list] = defaultdict(list)
    for values in SellerDailyStats.objects.values().iterator(chunk_size=20_000):
        by_seller[values["seller_id"]].append(day_evidence_from_mapping(values["day"], dict(values)))
    evidences = [SellerEvidence(days=tuple(days)) for days in by_seller.values()]

    def timed(function) -> tuple[float, float]:
        best_wall, best_cpu = float("inf"), float("inf")
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            function()
            best_wall = min(best_wall, time.perf_counter() - wall)
            best_cpu = min(best_cpu, time.process_time() - cpu)
        return round(best_wall, 2), round(best_cpu, 2)

    figures: dict = {"sellers_with_buckets": len(evidences)}
    default = trust_config({})
    wall, cpu = timed(lambda: prior_estimate_compute(today=today, config=default))
    figures["prior_pass_alone"] = {"wall_s": wall, "cpu_s": cpu}
    figures["change_test_fires"] = sum(change_test_fires(e, today=today, config=default) for e in evidences)
    log(f"prior pass alone {wall} s ({cpu} CPU s); change test fires on {figures['change_test_fires']} sellers")
    for name, overrides in OPTION_VARIANTS.items():
        config = trust_config(overrides)
        with override_settings(COMPTOIR_TRUST=config):
            full_wall, full_cpu = timed(lambda: trust_recompute_all(today=today))
        pure_wall, pure_cpu = timed(lambda c=config: [compute_trust(e, today=today, config=c) for e in evidences])
        figures[name] = {
            "full_recompute_wall_s": full_wall,
            "full_recompute_cpu_s": full_cpu,
            "pure_score_wall_s": pure_wall,
            "pure_score_cpu_s": pure_cpu,
        }
        log(f"{name}: full recompute {full_wall} s ({full_cpu} CPU s), pure scores {pure_wall} s ({pure_cpu} CPU s)")
    return figures


def bench_rebuild_from_events(*, orders: int = 5_000, seed: int = 2) -> dict:
    from comptoir.orders.models import SellerOrder
    from comptoir.testing.builders import make_seller
    from comptoir.trust.importers.history import history_import
    from comptoir.trust.rebuild import trust_rebuild

    rng = random.Random(seed)
    seller = make_seller(f"Rebuild bench {time.time_ns()}")
    _imported(history_import(content=_history_csv(seller, orders, rng, dt.date.today())))
    total_orders = SellerOrder.objects.count()
    started = time.perf_counter()
    marks = trust_rebuild(refresh_credibility=False)
    seconds = time.perf_counter() - started
    return {
        "orders": total_orders,
        "sellers": marks.sellers,
        "seconds": round(seconds, 1),
        "orders_per_second": round(total_orders / seconds),
    }


def bench_rebuild_raw(
    *,
    sellers: int = 10_000,
    orders: int = 1_000_000,
    days: int = 90,
    generate: bool = True,
    refresh_credibility: bool = True,
    workers: int | None = None,
    profile: str = "",
    log=print,
) -> dict:
    """`trust_rebuild` — what `comptoir trust recompute` runs — over raw rows generated in bulk (or already in the
    database with `generate=False`): the review credibility analysis (unless `refresh_credibility` is False), the
    bucket rebuild from every event, review and message, then the recompute of every seller; seconds per phase."""
    from comptoir.orders.models import SellerOrder
    from comptoir.trust.models import Review, SellerDailyStats
    from comptoir.trust.rebuild import trust_rebuild

    figures = generate_raw_history(sellers=sellers, orders=orders, days=days, log=log) if generate else {}
    if (
        connection.vendor == "postgresql" and not connection.in_atomic_block
    ):  # VACUUM cannot run in a transaction (tests)
        # What autovacuum leaves a live server between two rebuilds: without it (this machine's PostgreSQL runs with
        # autovacuum off) each run leaves 800k dead bucket rows and the runs after it slow down. Not timed.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    total_orders = SellerOrder.objects.count()
    started = time.perf_counter()
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        marks = profiler.runcall(trust_rebuild, refresh_credibility=refresh_credibility, workers=workers)
        profiler.dump_stats(profile)
    else:
        marks = trust_rebuild(refresh_credibility=refresh_credibility, workers=workers)
    seconds = time.perf_counter() - started
    figures.update(
        {
            "orders_total": total_orders,
            "reviews_total": Review.objects.count(),
            "sellers_recomputed": marks.sellers,
            "buckets": SellerDailyStats.objects.count(),
            # what trust_rebuild reports on the row it returns, besides the stored marks
            "buckets_written": getattr(marks, "buckets_written", None),
            "workers": getattr(marks, "workers", None),
            "phases_s": getattr(marks, "phases", None),
            "rebuild_and_recompute_s": round(seconds, 1),
            "orders_per_second": round(total_orders / seconds),
        }
    )
    return figures

"""`comptoir bench checkout …`: the checkout benchmark (harness in the repository's bench/ folder).

Subcommands `seed` and `verify` are the harness's own steps, run in subprocesses against the
benchmark database; `checkout` is the one people run."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


def _harness():
    base_dir = Path(settings.BASE_DIR)
    if not (base_dir / "bench" / "checkout.py").is_file():
        raise CommandError(
            "The benchmark harness lives in the source repository's bench/ folder; run it from a checkout."
        )
    if str(base_dir) not in sys.path:
        sys.path.insert(0, str(base_dir))
    import bench.checkout
    import bench.report

    return bench.checkout, bench.report


class Command(BaseCommand):
    help = (
        "Benchmarks: `bench checkout` drives concurrent HTTP checkouts against gunicorn and reports throughput, "
        "latency and oversold units."
    )
    requires_system_checks: list = []

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        checkout = commands.add_parser(
            "checkout", help="Concurrent checkouts over HTTP (Comptoir and a raw-SQL skeleton)."
        )
        checkout.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
        checkout.add_argument(
            "--database-url",
            help="PostgreSQL server URL; the benchmark creates and drops its own databases comptoir_bench*.",
        )
        checkout.add_argument("--app", choices=["comptoir", "skeleton", "both"], default="both")
        checkout.add_argument("--workers", type=int, default=4)
        checkout.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
        checkout.add_argument("--threads", type=int, default=4, help="Threads per worker (gthread only).")
        checkout.add_argument("--concurrency", type=int, default=16, help="Concurrent keep-alive connections.")
        checkout.add_argument("--duration", type=float, default=20.0, help="Measured seconds of load (at most 60).")
        checkout.add_argument("--warmup", type=float, default=3.0)
        checkout.add_argument("--requests", type=int, help="Stop after this many requests.")
        checkout.add_argument("--sellers", type=int, default=20)
        checkout.add_argument("--buyers", type=int, default=500)
        checkout.add_argument("--offers", type=int, default=2000)
        checkout.add_argument("--hot-offers", type=int, default=10)
        checkout.add_argument("--hot-stock", type=int, default=10)
        checkout.add_argument(
            "--hot-share", type=float, default=0.2, help="Share of checkouts that include a hot offer."
        )
        checkout.add_argument(
            "--seal-on-commit",
            action="store_true",
            help="Seal the ledger after each commit (default: once after the run).",
        )
        checkout.add_argument(
            "--profile", action="store_true", help="Also profile one worker (queries, DB vs Python time, cProfile)."
        )
        checkout.add_argument("--keep-db", action="store_true")
        checkout.add_argument("--write-report", action="store_true", help="Write the figures into docs/PERFORMANCE.md.")
        checkout.add_argument("--json", action="store_true", help="Print the full figures as JSON.")

        seed = commands.add_parser(
            "seed", help="(harness step) Seed the current database; write tokens and offer ids to --out."
        )
        seed.add_argument("--out", required=True)
        for name, default in (
            ("--sellers", 20),
            ("--buyers", 500),
            ("--offers", 2000),
            ("--hot-offers", 10),
            ("--hot-stock", 10),
        ):
            seed.add_argument(name, type=int, default=default)

        trust = commands.add_parser(
            "trust", help="Trust update cost per event and full recompute time (bench/trust.py)."
        )
        trust.add_argument("--sellers", type=int, default=10_000)
        trust.add_argument("--orders", type=int, default=1_000_000)
        trust.add_argument("--days", type=int, default=90)
        trust.add_argument("--event-orders", type=int, default=200, help="Orders whose events are folded one by one.")
        trust.add_argument(
            "--rebuild-orders", type=int, default=5_000, help="Orders rebuilt from events by `trust recompute`."
        )
        trust.add_argument(
            "--raw",
            action="store_true",
            help="Instead: the full `trust recompute` (credibility, buckets from the raw rows, "
            "scores) over --orders raw seller orders of --sellers sellers, generated in bulk first.",
        )
        trust.add_argument(
            "--reuse",
            action="store_true",
            help="With --raw: use the raw history already in the database (no generation).",
        )
        trust.add_argument(
            "--keep-credibility", action="store_true", help="With --raw: leave the credibility analysis out."
        )
        trust.add_argument("--workers", type=int, help="With --raw: worker processes (default one per core; 1 = none).")
        trust.add_argument(
            "--options-cost",
            action="store_true",
            help="Also time the full recompute of every seller with the change test and the empirical-Bayes prior "
            "pass each on and off (bench.trust.bench_options_cost).",
        )
        trust.add_argument("--only-full", action="store_true", help="Skip the per-event and rebuild-from-events parts.")

        verify = commands.add_parser(
            "verify", help="(harness step) Check stock conservation and the ledger of the current database."
        )
        verify.add_argument("--seed-file", required=True)
        search = commands.add_parser(
            "search", help="Search latency at a given catalog size (fresh database: generate, index, query)."
        )
        search.add_argument("--offers", type=int, default=100_000)
        search.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
        search.add_argument(
            "--database-url",
            help="PostgreSQL server URL; the benchmark creates and drops comptoir_bench_search_<offers>.",
        )
        search.add_argument(
            "--keep-db",
            action="store_true",
            help="Keep the benchmark database (var/bench-search-<offers>.sqlite3 or the PostgreSQL one).",
        )
        search.add_argument("--json", action="store_true")
        search_run = commands.add_parser(
            "search-run", help="(harness step) Generate, index and measure in the current database."
        )
        search_run.add_argument("--offers", type=int, required=True)
        search_run.add_argument("--out", required=True)

    def handle(self, *args, **options):
        return getattr(self, f"_handle_{options['subcommand'].replace('-', '_')}")(options)

    def _handle_seed(self, options):
        _harness()
        from bench.seed import seed_checkout_data

        data = seed_checkout_data(
            sellers=options["sellers"],
            offers=options["offers"],
            hot_offers=options["hot_offers"],
            hot_stock=options["hot_stock"],
            buyers=options["buyers"],
        )
        with open(options["out"], "w", encoding="utf-8") as out:
            json.dump(data, out)

    def _handle_verify(self, options):
        _harness()
        from bench.seed import verify_ledger, verify_stock

        with open(options["seed_file"], encoding="utf-8") as seed_file:
            seed = json.load(seed_file)
        self.stdout.write(
            json.dumps({"stock": verify_stock(initial_stock=seed["initial_stock"]), "ledger": verify_ledger()})
        )

    def _handle_trust(self, options):
        _harness()
        from bench.trust import bench_full_recompute, bench_rebuild_from_events, bench_update_per_event

        figures = {"database": connection_vendor()}
        if options["raw"]:
            from bench.trust import bench_rebuild_raw

            figures["rebuild_raw"] = bench_rebuild_raw(
                sellers=options["sellers"],
                orders=options["orders"],
                days=options["days"],
                generate=not options["reuse"],
                refresh_credibility=not options["keep_credibility"],
                workers=options["workers"],
                log=lambda line: self.stderr.write(line),
            )
            self.stdout.write(json.dumps(figures, indent=2))
            return
        if not options["only_full"]:
            figures["update_per_event"] = bench_update_per_event(orders=options["event_orders"])
            self.stderr.write(f"update per event: {figures['update_per_event']}")
            figures["rebuild_from_events"] = bench_rebuild_from_events(orders=options["rebuild_orders"])
            self.stderr.write(f"rebuild from events: {figures['rebuild_from_events']}")
        figures["full_recompute"] = bench_full_recompute(
            sellers=options["sellers"],
            orders=options["orders"],
            days=options["days"],
            log=lambda line: self.stderr.write(line),
        )
        if options["options_cost"]:
            from bench.trust import bench_options_cost

            figures["options_cost"] = bench_options_cost(log=lambda line: self.stderr.write(line))
        self.stdout.write(json.dumps(figures, indent=2))

    def _handle_checkout(self, options):
        checkout, report = _harness()
        if options["duration"] > checkout.MAX_LOAD_SECONDS:
            raise CommandError(f"--duration is at most {checkout.MAX_LOAD_SECONDS} seconds.")
        settings = checkout.Options(
            database=options["database"],
            database_url=options["database_url"],
            applications=("comptoir", "skeleton") if options["app"] == "both" else (options["app"],),
            workers=options["workers"],
            worker_class=options["worker_class"],
            threads=options["threads"],
            concurrency=options["concurrency"],
            duration=options["duration"],
            warmup=options["warmup"],
            requests=options["requests"],
            sellers=options["sellers"],
            buyers=options["buyers"],
            offers=options["offers"],
            hot_offers=options["hot_offers"],
            hot_stock=options["hot_stock"],
            hot_share=options["hot_share"],
            seal_on_commit=options["seal_on_commit"],
            profile=options["profile"],
            keep_database=options["keep_db"],
            log=lambda line: self.stderr.write(line),
        )
        try:
            figures = checkout.run_checkout_benchmark(settings)
        except (RuntimeError, ValueError) as error:
            raise CommandError(str(error)) from error
        command = (
            "comptoir bench checkout "
            + " ".join(shlex.quote(argument) for argument in sys.argv[sys.argv.index("checkout") + 1 :])
            if "checkout" in sys.argv
            else "comptoir bench checkout"
        )
        if options["write_report"]:
            report.write_section(figures, command)
        self.stdout.write(json.dumps(figures, indent=2) if options["json"] else report.render_section(figures, command))

    def _handle_search(self, options):
        _harness()
        import bench.search

        figures = bench.search.run(
            offers=options["offers"],
            database=options["database"],
            database_url=options.get("database_url"),
            keep_db=options["keep_db"],
            log=lambda line: self.stderr.write(line),
        )
        self.stdout.write(json.dumps(figures, indent=2) if options["json"] else bench.search.report_markdown([figures]))

    def _handle_search_run(self, options):
        _harness()
        import bench.search

        bench.search.run_in_database(offers=options["offers"], out=options["out"])

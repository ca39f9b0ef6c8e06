"""History import benchmark (docs/PERFORMANCE.md, "History import"): a large valid CSV in the documented format
(docs/IMPORT_HISTORY.md, every column in use), then `history_import` on it, timed per pass.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/comptoir_bench_import \\
        .venv/bin/python -m bench.import_history --rows 1000000
    DATABASE_URL=sqlite:///var/bench/import.sqlite3 .venv/bin/python -m bench.import_history --rows 1000000

Run it against a throw-away database: it migrates it, adds `--sellers` bulk sellers (each with an owner, who signs
the imported answers) and writes the orders; the CSV (var/bench/history-ROWS.csv) is reused when it exists.
`--again` imports the same file a second time (every row is skipped: the re-import's cost). Prints JSON."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

DAYS = 180


def generate(path: Path, *, rows: int, sellers: list[str], seed: int = 11) -> None:
    """A valid history of `rows` seller orders over DAYS days before today, written in one pass: ~3 % cancelled, the
    rest shipped (a few without carrier: warnings), delivered (2 % lost parcels with a dispute), returns, disputes
    with and without dates, reviews on ~35 %, messages on ~10 %, addresses and buyer_since on most."""
    from comptoir.trust.importers.history import COLUMNS

    rng = random.Random(seed)
    today = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - dt.timedelta(days=DAYS)
    buyers = max(1000, rows // 5)
    iso = dt.datetime.isoformat
    tmp = path.with_suffix(".part")
    with open(tmp, "w", encoding="utf-8", newline="") as out:
        out.write(",".join(COLUMNS) + "\n")
        for index in range(rows):
            buyer = rng.randrange(buyers)
            placed = start + dt.timedelta(seconds=rng.randrange((DAYS - 20) * 86400))
            ship_by = (placed + dt.timedelta(days=2)).date()
            deliver_by = ship_by + dt.timedelta(days=4)
            row = dict.fromkeys(COLUMNS, "")
            row.update(
                external_order_id=f"H-{index}",
                seller=sellers[index % len(sellers)],
                buyer=f"buyer-{buyer}",
                placed_at=iso(placed),
                ship_by=ship_by.isoformat(),
                deliver_by=deliver_by.isoformat(),
                currency="EUR",
                total_amount=str(rng.randrange(500, 20000)),
                shipping_address=f"{buyer % 9000} rue du Test {buyer % 97} 750{buyer % 20:02d} Paris",
                payment_fingerprint=f"card-{buyer:x}",
            )
            if buyer % 4:
                row["buyer_since"] = (start - dt.timedelta(days=buyer % 900)).date().isoformat()
            draw = rng.random()
            if draw < 0.7:
                row["accepted_at"] = iso(placed + dt.timedelta(minutes=rng.randrange(5, 600)))
            if draw > 0.97:
                row.update(
                    cancelled_at=iso(placed + dt.timedelta(hours=5)), cancelled_by="seller", cancel_reason="Stock"
                )
            else:
                shipped = placed + dt.timedelta(hours=rng.choice((11, 20, 30, 70)))
                row.update(
                    shipped_at=iso(shipped),
                    carrier="" if index % 200 == 0 else "La Poste",
                    tracking_number=f"6A{index:011d}",
                )
                if draw < 0.02:  # lost parcel: the buyer won the dispute, some without dates
                    row.update(dispute_outcome="buyer", refunded_at=iso(shipped + dt.timedelta(days=12)))
                    if index % 2:
                        row["dispute_opened_at"] = iso(shipped + dt.timedelta(days=8))
                        row["dispute_decided_at"] = iso(shipped + dt.timedelta(days=11))
                    delivered = None
                else:
                    delivered = shipped + dt.timedelta(days=rng.choice((1, 2, 2, 3, 6)))
                    row["delivered_at"] = iso(delivered)
                    if 0.9 < draw <= 0.93:
                        row["return_reason"] = rng.choice(("not_as_described", "damaged", "no_longer_needed"))
                        if index % 3:
                            row["return_requested_at"] = iso(delivered + dt.timedelta(days=2))
                    if 0.93 < draw <= 0.94:
                        row.update(
                            dispute_opened_at=iso(delivered + dt.timedelta(days=3)),
                            dispute_outcome=rng.choice(("buyer", "seller")),
                        )
                if rng.random() < 0.35:
                    rating = str(rng.choice((1, 3, 4, 4, 5, 5, 5)))
                    row.update(
                        review_rating=rating,
                        review_item_as_described=rating,
                        review_communication="5",
                        review_shipping_speed=rating,
                        review_packaging="4",
                        review_text="Bien reçu" if index % 3 else "",
                        reviewed_at=iso((delivered or shipped) + dt.timedelta(days=1, hours=3)),
                    )
            if rng.random() < 0.1:
                row["buyer_message_at"] = iso(placed + dt.timedelta(hours=3))
                row["seller_replied_at"] = iso(placed + dt.timedelta(hours=rng.choice((1, 4, 20)) + 3))
            out.write(",".join(row[name] for name in COLUMNS) + "\n")
    tmp.replace(path)


def _sellers(count: int) -> list[str]:
    """`count` bulk sellers with an owner each (`bench-import-N`, reused when the database has them)."""
    from comptoir.accounts.models import User
    from comptoir.sellers.models import MemberRole, Seller, SellerMember
    from comptoir.testing.history import sellers_bulk_create

    slugs = [f"bench-import-{index}" for index in range(count)]
    if Seller.objects.filter(slug__in=slugs).count() == count:
        return slugs
    ids = sellers_bulk_create(count)
    sellers = list(Seller.objects.filter(pk__in=ids).order_by("pk"))
    for seller, slug in zip(sellers, slugs, strict=True):
        seller.slug = slug  # stable names, so a generated file serves any database
    Seller.objects.bulk_update(sellers, ["slug"], batch_size=2000)
    owners = User.objects.bulk_create(
        [User(email=f"owner-{pk}@bench.invalid", full_name="Bench owner") for pk in ids], batch_size=2000
    )
    if any(owner.pk is None for owner in owners):
        owners = list(User.objects.filter(email__endswith="@bench.invalid").order_by("pk"))
    owner_ids = {user.email: user.pk for user in owners}
    SellerMember.objects.bulk_create(
        [
            SellerMember(seller_id=pk, user_id=owner_ids[f"owner-{pk}@bench.invalid"], role=MemberRole.OWNER)
            for pk in ids
        ]
    )
    return slugs


def _server_cpu_reader(connection) -> Callable[[], float | None]:
    """On PostgreSQL (same machine), a function reading the CPU seconds of this connection's server process from
    /proc; on SQLite (the engine runs in this process: its CPU is in the process CPU) or when unreadable, None."""
    if connection.vendor != "postgresql":
        return lambda: None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    ticks = os.sysconf("SC_CLK_TCK")

    def read() -> float | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime

    return read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sellers", type=int, default=300)
    parser.add_argument("--file", help="CSV to import (default var/bench/history-ROWS.csv, generated if absent)")
    parser.add_argument("--again", action="store_true", help="Import the file a second time (all skipped).")
    parser.add_argument(
        "--exclusive", action="store_true", help="Drop and rebuild the secondary indexes on PostgreSQL too."
    )
    parser.add_argument(
        "--check-processes", type=int, choices=(1, 2), help="Processes checking the file (default: two for 8 MB+)."
    )
    parser.add_argument("--profile", help="Write a cProfile of the import to this file.")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from comptoir.trust.importers.history import ImportReport, history_import

    call_command("migrate", verbosity=0)
    sellers = _sellers(options.sellers)
    path = Path(options.file or f"var/bench/history-{options.rows}.csv")
    path.parent.mkdir(parents=True, exist_ok=True)
    figures: dict = {"database": connection.vendor, "rows": options.rows, "file": str(path)}
    figures["exclusive"] = options.exclusive
    figures["check_processes"] = options.check_processes or "auto"
    if not path.exists():
        started = time.perf_counter()
        generate(path, rows=options.rows, sellers=sellers)
        figures["generate_seconds"] = round(time.perf_counter() - started, 1)
    figures["file_mb"] = round(path.stat().st_size / 1e6, 1)
    phases: dict[str, float] = {}
    server = _server_cpu_reader(connection)
    server_started = server()
    started, cpu_started = time.perf_counter(), time.process_time()

    shown: dict[str, float] = {}
    cpu_phases: dict[str, float] = {}

    def progress(phase: str, rows: int, fraction: float | None) -> None:
        phases.setdefault(phase, time.perf_counter())
        cpu_phases.setdefault(phase, time.process_time())
        if fraction is not None and fraction >= shown.get(phase, 0.0):  # a line per tenth, to follow a long run
            shown[phase] = fraction + 0.1
            elapsed = time.perf_counter() - started
            sys.stderr.write(f"{phase} {fraction:.0%} {rows} rows at {elapsed:.0f} s, load {os.getloadavg()[0]:.1f}\n")
        if fraction == 1.0:
            phases[phase + "_end"] = time.perf_counter()
            cpu_phases[phase + "_end"] = time.process_time()

    def run() -> ImportReport:
        return history_import(
            path=path,
            progress=progress,
            rebuild_indexes=True if options.exclusive else None,
            check_processes=options.check_processes,
        )

    if options.profile:
        import cProfile

        profiler = cProfile.Profile()
        report: ImportReport = profiler.runcall(run)
        profiler.dump_stats(options.profile)
    else:
        report = run()
    total, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    server_cpu = server()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert report.is_ok, report.errors[:5]
    figures.update(
        seconds=round(total, 1),
        rows_per_second=round(options.rows / total),
        process_cpu_seconds=round(cpu, 1),
        database_server_cpu_seconds=(
            round(server_cpu - server_started, 1) if server_cpu is not None and server_started is not None else None
        ),
        check_seconds=round(phases.get("check_end", started) - started, 1),
        write_seconds=round(phases.get("write_end", started) - phases.get("check_end", started), 1),
        check_cpu_seconds=round(cpu_phases.get("check_end", cpu_started) - cpu_started, 1),
        write_cpu_seconds=round(cpu_phases.get("write_end", cpu_started) - cpu_phases.get("check_end", cpu_started), 1),
        imported=report.imported,
        reviews=report.reviews,
        messages=report.messages,
        warnings=report.warning_count,
        foreign_key_checks_skipped=report.foreign_key_checks_skipped,
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        # the second checking process (history_check), forked and joined during the check pass
        check_child_cpu_seconds=round(children.ru_utime + children.ru_stime, 1),
        check_child_peak_rss_mb=round(children.ru_maxrss / 1024),
        load_average=[round(value, 1) for value in os.getloadavg()],
    )
    if options.again:
        started = time.perf_counter()
        again = history_import(path=path)
        figures["again_seconds"] = round(time.perf_counter() - started, 1)
        figures["again_skipped"] = again.already_imported
    json.dump(figures, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

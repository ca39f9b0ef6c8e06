"""What a checkout writes, counted rather than timed: SQLite WAL frames (database pages) and index entries per checkout.

Timings on a loaded machine move by more than a few index entries cost; these counts do not move with the load. Each
tree runs in its own process (its own `src`, `config` and `bench` first on the path, as `bench/inprocess.py` runs
them) against a freshly migrated and seeded database, with the bench's traffic and server environment:

- SQLite: the WAL is checkpointed empty after the warm-up with automatic checkpoints off, then `--checkouts` checkouts
  run; the frames the WAL then holds, over the checkouts, are the pages a checkout writes (4 KiB each);
- PostgreSQL: after the checkouts, every index of the tables a checkout writes (orders, payments, taxes, idempotency
  records, task rows) is counted (a partial index: the rows its predicate keeps), over the orders written — the index
  entries a checkout makes, by table.

    .venv/bin/python bench/write_footprint.py --database sqlite --against /tmp/base
    .venv/bin/python bench/write_footprint.py --database postgres --against /tmp/base

Nothing is asserted; the seeded catalogue is the in-process harness's (`--sellers`, `--offers`, `--buyers`)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve()
_WRITTEN_TABLES = ("orders_%", "payments_%", "taxes_%", "core_idempotencyrecord", "django_tasks_database_dbtaskresult")


def measure(arguments: argparse.Namespace) -> dict:
    """Worker mode (inside one tree): seed, warm up, run the checkouts, count."""
    sys.stdout = sys.stderr  # Django's and the seeding's output stays off the JSON line
    from bench.inprocess import Worker

    worker = Worker(sellers=arguments.sellers, offers=arguments.offers, buyers=arguments.buyers)
    worker.warm_up(arguments.warmup)
    connection = worker.connection
    report: dict = {"database": connection.vendor, "checkouts": arguments.checkouts}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint=0")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        statuses = worker.run(arguments.checkouts)["statuses"]
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            _busy, frames, _checkpointed = cursor.fetchone()
        report["wal_frames_per_checkout"] = round(frames / arguments.checkouts, 2)
    else:
        statuses = worker.run(arguments.checkouts)["statuses"]
        by_table: dict[str, int] = {}
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM orders_order")
            orders = cursor.fetchone()[0]
            cursor.execute(
                "SELECT t.relname, pg_get_expr(x.indpred, x.indrelid) FROM pg_index x "
                "JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
                "WHERE n.nspname = current_schema() AND ("
                + " OR ".join(["t.relname LIKE %s"] * len(_WRITTEN_TABLES))
                + ")",
                list(_WRITTEN_TABLES),
            )
            for table, predicate in cursor.fetchall():
                cursor.execute(f'SELECT count(*) FROM "{table}"' + (f" WHERE {predicate}" if predicate else ""))
                by_table[table] = by_table.get(table, 0) + cursor.fetchone()[0]
        report["orders"] = orders
        report["index_entries_per_checkout"] = round(sum(by_table.values()) / orders, 2)
        report["by_table"] = {
            table: round(count / orders, 2)
            for table, count in sorted(by_table.items(), key=lambda item: -item[1])
            if count
        }
    report["statuses"] = statuses
    connection.close()
    return report


def _run_tree(arguments: argparse.Namespace, tree: Path, label: str) -> dict:
    from bench import inprocess

    url, drop = inprocess._database(arguments, f"footprint_{label}")
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("COMPTOIR_", "DJANGO_", "DATABASE_URL"))
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": url,
            "COMPTOIR_SECRET_KEY": "bench-footprint-" + os.urandom(8).hex(),
            "COMPTOIR_ENCRYPTION_KEYS": inprocess.BENCH_ENCRYPTION_KEY,
            "COMPTOIR_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "COMPTOIR_DEBUG": "0",
            "COMPTOIR_SECURE_COOKIES": "0",
            "COMPTOIR_LEDGER_SEAL_ON_COMMIT": "0",
            "COMPTOIR_TASK_BACKEND": "database",
            "COMPTOIR_LOG_LEVEL": "WARNING",
            "COMPTOIR_DB_CONN_MAX_AGE": "3600",
            "PYTHONPATH": os.pathsep.join([str(tree / "src"), str(tree)]),
        }
    )
    command = [sys.executable, str(HERE), "--measure", "--checkouts", str(arguments.checkouts)]
    command += ["--warmup", str(arguments.warmup), "--sellers", str(arguments.sellers)]
    command += ["--offers", str(arguments.offers), "--buyers", str(arguments.buyers)]
    try:
        output = subprocess.run(command, cwd=tree, env=environment, check=True, stdout=subprocess.PIPE, text=True)
    finally:
        drop()
    return {"tree": str(tree), **json.loads(output.stdout.strip().splitlines()[-1])}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url", help="PostgreSQL server (default: bench/inprocess.py's)")
    parser.add_argument("--against", help="another source tree to count too (e.g. a worktree of main)")
    parser.add_argument("--checkouts", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--sellers", type=int, default=20)
    parser.add_argument("--offers", type=int, default=300)
    parser.add_argument("--buyers", type=int, default=50)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.measure:
        protocol = sys.stdout  # measure() sends everything else to stderr
        report = measure(arguments)
        protocol.write(json.dumps(report) + "\n")
        return
    trees = [HERE.parent.parent] + ([Path(arguments.against).resolve()] if arguments.against else [])
    for label, tree in zip(("this", "against"), trees, strict=False):
        report = _run_tree(arguments, tree, label)
        if "wal_frames_per_checkout" in report:
            print(f"{report['tree']}: {report['wal_frames_per_checkout']} WAL frames per checkout {report['statuses']}")
        else:
            print(
                f"{report['tree']}: {report['index_entries_per_checkout']} index entries per checkout "
                f"over {report['orders']} orders {report['statuses']}"
            )
            for table, entries in report["by_table"].items():
                print(f"    {table}: {entries}")


if __name__ == "__main__":
    sys.path[:0] = [str(HERE.parent.parent)] if str(HERE.parent.parent) not in sys.path else []
    main()

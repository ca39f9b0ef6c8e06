"""Shop import commit benchmark: a Shopify file of `--rows` variant rows (families of five sizes, bench.catalog_import's
file) uploaded (dry run), committed through the writer and the catalog/offers bulk services, then imported again
unchanged, then again with every price changed.

    .venv/bin/python -m bench.catalog_import_commit --database sqlite [--rows 10000]
    .venv/bin/python -m bench.catalog_import_commit --database postgres   # PostgreSQL at 127.0.0.1:5432, trust auth

It makes a throw-away database (`var/bench/catalog_import.sqlite3`, or `comptoir_bench_catalog_import` on the server
of `--database-url`), migrates it, creates a seller, its shipping profile and a category, and times each step in this
process: wall-clock time, CPU time (`time.process_time`: the figure to compare on a shared machine), and the SQL
statements sent (counted with a connection execute wrapper). Tasks are stored, not run (`COMPTOIR_TASK_BACKEND=
database`, as in production: the search refresh after the commit is a worker's job). The load average before and
after is printed: read the wall times next to it. The database is dropped at the end unless `--keep-db`."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATABASE_NAME = "comptoir_bench_catalog_import"


def _configure(database: str, database_url: str) -> None:
    if database == "postgres":
        url = f"{database_url.rsplit('/', 1)[0]}/{DATABASE_NAME}"
    else:
        path = ROOT / "var" / "bench" / "catalog_import.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    os.environ.update(
        {
            "COMPTOIR_READ_DOTENV": "0",
            "DATABASE_URL": url,
            "COMPTOIR_SECRET_KEY": "bench-only-secret-key-catalog-import",
            "COMPTOIR_ENCRYPTION_KEYS": "kIS6R5ZtmCJyY1hc0vqJ4WkU4ZaG6nMUTdyZ4hFGfCM=",
            "COMPTOIR_DEBUG": "0",
            "COMPTOIR_SSL_REDIRECT": "0",
            "COMPTOIR_TASK_BACKEND": "database",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )


def _postgres(database_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(statement)


class _Counter:
    def __init__(self) -> None:
        self.statements = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.statements += 1
        return execute(sql, params, many, context)


def _timed(label: str, rows: int, call: Any) -> tuple[dict[str, Any], Any]:
    from django.db import connection

    counter = _Counter()
    wall, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(counter):
        result = call()
    figures = {
        "step": label,
        "wall_s": round(time.perf_counter() - wall, 2),
        "cpu_s": round(time.process_time() - cpu, 2),
        "statements": counter.statements,
        "statements_per_row": round(counter.statements / rows, 3),
    }
    print(json.dumps(figures), flush=True)
    return figures, result


def run(rows: int) -> list[dict[str, Any]]:
    import django

    sys.path.insert(0, str(ROOT / "src"))
    django.setup()
    from django.core.management import call_command

    from bench.catalog_import import write_file
    from comptoir.connectors.models import ImportJob
    from comptoir.connectors.services import ImportOptions, import_job_commit, import_job_create
    from comptoir.offers.models import Offer
    from comptoir.testing.builders import make_category, make_seller, make_shipping_profile

    call_command("migrate", verbosity=0)
    seller = make_seller("Bench shop")
    make_shipping_profile(seller)
    options = ImportOptions(default_category_id=make_category("Imported").pk)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "products.csv"
        write_file(path, rows)

        def upload(content: bytes) -> ImportJob:
            import io

            return import_job_create(
                seller=seller, actor=None, format_name="shopify", file=io.BytesIO(content), file_name="p.csv",
                options=options,
            )  # fmt: skip

        content = path.read_bytes()
        figures, job = _timed("dry run (upload)", rows, lambda: upload(content))
        results.append(figures)
        figures, _ = _timed(
            "first import (commit)", rows, lambda: import_job_commit(seller=seller, actor=None, job_id=job.pk)
        )
        results.append(figures)
        assert Offer.objects.filter(seller=seller).count() == rows
        again = ImportJob.objects.create(
            seller=seller, format=job.format, file=job.file.name, file_name="again", file_sha256="again",
            options=job.options, report=job.report, progress_total=job.progress_total,
        )  # fmt: skip
        figures, _ = _timed(
            "same file again (commit)", rows, lambda: import_job_commit(seller=seller, actor=None, job_id=again.pk)
        )
        results.append(figures)
        changed = upload(content.replace(b",19.90,", b",21.50,"))
        figures, _ = _timed(
            "every price changed (commit)",
            rows,
            lambda: import_job_commit(seller=seller, actor=None, job_id=changed.pk),
        )
        results.append(figures)
        assert Offer.objects.filter(seller=seller, price_amount=2150).count() == rows
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--keep-db", action="store_true")
    arguments = parser.parse_args()
    _configure(arguments.database, arguments.database_url)
    if arguments.database == "postgres":
        _postgres(arguments.database_url, f"DROP DATABASE IF EXISTS {DATABASE_NAME}")
        _postgres(arguments.database_url, f"CREATE DATABASE {DATABASE_NAME}")
    print(json.dumps({"load_average_before": os.getloadavg(), "database": arguments.database, "rows": arguments.rows}))
    try:
        run(arguments.rows)
    finally:
        print(json.dumps({"load_average_after": os.getloadavg()}))
        if arguments.database == "postgres" and not arguments.keep_db:
            from django.db import connections

            connections.close_all()
            _postgres(arguments.database_url, f"DROP DATABASE IF EXISTS {DATABASE_NAME}")


if __name__ == "__main__":
    main()

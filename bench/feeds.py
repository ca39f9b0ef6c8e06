"""Feed generation speed: a Google Merchant Center feed (XML and TSV) and a channel feed (CSV) of N offers.

    .venv/bin/python -m bench.feeds --database sqlite 10000
    .venv/bin/python -m bench.feeds --database postgres 10000 50000

For each size it makes a throw-away database (`var/bench/feeds.sqlite3`, or `comptoir_bench_feeds`), migrates it,
imports bench.catalog_import's Shopify file of N variant rows (families of five sizes: N offers, each family given one
picture address so Google keeps its items), then times `feeds.services.feed_generate` for a seller's Google feed in
XML and in TSV and a channel CSV feed (France, French, EUR), in this process: wall time, CPU time (`time.process_time`,
the figure to compare on a shared machine), items written and excluded, bytes, and the SQL statements sent. The
load average before and after is printed: read the wall times next to it."""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.catalog_import import write_file
from bench.catalog_import_commit import _Counter, _postgres

ROOT = Path(__file__).resolve().parents[1]
DATABASE_NAME = "comptoir_bench_feeds"


def _configure(database: str, database_url: str) -> None:
    if database == "postgres":
        url = f"{database_url.rsplit('/', 1)[0]}/{DATABASE_NAME}"
        _postgres(database_url, f"DROP DATABASE IF EXISTS {DATABASE_NAME}")
        _postgres(database_url, f"CREATE DATABASE {DATABASE_NAME}")
    else:
        path = ROOT / "var" / "bench" / "feeds.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    os.environ.update(
        {
            "COMPTOIR_READ_DOTENV": "0",
            "DATABASE_URL": url,
            "COMPTOIR_SECRET_KEY": "bench-only-secret-key-feeds",
            "COMPTOIR_ENCRYPTION_KEYS": "kIS6R5ZtmCJyY1hc0vqJ4WkU4ZaG6nMUTdyZ4hFGfCM=",
            "COMPTOIR_DEBUG": "0",
            "COMPTOIR_SSL_REDIRECT": "0",
            "COMPTOIR_TASK_BACKEND": "database",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "COMPTOIR_MEDIA_ROOT": tempfile.mkdtemp(prefix="comptoir-bench-feeds-"),
        }
    )


def run(rows: int) -> list[dict[str, Any]]:
    import django

    sys.path.insert(0, str(ROOT / "src"))
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from comptoir.catalog.models import Product, ProductImage
    from comptoir.connectors.services import ImportOptions, import_job_commit, import_job_create
    from comptoir.feeds.services import feed_create, feed_generate
    from comptoir.testing.builders import make_category, make_seller, make_shipping_profile

    call_command("migrate", verbosity=0)
    seller = make_seller("Bench shop")
    make_shipping_profile(seller)
    options = ImportOptions(default_category_id=make_category("Imported").pk)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "products.csv"
        write_file(path, rows)
        job = import_job_create(
            seller=seller, actor=None, format_name="shopify", file=io.BytesIO(path.read_bytes()), file_name="p.csv",
            options=options,
        )  # fmt: skip
        import_job_commit(seller=seller, actor=None, job_id=job.pk)
    families = Product.objects.filter(created_by_seller=seller, parent__isnull=True).values_list("pk", flat=True)
    ProductImage.objects.bulk_create(
        [ProductImage(product_id=pk, url=f"https://cdn.example.net/p/{pk}.jpg") for pk in families], batch_size=2000
    )
    owner = seller.members.get().user
    results = []
    channel_columns = [
        {"column": field.upper(), "field": field}
        for field in ("id", "sku", "title", "description", "link", "image_link", "availability", "gtin", "brand")
    ] + [{"column": "PRICE", "field": "price_amount"}, {"column": "MARKETPLACE", "field": "constant", "value": "x"}]
    for kind, format_name in (("google", "xml"), ("google", "tsv"), ("channel", "csv")):
        feed, _ = feed_create(
            seller=seller, actor=owner, name=f"Bench {kind} {format_name}", kind=kind, format=format_name,
            country="FR", language="fr", currency="EUR", columns=channel_columns if kind == "channel" else None,
        )  # fmt: skip
        counter = _Counter()
        wall, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(counter):
            generation = feed_generate(feed_id=feed.pk)
        assert generation is not None
        figures = {
            "rows": rows,
            "feed": f"{kind} {format_name}",
            "items": generation.item_count,
            "excluded": generation.excluded_count,
            "mb": round(generation.byte_size / 1e6, 2),
            "wall_s": round(time.perf_counter() - wall, 2),
            "cpu_s": round(time.process_time() - cpu, 2),
            "items_per_cpu_s": round(generation.item_count / max(time.process_time() - cpu, 1e-9)),
            "statements": counter.statements,
        }
        print(json.dumps(figures), flush=True)
        results.append(figures)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    arguments = parser.parse_args()
    _configure(arguments.database, arguments.database_url)
    print(json.dumps({"load_average_before": os.getloadavg(), "database": arguments.database}), flush=True)
    try:
        run(arguments.rows)
    finally:
        print(json.dumps({"load_average_after": os.getloadavg()}), flush=True)
        if arguments.database == "postgres":
            from django.db import connections

            connections.close_all()
            _postgres(arguments.database_url, f"DROP DATABASE IF EXISTS {DATABASE_NAME}")


if __name__ == "__main__":
    main()

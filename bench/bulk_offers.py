"""Bulk offers benchmark: one seller's 10,000 offers updated (price and stock) in one `POST /api/v1/seller/offers/bulk`.

    .venv/bin/python -m bench.bulk_offers --database sqlite
    .venv/bin/python -m bench.bulk_offers --database postgres   # PostgreSQL at 127.0.0.1:5432, trust auth

It makes a throw-away database (`var/bench/bulk_offers.sqlite3`, or `comptoir_bench_bulk_offers` on the server of
`--database-url`), migrates it, creates one verified seller with an all-scope API key, `--offers` products and offers
(bulk inserts), then sends `--runs` requests through Django's test client (the whole stack: middleware, the API key,
JSON parsing, the 10,000-item schema, the Idempotency-Key record, the service, the response). Each run changes every
offer's price and stock, so every row is written. Then it times the service alone (`offer_bulk_update`) the same way.

Reported per run: wall-clock time, this process's CPU time, the PostgreSQL backend's CPU time (read from /proc when
the server runs on this machine), and the load average before and after (the machine is shared: read the wall times
with the load next to them). Tasks are stored, not run (`COMPTOIR_TASK_BACKEND=database`, as in production): the
search reindexing a price change queues is a worker's job, after the response. The database is dropped at the end
unless `--keep-db`."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _configure(database: str, database_url: str) -> str:
    if database == "postgres":
        base = database_url.rsplit("/", 1)[0]
        url = f"{base}/comptoir_bench_bulk_offers"
    else:
        path = ROOT / "var" / "bench" / "bulk_offers.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    os.environ.update(
        {
            "COMPTOIR_READ_DOTENV": "0",
            "DATABASE_URL": url,
            "COMPTOIR_SECRET_KEY": "bench-only-secret-key-bulk-offers",
            "COMPTOIR_ENCRYPTION_KEYS": "kIS6R5ZtmCJyY1hc0vqJ4WkU4ZaG6nMUTdyZ4hFGfCM=",
            "COMPTOIR_DEBUG": "0",
            "COMPTOIR_SSL_REDIRECT": "0",
            "COMPTOIR_ALLOWED_HOSTS": "testserver,127.0.0.1",
            "COMPTOIR_TASK_BACKEND": "database",
            "COMPTOIR_LEDGER_SEAL_ON_COMMIT": "0",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
    return url


def _create_postgres_database(database_url: str) -> None:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS comptoir_bench_bulk_offers")
        connection.execute("CREATE DATABASE comptoir_bench_bulk_offers")


def _drop_postgres_database(database_url: str) -> None:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS comptoir_bench_bulk_offers")


def _seed(count: int) -> tuple[Any, str]:
    from comptoir.catalog.models import Product
    from comptoir.core.events import delivery_paused
    from comptoir.offers.models import Offer
    from comptoir.sellers.models import ALL_SCOPES
    from comptoir.sellers.services import seller_api_key_create
    from comptoir.testing.builders import make_category, make_seller, make_shipping_profile

    with delivery_paused():
        seller = make_seller("Bulk Shop")
        profile = make_shipping_profile(seller)
        category = make_category()
        products = Product.objects.bulk_create(
            [Product(title=f"Bench product {index}", category=category) for index in range(count)], batch_size=2000
        )
        Offer.objects.bulk_create(
            [
                Offer(
                    seller=seller,
                    product=product,
                    sku=f"BULK-{index:06d}",
                    price_amount=1000,
                    currency="EUR",
                    stock=10,
                    ships_from_country="FR",
                    shipping_profile=profile,
                )
                for index, product in enumerate(products)
            ],
            batch_size=2000,
        )
    owner = seller.members.get().user
    _key, secret = seller_api_key_create(seller=seller, actor=owner, name="bench", scopes=list(ALL_SCOPES))
    return seller, secret


def _items(count: int, run: int) -> list[dict]:
    return [
        {"sku": f"BULK-{index:06d}", "price_amount": 1000 + run + 1, "stock": (index + run) % 50 + 1}
        for index in range(count)
    ]


def _server_cpu_seconds() -> float | None:
    """CPU time (user + system) of this connection's PostgreSQL backend process, when the server runs on this machine
    and /proc shows it; None otherwise (SQLite runs inside this process: its CPU is in `cpu_s`)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measure(send) -> dict:
    load_before = os.getloadavg()[0]
    server_before = _server_cpu_seconds()
    wall, cpu = time.perf_counter(), time.process_time()
    send()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    server_after = _server_cpu_seconds()
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "server_cpu_s": None
        if server_before is None or server_after is None
        else round(server_after - server_before, 3),
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


def run(database: str, database_url: str, offers: int, runs: int, keep_db: bool) -> dict:
    _configure(database, database_url)
    if database == "postgres":
        _create_postgres_database(database_url)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from comptoir.offers.bulk import OfferBulkItem, offer_bulk_update
    from comptoir.offers.models import Offer

    try:
        call_command("migrate", verbosity=0)
        seller, secret = _seed(offers)
        client = Client()
        api_runs = []
        for number in range(runs):
            body = json.dumps({"items": _items(offers, number)})

            def send(body=body, number=number) -> None:
                response = client.post(
                    "/api/v1/seller/offers/bulk",
                    data=body,
                    content_type="application/json",
                    headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": f"bench-{number}"},
                )
                assert response.status_code == 200, response.content[:500]
                assert response.json()["updated"] == offers, response.json()

            api_runs.append(_measure(send))
        service_runs = []
        for number in range(runs, 2 * runs):
            items = [OfferBulkItem(**item) for item in _items(offers, number)]
            service_runs.append(_measure(lambda items=items: offer_bulk_update(seller=seller, actor=None, items=items)))
        assert Offer.objects.filter(seller=seller, price_amount=1000 + 2 * runs).count() == offers
        version = connection.cursor().connection.info.server_version if database == "postgres" else None
        return {
            "database": database,
            "server_version": version,
            "offers": offers,
            "cpu_count": os.cpu_count(),
            "api": api_runs,
            "service": service_runs,
            "api_median_wall_s": statistics.median(run["wall_s"] for run in api_runs),
            "service_median_wall_s": statistics.median(run["wall_s"] for run in service_runs),
        }
    finally:
        connection.close()
        if database == "postgres" and not keep_db:
            _drop_postgres_database(database_url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep-db", action="store_true")
    arguments = parser.parse_args()
    result = run(arguments.database, arguments.database_url, arguments.offers, arguments.runs, arguments.keep_db)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

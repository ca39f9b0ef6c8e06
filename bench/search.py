"""Search benchmark: a generated catalog (bulk SQL inserts), the index built by `search_reindex`, then typical
queries timed through the whole selector (text match, documents, trust, facets, ranking, explanations).

`comptoir bench search --offers 100000 --database sqlite|postgres` runs it in a fresh database (a subprocess migrates
it, another generates, indexes and measures), prints the figures (`report_markdown`, or `--json`) and deletes the
database unless `--keep-db`; docs/PERFORMANCE.md ("Search") records them by hand."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OFFERS_PER_PRODUCT = 4
SELLER_COUNTRIES = ["FR", "DE", "ES", "IT"]
COUNTRIES = ["FR", "BE", "LU", "DE", "NL", "AT", "IT", "ES", "PT"]
NOUNS = [
    ("chaussure", "shoe"),
    ("casque", "headphones"),
    ("enceinte", "speaker"),
    ("poêle", "pan"),
    ("casserole", "casserole"),
    ("lampe", "lamp"),
    ("chaise", "chair"),
    ("table", "table"),
    ("montre", "watch"),
    ("sac", "bag"),
    ("veste", "jacket"),
    ("couteau", "knife"),
    ("tasse", "mug"),
    ("livre", "book"),
    ("jouet", "toy"),
    ("vélo", "bike"),
    ("tente", "tent"),
    ("clavier", "keyboard"),
    ("souris", "mouse"),
    ("écran", "screen"),
]
ADJECTIVES = [
    ("rouge", "red"),
    ("bleu", "blue"),
    ("noir", "black"),
    ("léger", "light"),
    ("étanche", "waterproof"),
    ("sans fil", "wireless"),
    ("pliable", "foldable"),
    ("inox", "stainless"),
    ("bois", "wooden"),
    ("running", "running"),
    ("compact", "compact"),
    ("vintage", "vintage"),
]
BRANDS = [
    f"{prefix}{suffix}"
    for prefix in ("Kel", "Son", "Forg", "Lum", "Cuis", "Vel", "Atel", "Nord", "Sud", "Alp")
    for suffix in ("vor", "ora", "eo", "ix", "ano")
]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _bulk_sellers(count: int, rng: random.Random) -> list[tuple[int, int, str]]:
    """Verified sellers with one shipping profile each, by bulk inserts: the benchmark measures search, not onboarding
    (the services hash passwords, audit and publish events per seller, which made generation take minutes)."""
    from django.db import transaction

    from comptoir.core import clock
    from comptoir.core.crypto import encrypt_text
    from comptoir.offers.models import ShippingProfile, ShippingRate
    from comptoir.sellers.models import Seller, SellerStatus

    now = clock.now()
    iban = encrypt_text("FR7630006000011234567890189")
    with transaction.atomic():
        sellers = Seller.objects.bulk_create(
            [
                Seller(
                    name=f"Bench shop {index}",
                    slug=f"bench-shop-{index}",
                    status=SellerStatus.VERIFIED,
                    legal_name=f"Bench shop {index} SARL",
                    street="1 rue du Banc",
                    postal_code="75001",
                    city="Paris",
                    country=SELLER_COUNTRIES[index % len(SELLER_COUNTRIES)],
                    phone="+33 1 00 00 00 00",
                    email=f"shop{index}@bench.example",
                    trade_register="RCS Paris",
                    trade_register_number=f"{index:09d}",
                    vat_id=f"FR{index:011d}",
                    iban_encrypted=iban,
                    iban_last4="0189",
                    self_certified_at=now,
                    created_at=now,
                    verified_at=now,
                )
                for index in range(count)
            ]
        )
        sellers = list(Seller.objects.filter(slug__startswith="bench-shop-").order_by("pk"))
        profiles = ShippingProfile.objects.bulk_create(
            [ShippingProfile(seller=seller, name="Europe", created_at=now) for seller in sellers]
        )
        profiles = list(ShippingProfile.objects.filter(seller__in=sellers).order_by("seller_id"))
        rates = []
        for index, profile in enumerate(profiles):
            zone = rng.sample(COUNTRIES, k=rng.randint(4, len(COUNTRIES)))
            rates.append(
                ShippingRate(
                    profile=profile,
                    zone_name="Europe",
                    countries=zone,
                    service_level="standard",
                    carrier="Post",
                    currency="EUR",
                    first_item_amount=rng.choice([0, 390, 490, 590, 690]),
                    additional_item_amount=100,
                    transit_days_min=1,
                    transit_days_max=rng.randint(2, 7),
                )
            )
            if index % 3 == 0:
                rates.append(
                    ShippingRate(
                        profile=profile,
                        zone_name="World",
                        countries=["*"],
                        service_level="standard",
                        carrier="Post",
                        currency="EUR",
                        first_item_amount=1490,
                        additional_item_amount=300,
                        transit_days_min=4,
                        transit_days_max=12,
                    )
                )
        ShippingRate.objects.bulk_create(rates)
    return [(seller.pk, profile.pk, seller.country) for seller, profile in zip(sellers, profiles, strict=True)]


def generate(*, offers: int, seed: int = 7, log=print) -> dict:
    """Categories through the service (few); sellers, shipping profiles, products and offers by bulk inserts (many)."""
    from django.db import connection, transaction

    from comptoir.catalog.models import Product
    from comptoir.catalog.services import category_create

    rng = random.Random(seed)
    started = time.perf_counter()
    roots = [
        category_create(name_en=f"Department {index}", name_fr=f"Rayon {index}", slug=f"dept-{index}")
        for index in range(8)
    ]
    leaves = [
        category_create(
            name_en=f"Aisle {root.pk}-{index}",
            name_fr=f"Allée {root.pk}-{index}",
            parent=root,
            slug=f"aisle-{root.pk}-{index}",
        )
        for root in roots
        for index in range(6)
    ]
    sellers = _bulk_sellers(120, rng)
    log(f"  categories and {len(sellers)} sellers in {time.perf_counter() - started:.1f} s")

    product_count = max(1, offers // OFFERS_PER_PRODUCT)
    now = dt.datetime.now(dt.UTC)
    batch = 5000
    first_id = None
    for start in range(0, product_count, batch):
        rows = []
        for index in range(start, min(product_count, start + batch)):
            noun, adjective, brand = rng.choice(NOUNS), rng.choice(ADJECTIVES), rng.choice(BRANDS)
            french = rng.random() < 0.5
            title = (
                f"{noun[0].capitalize()} {adjective[0]} {brand} {rng.randint(1, 999)}"
                if french
                else f"{brand} {adjective[1]} {noun[1]} {rng.randint(1, 999)}"
            )
            description = (
                f"{noun[0]} {adjective[0]} de qualité, modèle {index}."
                if french
                else f"A quality {adjective[1]} {noun[1]}, model {index}."
            )
            rows.append(
                Product(
                    title=title,
                    description=description,
                    brand=brand,
                    category_id=rng.choice(leaves).pk,
                    attributes={"colour": adjective[1]},
                    language="fr" if french else "en",
                    created_at=now - dt.timedelta(minutes=index),
                )
            )
        with transaction.atomic():
            created = Product.objects.bulk_create(rows, batch_size=1000)
        first_id = first_id or created[0].pk
    product_ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    log(f"  {len(product_ids)} products in {time.perf_counter() - started:.1f} s")

    conditions = ["new", "new", "new", "refurbished", "used_good"]
    sql = (
        "INSERT INTO offers_offer (seller_id, product_id, sku, price_amount, currency, stock, condition, "
        "condition_note, handling_days, "
        "ships_from_country, fulfilment_method, shipping_profile_id, return_policy_days, is_active, created_at, "
        "updated_at) "
        "VALUES "
    )
    row_sql = "(%s, %s, %s, %s, 'EUR', %s, %s, '', %s, %s, %s, %s, 14, %s, %s, %s)"
    rows_per_statement = 500  # multi-row INSERTs: one round trip per 500 offers instead of one per offer
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(product_ids), 2500):
            offer_rows: list[tuple] = []
            for product_id in product_ids[start : start + 2500]:
                base = rng.randint(500, 50_000)
                for seller_id, profile_id, country in rng.sample(sellers, OFFERS_PER_PRODUCT):
                    offer_rows.append(
                        (
                            seller_id,
                            product_id,
                            f"B{product_id}-{seller_id}",
                            base + rng.randint(0, base // 3),
                            rng.randint(0, 40),
                            rng.choice(conditions),
                            rng.randint(0, 3),
                            country,
                            rng.choice(["merchant", "merchant", "marketplace"]),
                            profile_id,
                            True,
                            now,
                            now,
                        )
                    )
            with transaction.atomic():
                for first in range(0, len(offer_rows), rows_per_statement):
                    chunk = offer_rows[first : first + rows_per_statement]
                    cursor.execute(sql + ", ".join([row_sql] * len(chunk)), [value for row in chunk for value in row])
            written += len(offer_rows)
    generated = time.perf_counter() - started
    log(f"  {written} offers, catalog generated in {generated:.1f} s")
    return {
        "products": len(product_ids),
        "offers": written,
        "sellers": len(sellers),
        "categories": len(leaves) + len(roots),
        "generate_seconds": round(generated, 1),
        "root_ids": [root.pk for root in roots],
    }


def measure(*, root_ids: list[int], repeats: int = 40, seed: int = 11) -> dict:
    from comptoir.search.selectors import SearchQuery, search_products

    rng = random.Random(seed)
    placed_on = dt.date.today()

    def word():
        noun = rng.choice(NOUNS)
        return rng.choice(noun)

    types = {
        "single word": lambda: SearchQuery(text=word()),
        "two words": lambda: SearchQuery(text=f"{word()} {rng.choice(rng.choice(ADJECTIVES)).split()[0]}"),
        "brand": lambda: SearchQuery(text=rng.choice(BRANDS)),
        "word + category": lambda: SearchQuery(text=word(), category_id=rng.choice(root_ids)),
        "word + facets": lambda: SearchQuery(
            text=word(), conditions=("new",), price_max=20_000, max_delivery_days=10, country=rng.choice(COUNTRIES)
        ),
        "category browse (no text)": lambda: SearchQuery(category_id=rng.choice(root_ids)),
    }
    figures = {}
    for name, make in types.items():
        for _ in range(3):  # warm-up
            search_products(make(), placed_on=placed_on)
        times, totals = [], []
        for _ in range(repeats):
            query = make()
            started = time.perf_counter()
            page = search_products(query, placed_on=placed_on)
            times.append((time.perf_counter() - started) * 1000)
            totals.append(page.total)
        figures[name] = {
            "p50_ms": round(_percentile(times, 0.5), 1),
            "p95_ms": round(_percentile(times, 0.95), 1),
            "mean_results": round(statistics.mean(totals)),
            "queries": repeats,
        }
    return figures


def run_in_database(*, offers: int, out: str) -> None:
    """(harness step, inside the benchmark database) generate, index, measure; write JSON to `out`."""
    from django.db import connection

    from comptoir.search.services import search_reindex

    figures: dict[str, Any] = {"database": connection.vendor, "offers_requested": offers}
    figures.update(generate(offers=offers, log=lambda line: print(line, file=sys.stderr)))
    report = search_reindex(batch_size=2000)
    figures["index_seconds"] = round(report.seconds, 1)
    figures["documents"] = report.documents
    print(f"  indexed {report.documents} products in {report.seconds:.1f} s", file=sys.stderr)
    figures["queries"] = measure(root_ids=figures.pop("root_ids"))
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(figures, handle)


def _proc_field(path: str, name: str) -> str:
    """The value of the first `name: value` line of a /proc file, or "" where there is none (not Linux)."""
    try:
        with open(path) as lines:
            return next((line.split(":", 1)[1].strip() for line in lines if line.startswith(name)), "")
    except OSError:
        return ""


def machine_facts() -> dict:
    import sqlite3

    memory = _proc_field("/proc/meminfo", "MemTotal")
    cpu = _proc_field("/proc/cpuinfo", "model name")
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


def run(*, offers: int, database: str, database_url: str | None, keep_db: bool = False, log=print) -> dict:
    """Fresh database, migrate (subprocess), generate + index + measure (subprocess); returns the figures."""
    environment = dict(os.environ)
    if database == "sqlite":
        path = ROOT / "var" / f"bench-search-{offers}.sqlite3"
        path.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        environment["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        import psycopg

        server = database_url or "postgres://postgres@127.0.0.1:5432/postgres"
        name = f"comptoir_bench_search_{offers}"
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        environment["DATABASE_URL"] = server.rsplit("/", 1)[0] + f"/{name}"
    environment.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    manage = [sys.executable, "-m", "django"]
    subprocess.run([*manage, "migrate", "-v", "0"], env=environment, check=True, cwd=ROOT)
    out = ROOT / "var" / f"bench-search-{database}-{offers}.json"
    started = time.perf_counter()
    subprocess.run(
        [*manage, "bench", "search-run", "--offers", str(offers), "--out", str(out)],
        env=environment,
        check=True,
        cwd=ROOT,
    )
    figures = json.loads(out.read_text())
    figures["wall_seconds"] = round(time.perf_counter() - started, 1)
    figures["machine"] = machine_facts()
    if database == "sqlite" and not keep_db:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    if database == "postgres" and not keep_db:
        import psycopg

        with psycopg.connect(database_url or "postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "comptoir_bench_search_{offers}"')
    return figures


def report_markdown(runs: list[dict]) -> str:
    lines = []
    for figures in runs:
        lines.append(f"#### {figures['offers']:,} offers ({figures['products']:,} products) on {figures['database']}")
        lines.append("")
        lines.append(
            f"Catalog generated in {figures['generate_seconds']} s; index built in {figures['index_seconds']} s "
            f"({figures['documents']:,} documents)."
        )
        lines.append("")
        lines.append("| Query type | p50 (ms) | p95 (ms) | mean results |")
        lines.append("|---|---:|---:|---:|")
        for name, values in figures["queries"].items():
            lines.append(f"| {name} | {values['p50_ms']} | {values['p95_ms']} | {values['mean_results']} |")
        lines.append("")
    return "\n".join(lines)

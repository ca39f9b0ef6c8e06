"""Stock locking. Checkout takes stock with guarded conditional UPDATEs in primary-key order:
the UPDATE takes the row lock, and ordering every transaction the same way means two checkouts
sharing offers can queue behind each other but never deadlock."""

from __future__ import annotations

from django.db import connection
from django.db.models import F

from comptoir.core import clock
from comptoir.core.events import publish_on_commit
from comptoir.offers.events import OffersRanOutOfStock
from comptoir.offers.models import Offer

_TAKE_SQL: dict[str, str] = {}


def _take_sql() -> str:
    """The guarded decrement, built once per vendor (the ORM's `filter().update(F())` costs more CPU to compile
    than the statement costs to run)."""
    sql = _TAKE_SQL.get(connection.vendor)
    if sql is None:
        quote = connection.ops.quote_name
        table, stock, pk, active, seller = (
            quote(name) for name in (Offer._meta.db_table, "stock", "id", "is_active", "seller_id")
        )
        # RETURNING (PostgreSQL, SQLite >= 3.35) tells which offers this took the last units of, in the same statement.
        sql = _TAKE_SQL[connection.vendor] = (
            f"UPDATE {table} SET {stock} = {stock} - %s WHERE {pk} = %s AND {stock} >= %s AND {active} = %s "
            f"RETURNING {stock}, {seller}"
        )
    return sql


def offer_stock_take(*, quantities: dict[int, int]) -> list[int]:
    """Decrement stock for {offer_id: quantity} in id order inside the caller's transaction.

    Returns the ids that lacked stock (nothing is decremented for them; the caller must roll back).
    Each UPDATE succeeds only when `stock >= quantity`, which the database checks under the row lock,
    so there is no check-then-act window; the CHECK (stock >= 0) constraint backs it. When every offer had stock,
    the offers left with none are published (`OffersRanOutOfStock`, on commit, one event per seller)."""
    short: list[int] = []
    depleted: dict[int, list[int]] = {}
    sql = _take_sql()
    with connection.cursor() as cursor:
        for offer_id in sorted(quantities):
            quantity = quantities[offer_id]
            cursor.execute(sql, [quantity, offer_id, quantity, True])
            row = cursor.fetchone()
            if row is None:
                short.append(offer_id)
            elif row[0] == 0:
                depleted.setdefault(row[1], []).append(offer_id)
    if depleted and not short:
        at = clock.now()
        for seller_id, offer_ids in sorted(depleted.items()):
            publish_on_commit(OffersRanOutOfStock(seller_id=seller_id, offer_ids=tuple(offer_ids), at=at))
    return short


def offer_stock_return(*, quantities: dict[int, int]) -> None:
    for offer_id in sorted(quantities):
        Offer.objects.filter(pk=offer_id).update(stock=F("stock") + quantities[offer_id])

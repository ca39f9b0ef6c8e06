"""Stock locking. Checkout takes stock with guarded conditional UPDATEs in primary-key order:
the UPDATE takes the row lock, and ordering every transaction the same way means two checkouts
sharing offers can queue behind each other but never deadlock."""

from __future__ import annotations

from django.db import connection
from django.db.models import F

from comptoir.offers.models import Offer

_TAKE_SQL: dict[str, str] = {}


def _take_sql() -> str:
    """The guarded decrement, built once per vendor (the ORM's `filter().update(F())` costs more CPU to compile
    than the statement costs to run)."""
    sql = _TAKE_SQL.get(connection.vendor)
    if sql is None:
        quote = connection.ops.quote_name
        table, stock, pk, active = (quote(name) for name in (Offer._meta.db_table, "stock", "id", "is_active"))
        sql = _TAKE_SQL[connection.vendor] = (
            f"UPDATE {table} SET {stock} = {stock} - %s WHERE {pk} = %s AND {stock} >= %s AND {active} = %s"
        )
    return sql


def offer_stock_take(*, quantities: dict[int, int]) -> list[int]:
    """Decrement stock for {offer_id: quantity} in id order inside the caller's transaction.

    Returns the ids that lacked stock (nothing is decremented for them; the caller must roll back).
    Each UPDATE succeeds only when `stock >= quantity`, which the database checks under the row lock,
    so there is no check-then-act window; the CHECK (stock >= 0) constraint backs it."""
    short: list[int] = []
    sql = _take_sql()
    with connection.cursor() as cursor:
        for offer_id in sorted(quantities):
            quantity = quantities[offer_id]
            cursor.execute(sql, [quantity, offer_id, quantity, True])
            if cursor.rowcount != 1:
                short.append(offer_id)
    return short


def offer_stock_return(*, quantities: dict[int, int]) -> None:
    for offer_id in sorted(quantities):
        Offer.objects.filter(pk=offer_id).update(stock=F("stock") + quantities[offer_id])

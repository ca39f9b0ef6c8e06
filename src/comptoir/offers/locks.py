"""Stock locking. Checkout takes stock with guarded conditional UPDATEs whose row locks are taken in primary-key
order: ordering every transaction the same way means two checkouts sharing offers can queue behind each other but
never deadlock."""

from __future__ import annotations

from django.db import connection
from django.db.models import F

from comptoir.core import clock
from comptoir.core.db import fixed_cursor
from comptoir.core.events import publish_on_commit
from comptoir.offers.events import OffersRanOutOfStock
from comptoir.offers.models import Offer

_TAKE_SQL: dict[tuple[str, int], str] = {}


def _take_sql(count: int) -> str:
    """The guarded decrement of `count` offers in one statement, built once per vendor and count (the ORM's
    `filter().update(F())` costs more CPU to compile than the statement costs to run). RETURNING (PostgreSQL, SQLite
    >= 3.35) tells which offers had the stock and which this took the last units of, in the same statement.

    Several offers: an `UPDATE … FROM` a list of (id, quantity). PostgreSQL would lock the updated rows in whatever
    order its join produces, so a MATERIALIZED CTE first locks them `ORDER BY id FOR UPDATE`, and the UPDATE joins
    it: a row is updated only after the CTE produced it, hence after every lower id was locked. Each row's guard
    (`stock >= quantity`) is evaluated by the UPDATE under its row lock, on the row's latest version (READ COMMITTED
    re-checks a row a concurrent transaction changed), as for the single-offer statement. SQLite locks the whole
    database for the transaction (BEGIN IMMEDIATE): no order to keep there."""
    key = (connection.vendor, count)
    sql = _TAKE_SQL.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        table, stock, pk, active, seller = (
            quote(name) for name in (Offer._meta.db_table, "stock", "id", "is_active", "seller_id")
        )
        if count == 1:
            sql = (
                f"UPDATE {table} SET {stock} = {stock} - %s WHERE {pk} = %s AND {stock} >= %s AND {active} = %s "
                f"RETURNING {pk}, {stock}, {seller}"
            )
        else:
            values = ", ".join(["(%s, %s)"] * count)
            locked = ""
            join = ""
            if connection.vendor == "postgresql":
                locked = (
                    f", locked AS MATERIALIZED (SELECT {pk} FROM {table} WHERE {pk} IN (SELECT offer_id FROM wanted) "
                    f"ORDER BY {pk} FOR UPDATE)"
                )
                join = f", locked WHERE locked.{pk} = wanted.offer_id AND"
            else:
                join = " WHERE"
            sql = (
                f"WITH wanted (offer_id, quantity) AS (VALUES {values}){locked} "
                f"UPDATE {table} SET {stock} = {table}.{stock} - wanted.quantity FROM wanted{join} "
                f"{table}.{pk} = wanted.offer_id AND {table}.{stock} >= wanted.quantity AND {table}.{active} = %s "
                f"RETURNING {table}.{pk}, {table}.{stock}, {table}.{seller}"
            )
        _TAKE_SQL[key] = sql
    return sql


def offer_stock_take(*, quantities: dict[int, int]) -> list[int]:
    """Decrement stock for {offer_id: quantity} inside the caller's transaction, in one statement, the rows locked in
    id order.

    Returns the ids that lacked stock, in id order (nothing is decremented for them; the caller must roll back).
    Each row is decremented only when `stock >= quantity`, which the database checks under the row lock, so there
    is no check-then-act window; the CHECK (stock >= 0) constraint backs it. When every offer had stock, the offers
    left with none are published (`OffersRanOutOfStock`, on commit, one event per seller)."""
    if not quantities:
        return []
    ordered = sorted(quantities)
    params: list[int | bool] = []
    if len(ordered) == 1:
        params = [quantities[ordered[0]], ordered[0], quantities[ordered[0]], True]
    else:
        for offer_id in ordered:
            params += [offer_id, quantities[offer_id]]
        params.append(True)
    with fixed_cursor(connection) as cursor:
        cursor.execute(_take_sql(len(ordered)), params)
        rows = cursor.fetchall()
    taken = {row[0] for row in rows}
    short = [offer_id for offer_id in ordered if offer_id not in taken]
    if not short:
        depleted: dict[int, list[int]] = {}
        for offer_id, stock, seller_id in sorted(rows):
            if stock == 0:
                depleted.setdefault(seller_id, []).append(offer_id)
        if depleted:
            at = clock.now()
            for seller_id, offer_ids in sorted(depleted.items()):
                publish_on_commit(OffersRanOutOfStock(seller_id=seller_id, offer_ids=tuple(offer_ids), at=at))
    return short


def offer_stock_return(*, quantities: dict[int, int]) -> None:
    for offer_id in sorted(quantities):
        Offer.objects.filter(pk=offer_id).update(stock=F("stock") + quantities[offer_id])

"""core.db's fixed statements (the checkout's hot path) store and read exactly what the ORM does."""

import datetime as dt

import pytest
from django.db import connection

from comptoir.accounts.models import User
from comptoir.core.db import (
    Lookup,
    _prepared,
    insert_chain,
    insert_returning,
    insert_rows,
    select_instances,
    update_rows,
    update_rows_carried,
    writes_carried,
)
from comptoir.core.models import IdempotencyRecord
from comptoir.orders.models import Order, OrderLine, OrderTaxLine, SellerOrder, SellerOrderEvent
from comptoir.orders.tests.support import buy
from comptoir.testing.builders import make_user

pytestmark = pytest.mark.django_db

COLUMNS = ("actor_key", "key", "scope", "request_fingerprint", "response_status", "response_body")


def _record(key: str, **values) -> IdempotencyRecord:
    return IdempotencyRecord(
        actor_key="user:1", key=key, scope="s", request_fingerprint="f" * 64, response_status=None, **values
    )


def test_insert_returning_stores_what_bulk_create_stores_and_sets_the_ids():
    body = {"number": "CO-1", "items": [{"amount": 1500, "currency": "EUR"}], "note": "é\u2028"}
    ours = insert_returning([_record("a", response_body=body), _record("b", response_body=None)])
    IdempotencyRecord.objects.bulk_create([_record("c", response_body=body), _record("d", response_body=None)])

    assert [record.pk for record in ours] == list(
        IdempotencyRecord.objects.filter(key__in=["a", "b"]).order_by("key").values_list("pk", flat=True)
    )
    assert all(not record._state.adding for record in ours)
    stored = {row["key"]: row for row in IdempotencyRecord.objects.values("key", *COLUMNS[2:], "created_at")}
    assert {name: stored["a"][name] for name in COLUMNS[2:]} == {name: stored["c"][name] for name in COLUMNS[2:]}
    assert stored["b"]["response_body"] is None and stored["a"]["response_body"] == body
    assert stored["a"]["created_at"].tzinfo is not None  # auto_now_add went through pre_save
    assert ours[0].created_at == stored["a"]["created_at"]


def test_insert_returning_with_foreign_keys_enum_values_and_datetimes():
    seller_order = buy().seller_order
    at = dt.datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=dt.UTC)
    event = SellerOrderEvent(
        seller_order=seller_order,
        seller_id_copy=seller_order.seller_id,
        action="note",
        from_status=seller_order.status,
        to_status=seller_order.status,
        actor_role="operator",
        actor=None,
        reason="",
        data={"x": [1, 2]},
        created_at=at,
    )

    (saved,) = insert_returning([event])

    fresh = SellerOrderEvent.objects.get(pk=saved.pk)
    assert (fresh.seller_order_id, fresh.created_at, fresh.data, fresh.actor_id) == (
        seller_order.pk,
        at,
        {"x": [1, 2]},
        None,
    )


def test_update_rows_is_filter_update_with_its_guard():
    first, second = insert_returning([_record("a"), _record("b")])

    updated = update_rows(
        IdempotencyRecord,
        [first.pk, second.pk],
        {"response_status": 201, "response_body": {"ok": True}},
        where={"scope": "s"},
    )
    missed = update_rows(IdempotencyRecord, [first.pk], {"response_status": 500}, where={"scope": "other"})

    assert (updated, missed) == (2, 0)
    assert list(IdempotencyRecord.objects.order_by("key").values_list("response_status", "response_body")) == [
        (201, {"ok": True}),
        (201, {"ok": True}),
    ]


def test_select_instances_gives_the_orm_s_own_instances():
    user = make_user()
    User.objects.filter(pk=user.pk).update(last_login=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC))

    def build(columns, quote):
        return f"SELECT {columns} FROM {quote(User._meta.db_table)} WHERE {quote('id')} = %s"

    (ours,) = select_instances(User, name="test_user_by_id", build_sql=build, params=[user.pk])
    theirs = User.objects.get(pk=user.pk)

    assert {field.attname: getattr(ours, field.attname) for field in User._meta.concrete_fields} == {
        field.attname: getattr(theirs, field.attname) for field in User._meta.concrete_fields
    }
    assert ours.last_login.tzinfo is not None and not ours._state.adding


EVENT_COLUMNS = ("seller_order_id", "seller_id_copy", "action", "from_status", "to_status", "actor_role", "created_at")


def test_insert_rows_stores_from_tuples_what_the_orm_stores_defaults_included():
    seller_order = buy().seller_order
    at = dt.datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=dt.UTC)
    values = (seller_order.pk, seller_order.seller_id, "note", "placed", "placed", "operator", at)

    ids = insert_rows(SellerOrderEvent, EVENT_COLUMNS, [values, (*values[:2], "other", *values[3:])])
    (orm,) = SellerOrderEvent.objects.bulk_create([SellerOrderEvent(**dict(zip(EVENT_COLUMNS, values, strict=True)))])

    def stored(pk):
        row = SellerOrderEvent.objects.filter(pk=pk).values().get()
        row.pop("id")
        return row

    assert ids == sorted(ids) and len(ids) == 2
    # defaults (reason "", data {}, actor None) are those a new instance gets
    assert stored(ids[0]) == stored(orm.pk)
    assert stored(ids[0])["data"] == {} and stored(ids[0])["reason"] == "" and stored(ids[0])["actor_id"] is None
    assert stored(ids[1])["action"] == "other" and stored(ids[1])["created_at"] == at


def test_insert_rows_refuses_what_it_cannot_store_as_the_orm_does():
    with pytest.raises(ValueError, match="created_at"):
        insert_rows(IdempotencyRecord, ("actor_key", "key", "scope", "request_fingerprint"), [("a", "b", "c", "d")])
    with pytest.raises(ValueError, match="no column"):
        insert_rows(SellerOrderEvent, ("seller_order",), [(1,)])
    assert insert_rows(SellerOrderEvent, EVENT_COLUMNS, []) == []


def _values(instance, *ignored: str) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.attname not in ("id", *ignored)
    }


def test_insert_chain_inserts_rows_pointing_at_earlier_rows_of_the_same_call():
    # given an order with its seller order, as the ORM stored them
    seller_order = buy().seller_order
    order = Order.objects.get(pk=seller_order.order_id)
    order_columns = tuple(name for name in _values(order))
    seller_order_columns = tuple(name for name in _values(seller_order))
    copies = [{**_values(seller_order), "number": f"{order.number[:-2]}ZZ-{index}", "order_id": 0} for index in (1, 2)]
    at = dt.datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=dt.UTC)

    # when a copy of both, two seller orders and an event for each (the second's first) go in together
    order_ids, seller_order_ids, event_ids = insert_chain(
        [
            (Order, order_columns, [tuple({**_values(order), "number": order.number[:-2] + "ZZ"}.values())], {}),
            (SellerOrder, seller_order_columns, [tuple(copy.values()) for copy in copies], {"order_id": 0}),
            (
                SellerOrderEvent,
                EVENT_COLUMNS,
                [(1, 7, "note", "placed", "placed", "operator", at), (0, 7, "note", "", "placed", "system", at)],
                {"seller_order_id": 1},
            ),
        ]
    )

    # then every id came back in row order, and the rows point at the rows inserted before them
    copy = Order.objects.get(pk=order_ids[0])
    assert _values(copy, "number") == _values(order, "number")
    stored = [SellerOrder.objects.get(pk=pk) for pk in seller_order_ids]
    assert [so.number for so in stored] == [c["number"] for c in copies]
    assert all(_values(so, "number", "order_id") == _values(seller_order, "number", "order_id") for so in stored)
    assert {so.order_id for so in stored} == {copy.pk}
    events = [SellerOrderEvent.objects.get(pk=pk) for pk in event_ids]
    assert [(event.seller_order_id, event.from_status, event.data) for event in events] == [
        (seller_order_ids[1], "placed", {}),
        (seller_order_ids[0], "", {}),
    ]


def test_insert_chain_stores_null_for_a_position_of_none_in_a_nullable_column():
    # given a seller order; a new line and two tax lines, the item's pointing at the new line, the shipping's at none
    seller_order = buy().seller_order
    line_columns = ("seller_order_id", "offer_id", "product_id", "title", "sku", "quantity", "unit_price_amount")
    line_columns += ("line_amount", "commission_rate_bp")
    line = seller_order.lines.get()
    line_row = (seller_order.pk, line.offer_id, line.product_id, "Copy", "SKU", 1, 1000, 1000, 0)
    tax_columns = ("order_id", "seller_order_id", "order_line_id", "kind", "regime", "collector", "reason")
    tax_columns += ("tax_country", "rate_bp", "currency", "net_amount", "vat_amount", "gross_amount")
    common = ("oss", "seller", "distance_sale", "FR", 2000, "EUR")
    ids = (seller_order.order_id, seller_order.pk)
    item, shipping = (*ids, 0, "item", *common, 834, 166, 1000), (*ids, None, "shipping", *common, 417, 83, 500)

    # when they go in together (the shipping row first, so that a NULL cannot be mistaken for the first line)
    line_ids, tax_ids = insert_chain(
        [(OrderLine, line_columns, [line_row], {}), (OrderTaxLine, tax_columns, [shipping, item], {"order_line_id": 0})]
    )

    # then the item's tax line points at the new line and the shipping's at no line
    stored = {tax.kind: tax for tax in OrderTaxLine.objects.filter(pk__in=tax_ids)}
    assert stored["item"].order_line_id == line_ids[0]
    assert stored["shipping"].order_line_id is None
    assert (stored["shipping"].net_amount, stored["shipping"].seller_order_id) == (417, seller_order.pk)


def test_insert_rows_reads_a_lookup_s_id_in_its_statement_and_skips_a_row_whose_row_is_missing():
    # given a seller order (its seller) and the events' seller-order column filled by a look-up on (number, seller_id)
    seller_order = buy().seller_order
    by_number = {"seller_order_id": Lookup(SellerOrder, ("number", "seller_id"))}
    at = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    known, unknown = (seller_order.number, seller_order.seller_id), ("NO-SUCH", seller_order.seller_id)

    # when two rows match and one does not (the missing one between them)
    ids = insert_rows(
        SellerOrderEvent,
        EVENT_COLUMNS,
        [
            (known, 7, "first", "", "placed", "system", at),
            (unknown, 7, "lost", "", "placed", "system", at),
            (known, 7, "last", "", "placed", "system", at),
        ],
        lookups=by_number,
    )

    # then the matching rows are stored pointing at the seller order, the other is skipped and nothing failed
    assert len(ids) == 2
    stored = SellerOrderEvent.objects.filter(pk__in=ids).order_by("pk")
    assert [(event.seller_order_id, event.action, event.created_at) for event in stored] == [
        (seller_order.pk, "first", at),
        (seller_order.pk, "last", at),
    ]
    assert not SellerOrderEvent.objects.filter(action="lost").exists()


def test_a_lookup_matches_null_with_is_null():
    from comptoir.payments.models import LedgerAccount, Posting

    # given the marketplace's clearing account (no seller) and a seller's escrow account, both in EUR
    seller_order = buy().seller_order
    clearing, _ = LedgerAccount.objects.get_or_create(kind="provider_clearing", seller=None, currency="EUR")
    escrow, _ = LedgerAccount.objects.get_or_create(
        kind="seller_escrow", seller_id=seller_order.seller_id, currency="EUR"
    )
    entry_id = Posting.objects.values_list("entry_id", flat=True).first()
    account = {"account_id": Lookup(LedgerAccount, ("kind", "seller_id", "currency"))}

    ids = insert_rows(
        Posting,
        ("entry_id", "account_id", "amount", "currency"),
        [
            (entry_id, ("provider_clearing", None, "EUR"), 5, "EUR"),
            (entry_id, ("seller_escrow", seller_order.seller_id, "EUR"), -5, "EUR"),
        ],
        lookups=account,
    )

    assert list(Posting.objects.filter(pk__in=ids).order_by("pk").values_list("account_id", "amount")) == [
        (clearing.pk, 5),
        (escrow.pk, -5),
    ]


def test_insert_chain_fills_lookups_skips_unmatched_rows_and_refuses_pointing_at_them():
    # given a seller order, and an order copy whose events find their seller order by number
    seller_order = buy().seller_order
    order = Order.objects.get(pk=seller_order.order_id)
    order_columns = tuple(name for name in _values(order))
    by_number = {"seller_order_id": Lookup(SellerOrder, ("number", "seller_id"))}
    at = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    events = [
        ((seller_order.number, seller_order.seller_id), 7, "found", "", "placed", "system", at),
        (("NO-SUCH", seller_order.seller_id), 7, "lost", "", "placed", "system", at),
    ]

    order_ids, event_ids = insert_chain(
        [
            (Order, order_columns, [tuple({**_values(order), "number": order.number[:-2] + "YY"}.values())], {}),
            (SellerOrderEvent, EVENT_COLUMNS, events, by_number),
        ]
    )

    assert len(order_ids) == 1 and len(event_ids) == 1
    assert SellerOrderEvent.objects.get(pk=event_ids[0]).seller_order_id == seller_order.pk
    assert not SellerOrderEvent.objects.filter(action="lost").exists()
    with pytest.raises(ValueError, match="skipped"):
        insert_chain(
            [
                (SellerOrderEvent, EVENT_COLUMNS, events[:1], by_number),
                (SellerOrderEvent, EVENT_COLUMNS, [(0, *events[0][1:])], {"seller_order_id": 0}),
            ]
        )


@pytest.mark.parametrize(
    ("model", "name", "value"),
    [
        (Order, "placed_at", dt.datetime(2026, 12, 7, 2, 30, 15, 123456, tzinfo=dt.UTC)),
        (Order, "placed_at", dt.datetime(2026, 12, 7, 3, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))),
        (SellerOrder, "ship_by", dt.date(2026, 12, 9)),
        (Order, "shipping_address", {"name": "Zoé", "city": "Paris", "lines": [1, "é", None]}),
        (SellerOrderEvent, "data", ["a", {"b": 2}]),
        (SellerOrderEvent, "data", {}),
        (Order, "number", "CO-1"),
        (SellerOrder, "ship_by", dt.datetime(2026, 12, 9, 10, 0, tzinfo=dt.UTC)),  # not a date: through the field
    ],
)
def test_values_are_prepared_as_the_field_prepares_them(model, name, value):
    field = model._meta.get_field(name)

    prepared = _prepared(field, value, connection)

    expected = field.get_db_prep_save(value, connection)
    assert type(prepared) is type(expected)
    assert getattr(prepared, "obj", prepared) == getattr(expected, "obj", expected)  # psycopg's Jsonb wraps `obj`


def test_psycopg_caches_the_parse_of_the_checkout_s_chain_statements():
    from psycopg import _queries

    from comptoir.core.apps import PSYCOPG_CACHED_STATEMENT_PARAMS

    # The order chain of a three-seller checkout carries up to ≈ 200 parameters (core.apps explains why it matters).
    assert _queries.MAX_CACHED_STATEMENT_PARAMS >= PSYCOPG_CACHED_STATEMENT_PARAMS >= 200


def _statements(send) -> list[str]:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        send()
    return [query["sql"] for query in captured.captured_queries]


def test_a_carried_update_rides_on_the_next_insert_on_postgresql_and_runs_alone_elsewhere():
    user = make_user()
    record = IdempotencyRecord.objects.create(actor_key="a", key="k", scope="s", request_fingerprint="f")
    task_user = User(email="carrier@example.com", password="!")

    def write():
        with writes_carried():
            update_rows_carried(IdempotencyRecord, [record.pk], {"response_status": 201, "response_body": {"n": 1}})
            insert_returning([task_user])

    statements = _statements(write)

    record.refresh_from_db()
    assert (record.response_status, record.response_body) == (201, {"n": 1})
    assert task_user.pk is not None and User.objects.filter(pk=task_user.pk).exists() and user.pk != task_user.pk
    if connection.vendor == "postgresql":
        assert len(statements) == 1 and statements[0].startswith("WITH carried0 AS (UPDATE")
    else:
        assert len(statements) == 2 and statements[0].startswith("UPDATE")


def test_a_carried_update_no_insert_took_runs_when_the_block_ends_and_is_dropped_when_it_raises():
    record = IdempotencyRecord.objects.create(actor_key="a", key="k", scope="s", request_fingerprint="f")

    with writes_carried():
        update_rows_carried(IdempotencyRecord, [record.pk], {"response_status": 201})
        with writes_carried():  # nested: the outermost block runs it
            update_rows_carried(IdempotencyRecord, [record.pk], {"response_body": {"n": 2}})
    record.refresh_from_db()
    assert (record.response_status, record.response_body) == (201, {"n": 2})

    with pytest.raises(RuntimeError), writes_carried():
        update_rows_carried(IdempotencyRecord, [record.pk], {"response_status": 500})
        raise RuntimeError("the operation failed")
    record.refresh_from_db()
    assert record.response_status == (201 if connection.vendor == "postgresql" else 500)

    update_rows_carried(IdempotencyRecord, [record.pk], {"response_status": 202})  # outside a block: at once
    record.refresh_from_db()
    assert record.response_status == 202


def test_fixed_statements_raise_django_s_errors_on_the_driver_s_cursor():
    from django.db import IntegrityError, transaction

    insert_returning([_record("same")])
    with pytest.raises(IntegrityError), transaction.atomic():  # django.db's, not sqlite3's or psycopg's
        insert_returning([_record("same")])
    assert IdempotencyRecord.objects.filter(key="same").count() == 1


def test_fixed_statements_refuse_to_run_in_a_transaction_marked_for_rollback():
    from django.db import transaction
    from django.db.transaction import TransactionManagementError

    record = insert_returning([_record("broken")])[0]
    with transaction.atomic():
        transaction.set_rollback(True)
        with pytest.raises(TransactionManagementError):
            update_rows(IdempotencyRecord, [record.pk], {"response_status": 201})


def test_watched_statements_go_through_django_s_cursor_and_are_counted():
    from django.test.utils import CaptureQueriesContext

    from comptoir.core.db import _DriverCursor, fixed_cursor

    record = insert_returning([_record("watched")])[0]
    assert type(fixed_cursor(connection)) is _DriverCursor  # nothing watches: the driver's cursor
    with CaptureQueriesContext(connection) as captured:
        assert type(fixed_cursor(connection)) is not _DriverCursor
        update_rows(IdempotencyRecord, [record.pk], {"response_status": 201})
    assert len(captured.captured_queries) == 1 and "UPDATE" in captured.captured_queries[0]["sql"]
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        update_rows(IdempotencyRecord, [record.pk], {"response_status": 202})
    assert len(seen) == 1
    assert IdempotencyRecord.objects.get(pk=record.pk).response_status == 202


def test_fixed_cursor_reads_rows_and_row_counts_as_django_s_cursor():
    from comptoir.core.db import fixed_cursor

    insert_returning([_record("r1"), _record("r2")])
    table = IdempotencyRecord._meta.db_table
    sql = f'SELECT "key" FROM "{table}" WHERE "key" IN (%s, %s) ORDER BY "key"'
    with fixed_cursor(connection) as cursor:
        cursor.execute(sql, ["r1", "r2"])
        ours = cursor.fetchall()
    with connection.cursor() as cursor:
        cursor.execute(sql, ["r1", "r2"])
        theirs = cursor.fetchall()
    assert [tuple(row) for row in ours] == [tuple(row) for row in theirs] == [("r1",), ("r2",)]
    with fixed_cursor(connection) as cursor:
        cursor.execute(f'UPDATE "{table}" SET "scope" = %s WHERE "key" LIKE \'r%%\'', ["t"])  # %% is a literal %
        assert cursor.rowcount == 2

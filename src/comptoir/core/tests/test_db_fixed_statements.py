"""core.db's fixed statements (the checkout's hot path) store and read exactly what the ORM does."""

import datetime as dt

import pytest

from comptoir.accounts.models import User
from comptoir.core.db import insert_returning, select_instances, update_rows
from comptoir.core.models import IdempotencyRecord
from comptoir.orders.models import SellerOrderEvent
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

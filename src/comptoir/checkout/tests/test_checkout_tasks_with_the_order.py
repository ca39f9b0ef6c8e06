"""With the `database` task backend, the tasks a checkout calls for are written inside its transaction."""

import pytest
from django_tasks_db.models import DBTaskResult

from comptoir.checkout.services import order_checkout
from comptoir.testing.builders import ADDRESS, CARD_OK, make_offer, make_user

pytestmark = pytest.mark.django_db

DATABASE_BACKEND = {"default": {"BACKEND": "comptoir.core.task_backend.DatabaseBackend", "QUEUES": ["default"]}}


def _checkout(key: str = "k"):
    offer = make_offer(stock=3)
    return order_checkout(
        buyer=make_user(),
        shipping_address=ADDRESS,
        payment_method=CARD_OK,
        lines=[{"offer_id": offer.pk, "quantity": 1}],
        idempotency_key=key,
    )


def test_the_trust_and_notification_tasks_are_written_before_the_commit(settings, django_capture_on_commit_callbacks):
    settings.TASKS = DATABASE_BACKEND

    # on-commit callbacks are captured, not run: whatever exists afterwards was written inside the transaction
    with django_capture_on_commit_callbacks(execute=False):
        outcome = _checkout()

    assert outcome.order.status == "paid"
    # one row carries them all (same priority, queue and start): a worker runs each in turn
    row = DBTaskResult.objects.get()
    assert row.task_path == "comptoir.core.tasks.tasks_run_together"
    assert sorted(path for path, _args, _kwargs in row.args_kwargs["kwargs"]["tasks"]) == [
        "comptoir.filings.tasks.distance_sales_count_task",  # the seller's EU distance sales (docs/TAXES.md)
        "comptoir.notifications.tasks.seller_order_events_notify_task",
        "comptoir.trust.tasks.evidence_apply_batch_task",
        "comptoir.webhooks.tasks.webhook_facts_dispatch_task",  # order.created, for the seller's endpoints if any
    ]


def test_with_a_backend_that_runs_tasks_at_once_they_wait_for_the_commit(settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    from django.tasks import task_backends

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _checkout()

    assert task_backends["default"].results == []  # nothing enqueued inside the transaction
    for callback in callbacks:
        callback()
    assert {result.task.module_path for result in task_backends["default"].results} >= {
        "comptoir.trust.tasks.evidence_apply_batch_task"
    }


def test_the_idempotency_response_is_stored_by_the_task_rows_statement_on_postgresql(settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from comptoir.core.models import IdempotencyRecord

    settings.TASKS = DATABASE_BACKEND

    with CaptureQueriesContext(connection) as captured:
        outcome = _checkout("carried")

    record = IdempotencyRecord.objects.get(key="carried")
    assert record.response_status == 201 and record.response_body["number"] == outcome.order.number
    statements = [query["sql"] for query in captured.captured_queries]
    alone = [sql for sql in statements if sql.startswith('UPDATE "core_idempotencyrecord"')]
    carried = [sql for sql in statements if sql.startswith("WITH carried0 AS (UPDATE")]
    if connection.vendor == "postgresql":
        assert not alone and len(carried) == 1 and "django_tasks_database_dbtaskresult" in carried[0]
    else:
        assert len(alone) == 1 and not carried

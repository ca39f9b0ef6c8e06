"""Background work: the periodic tasks, the scheduler that enqueues them, and real worker processes
(django-tasks-db on PostgreSQL, two `comptoir worker` processes competing for the same queue, as in a
deployment with workers on several machines).

In the real-worker test the test process enqueues through the real code paths (a checkout's commit
enqueues the ledger seal, a cancellation enqueues the provider refund, the scheduler enqueues escrow
releases) and then only watches the database until the workers have done the work."""

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comptoir.checkout.services import order_checkout, seller_order_cancel
from comptoir.checkout.tasks import release_due_task
from comptoir.core import clock
from comptoir.ops.management.commands.scheduler import Command as SchedulerCommand
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import SellerOrder
from comptoir.orders.services import seller_order_accept, seller_order_mark_delivered, seller_order_ship
from comptoir.payments.models import JournalEntry, LedgerBlockEntry, Refund
from comptoir.testing.builders import ADDRESS, CARD_OK, make_offer, make_user

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(django_settings.BASE_DIR)
WORKER_IDS = ("worker-a", "worker-b")
DEADLINE_SECONDS = 60


@pytest.fixture
def database_task_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "comptoir.core.task_backend.DatabaseBackend", "QUEUES": ["default"]}}


def test_scheduler_once_enqueues_the_release_and_the_seal(database_task_backend):
    output = io.StringIO()

    call_command("scheduler", "--once", stdout=output)

    assert sorted(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "comptoir.checkout.tasks.release_due_task",
        "comptoir.compliance.tasks.compliance_refresh_task",
        "comptoir.connectors.tasks.imported_pictures_retries_due_task",
        "comptoir.feeds.tasks.feeds_refresh_task",
        "comptoir.notifications.tasks.late_to_ship_notify_task",
        "comptoir.payments.tasks.ledger_seal_task",
        "comptoir.search.tasks.search_prices_follow_tax_rules_task",
        "comptoir.trust.tasks.trust_daily_task",
        "comptoir.webhooks.tasks.webhook_retries_due_task",
    ]
    assert "release_due_task: enqueued" in output.getvalue()


def test_scheduler_enqueues_the_exchange_rate_refresh_only_when_a_refresh_url_is_set(database_task_backend, settings):
    call_command("scheduler", "--once", stdout=io.StringIO())
    assert not DBTaskResult.objects.filter(task_path__endswith="rates_refresh_task").exists()

    settings.COMPTOIR = {**settings.COMPTOIR, "FX": {"REFRESH_URL": "https://rates.example/eurofxref-hist.zip"}}
    call_command("scheduler", "--once", stdout=io.StringIO())

    assert DBTaskResult.objects.filter(task_path="comptoir.currencies.tasks.rates_refresh_task").count() == 1


def test_scheduler_does_not_pile_up_tasks_while_no_worker_runs_them(database_task_backend):
    scheduler = SchedulerCommand(stdout=io.StringIO())
    last_results: dict = {}

    scheduler.tick(last_results)
    scheduler.tick(last_results)
    scheduler.tick(last_results)

    # one release, one seal, one trust recompute, one late-to-ship check, one webhook retry sweep, one picture retry
    # sweep, one country rules refresh, one feed refresh, one search re-pricing check, still waiting
    assert DBTaskResult.objects.count() == 9
    DBTaskResult.objects.update(status=TaskResultStatus.SUCCESSFUL)
    scheduler.tick(last_results)
    # release, seal and the webhook and picture sweeps again; the hourly trust recompute, late-to-ship check, country
    # rules and feed refreshes and search re-pricing check not before their hour is up
    assert sorted(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "comptoir.checkout.tasks.release_due_task",
        "comptoir.checkout.tasks.release_due_task",
        "comptoir.compliance.tasks.compliance_refresh_task",
        "comptoir.connectors.tasks.imported_pictures_retries_due_task",
        "comptoir.connectors.tasks.imported_pictures_retries_due_task",
        "comptoir.feeds.tasks.feeds_refresh_task",
        "comptoir.notifications.tasks.late_to_ship_notify_task",
        "comptoir.payments.tasks.ledger_seal_task",
        "comptoir.payments.tasks.ledger_seal_task",
        "comptoir.search.tasks.search_prices_follow_tax_rules_task",
        "comptoir.trust.tasks.trust_daily_task",
        "comptoir.webhooks.tasks.webhook_retries_due_task",
        "comptoir.webhooks.tasks.webhook_retries_due_task",
    ]


def test_release_due_task_releases_escrow_whose_hold_has_elapsed():
    offer = make_offer(price_amount=3000, stock=2)
    seller_user = offer.seller.members.get().user
    seller_order = _delivered_long_ago(offer, make_user(), "release-task", seller_user)
    fresh = _checkout(offer, make_user(), "release-task-fresh")

    result = release_due_task.enqueue()

    assert (result.status, result.return_value) == (TaskResultStatus.SUCCESSFUL, 1)
    seller_order.refresh_from_db()
    fresh.refresh_from_db()
    assert (seller_order.status, seller_order.is_released) == ("completed", True)
    assert (fresh.status, fresh.is_released) == ("placed", False)
    assert release_due_task.enqueue().return_value == 0  # idempotent: nothing left to release


def test_scheduler_rejects_a_non_positive_interval():
    with pytest.raises(CommandError):
        call_command("scheduler", "--interval", "0", stdout=io.StringIO())


def _database_url() -> str:
    """The URL of the test database this test's connection uses, for the worker processes."""
    params = connection.settings_dict
    credentials = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    return f"postgres://{credentials}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"


def _start_worker(worker_id: str, log_path: Path) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(),
        "COMPTOIR_TASK_BACKEND": "database",
        "COMPTOIR_SECRET_KEY": "worker-test-secret-key",
        "COMPTOIR_ENCRYPTION_KEYS": ",".join(django_settings.COMPTOIR_ENCRYPTION_KEYS),
        "COMPTOIR_DEBUG": "0",
        "PYTHONPATH": os.pathsep.join([str(BASE_DIR), str(BASE_DIR / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    log = log_path.open("w")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "comptoir.cli",
            "worker",
            "--worker-id",
            worker_id,
            "--interval",
            "0.1",
            "--no-startup-delay",
            "--no-reload",
        ],
        cwd=BASE_DIR,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _wait_until(condition, *, deadline: float, workers: list[subprocess.Popen], logs: list[Path], what: str) -> None:
    while not condition():
        crashed = [worker for worker in workers if worker.poll() is not None]
        if crashed or time.monotonic() > deadline:
            output = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in logs)
            raise AssertionError(f"gave up waiting for {what} (crashed workers: {len(crashed)})\n{output}")
        time.sleep(0.2)


def _all_tasks_finished() -> bool:
    return not DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).exists()


def _checkout(offer, buyer, key: str) -> SellerOrder:
    result = order_checkout(
        buyer=buyer,
        shipping_address=ADDRESS,
        payment_method=CARD_OK,
        lines=[{"offer_id": offer.pk, "quantity": 1}],
        idempotency_key=key,
    )
    return SellerOrder.objects.get(order=result.order)


def _delivered_long_ago(offer, buyer, key: str, seller_user) -> SellerOrder:
    """A seller order delivered before the hold period, so its escrow is due for release now."""
    with clock.frozen_at(clock.now() - dt.timedelta(days=django_settings.COMPTOIR["RELEASE_HOLD_DAYS"] + 3)):
        seller_order = _checkout(offer, buyer, key)
        seller_order_accept(seller=offer.seller, seller_order_id=seller_order.pk, actor=seller_user)
        seller_order_ship(
            seller=offer.seller,
            seller_order_id=seller_order.pk,
            actor=seller_user,
            carrier="La Poste",
            tracking_number="6A12345678901",
        )
        seller_order_mark_delivered(
            seller_order_id=seller_order.pk, actor=seller_user, actor_role=Actor.SELLER, seller=offer.seller
        )
    return seller_order


@pytest.mark.postgres_only
@pytest.mark.slow
def test_two_real_workers_release_escrow_seal_the_ledger_and_refund_each_task_once(database_task_backend, tmp_path):
    # Given: two seller orders whose hold has elapsed, one cancelled order awaiting its provider refund,
    # and every commit's tasks (ledger seals, the refund) waiting in the database queue.
    offer = make_offer(price_amount=3000, stock=10)
    seller_user = offer.seller.members.get().user
    buyer = make_user()
    due = [_delivered_long_ago(offer, buyer, f"worker-due-{index}", seller_user) for index in range(2)]
    cancelled = _checkout(offer, buyer, "worker-cancel")
    seller_order_cancel(
        seller_order_id=cancelled.pk,
        actor=seller_user,
        actor_role=Actor.SELLER,
        reason="Out of stock in the shop.",
        seller=offer.seller,
    )
    # Two scheduler ticks before any worker is up: both enqueue an escrow release.
    call_command("scheduler", "--once", stdout=io.StringIO())
    call_command("scheduler", "--once", stdout=io.StringIO())

    queued = DBTaskResult.objects.all()
    assert queued.count() >= 5 and all(
        task.status == TaskResultStatus.READY for task in queued
    )  # nothing ran in this process
    assert not LedgerBlockEntry.objects.exists()
    assert Refund.objects.get(seller_order=cancelled).status == "pending"

    # When: two worker processes work the queue until it is empty.
    logs = [tmp_path / f"{worker_id}.log" for worker_id in WORKER_IDS]
    workers = [_start_worker(worker_id, log) for worker_id, log in zip(WORKER_IDS, logs, strict=True)]
    try:
        deadline = time.monotonic() + DEADLINE_SECONDS
        _wait_until(
            lambda: (
                _all_tasks_finished()
                and SellerOrder.objects.filter(pk__in=[so.pk for so in due], is_released=True).count() == 2
            ),
            deadline=deadline,
            workers=workers,
            logs=logs,
            what="the queued tasks",
        )
        # A later scheduler tick seals whatever the releases posted after the last seal had started.
        call_command("scheduler", "--once", stdout=io.StringIO())
        _wait_until(
            lambda: _all_tasks_finished() and LedgerBlockEntry.objects.count() == JournalEntry.objects.count(),
            deadline=deadline,
            workers=workers,
            logs=logs,
            what="the ledger to be sealed",
        )
    finally:
        _stop(workers)

    # Then: every task succeeded, each claimed by exactly one of the two workers and run once.
    results = list(DBTaskResult.objects.order_by("enqueued_at"))
    failures = [
        (task.task_path, task.exception_class_path, task.traceback)
        for task in results
        if task.status != TaskResultStatus.SUCCESSFUL
    ]
    assert failures == []
    for task in results:
        assert len(task.worker_ids) == 1 and task.worker_ids[0] in WORKER_IDS, (task.task_path, task.worker_ids)
    release_runs = [task for task in results if task.task_path == "comptoir.checkout.tasks.release_due_task"]
    assert len(release_runs) == 3  # one per scheduler tick
    assert sum(task.return_value for task in release_runs) == 2  # runs raced; each order was released once
    # And: the effects are in the database.
    for seller_order in due:
        seller_order.refresh_from_db()
        assert (seller_order.status, seller_order.is_released) == ("completed", True)
        assert JournalEntry.objects.filter(kind="release", seller_order_id_ref=seller_order.pk).count() == 1
    refund = Refund.objects.get(seller_order=cancelled)
    assert refund.status == "succeeded" and refund.provider_reference
    assert not JournalEntry.objects.filter(seal__isnull=True).exists()

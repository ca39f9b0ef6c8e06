"""The `database` task backend stores exactly the row django-tasks-db's own backend stores, through a fixed INSERT."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.tasks import task
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult, get_date_max

from comptoir.core.events import deliver_batch_before_commit, publish_on_commit, subscribe_batch, unsubscribe
from comptoir.core.task_backend import enqueued_together

pytestmark = pytest.mark.django_db

COMPARED = ("status", "args_kwargs", "priority", "task_path", "queue_name", "backend_name", "run_after", "worker_ids")


@task(priority=7)
def sample_task(value: int, label: str = "") -> int:
    return value


PATH = "comptoir.core.tests.test_task_backend.sample_task"
RAN: list[str] = []


@task()
def recording_task(name: str, fail: bool = False) -> None:
    RAN.append(name)
    if fail:
        raise RuntimeError(f"{name} failed")


def test_the_shared_row_s_task_is_the_one_the_backend_names():
    from comptoir.core.task_backend import RUN_TOGETHER_PATH
    from comptoir.core.tasks import tasks_run_together

    assert tasks_run_together.module_path == RUN_TOGETHER_PATH


def _enqueue_with(settings, backend: str, **options):
    settings.TASKS = {"default": {"BACKEND": backend, "QUEUES": ["default"]}}
    from django.tasks import task_backends

    assert f"{type(task_backends['default']).__module__}.{type(task_backends['default']).__name__}" == backend
    sample = sample_task.using(**options) if options else sample_task
    result = sample.enqueue(3, label="x")
    return DBTaskResult.objects.get(pk=result.id), result


@pytest.mark.parametrize("options", [{}, {"run_after": dt.datetime(2030, 1, 2, 3, 4, tzinfo=dt.UTC)}])
def test_the_stored_row_is_django_tasks_db_s_own(settings, options):
    ours, ours_result = _enqueue_with(settings, "comptoir.core.task_backend.DatabaseBackend", **options)
    theirs, _theirs_result = _enqueue_with(settings, "django_tasks_db.backend.DatabaseBackend", **options)

    assert {name: getattr(ours, name) for name in COMPARED} == {name: getattr(theirs, name) for name in COMPARED}
    assert ours.enqueued_at is not None and ours.run_after == (options.get("run_after") or get_date_max())
    assert ours_result.status == "READY" and ours_result.args == [3] and ours_result.kwargs == {"label": "x"}


@pytest.mark.parametrize("options", [{}, {"run_after": dt.datetime(2030, 1, 2, 3, 4, tzinfo=dt.UTC)}])
def test_the_returned_result_is_the_one_django_tasks_db_builds_from_the_row(settings, options):
    stored, result = _enqueue_with(settings, "comptoir.core.task_backend.DatabaseBackend", **options)
    expected = result.db_result.task_result  # django-tasks-db's own conversion, from the row in memory

    compared = ("id", "status", "enqueued_at", "started_at", "finished_at", "last_attempted_at", "args", "kwargs")
    assert {name: getattr(result, name) for name in compared} == {name: getattr(expected, name) for name in compared}
    assert (result.backend, result.errors, result.worker_ids) == (expected.backend, expected.errors, [])
    assert result.task == expected.task and result.task.priority == 7
    assert result.id == str(stored.pk)


@dataclass(frozen=True)
class Happened:
    value: int


@pytest.mark.django_db(transaction=True)
def test_the_tasks_of_one_commit_s_batch_subscribers_are_stored_in_one_statement(settings):
    settings.TASKS = {"default": {"BACKEND": "comptoir.core.task_backend.DatabaseBackend", "QUEUES": ["default"]}}

    def first(events):
        sample_task.enqueue(sum(event.value for event in events))

    def second(events):
        sample_task.enqueue(len(events), label="count")

    subscribe_batch(Happened, first)
    subscribe_batch(Happened, second)
    try:
        with CaptureQueriesContext(connection) as captured, transaction.atomic():
            publish_on_commit(Happened(2))
            publish_on_commit(Happened(3))
            assert DBTaskResult.objects.count() == 0  # nothing before the commit
    finally:
        unsubscribe(Happened, first)
        unsubscribe(Happened, second)

    inserts = [query["sql"] for query in captured.captured_queries if query["sql"].startswith("INSERT")]
    assert len(inserts) == 1 and "dbtaskresult" in inserts[0]
    # same priority, queue and start: one row, which runs both in the order they were enqueued
    row = DBTaskResult.objects.get()
    assert (row.task_path, row.priority, row.queue_name, row.run_after) == (
        "comptoir.core.tasks.tasks_run_together",
        7,
        "default",
        get_date_max(),
    )
    assert row.args_kwargs == {
        "args": [],
        "kwargs": {"tasks": [[PATH, [5], {}], [PATH, [2], {"label": "count"}]]},
    }


@pytest.mark.django_db(transaction=True)
def test_tasks_of_another_priority_or_start_keep_a_row_of_their_own(settings):
    settings.TASKS = {"default": {"BACKEND": "comptoir.core.task_backend.DatabaseBackend", "QUEUES": ["default"]}}
    later = dt.datetime(2030, 1, 2, 3, 4, tzinfo=dt.UTC)

    with enqueued_together():
        first = sample_task.enqueue(1)
        second = sample_task.enqueue(2)
        urgent = sample_task.using(priority=9).enqueue(3)
        deferred = sample_task.using(run_after=later).enqueue(4)
        assert DBTaskResult.objects.count() == 0  # stored when the block ends

    rows = {str(row.pk): row for row in DBTaskResult.objects.all()}
    assert len(rows) == 3 and first.id == second.id  # the second rides in the first's row
    assert rows[first.id].args_kwargs["kwargs"]["tasks"] == [[PATH, [1], {}], [PATH, [2], {}]]
    assert (first.args, second.args) == ([1], [2])  # each result keeps its own arguments
    assert (rows[urgent.id].task_path, rows[urgent.id].priority, rows[urgent.id].args_kwargs) == (
        PATH,
        9,
        {"args": [3], "kwargs": {}},
    )
    assert (rows[deferred.id].task_path, rows[deferred.id].run_after) == (PATH, later)


@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_every_task_of_a_shared_row(settings):
    from django_tasks_db.management.commands.db_worker import Worker

    settings.TASKS = {"default": {"BACKEND": "comptoir.core.task_backend.DatabaseBackend", "QUEUES": ["default"]}}
    RAN.clear()
    with enqueued_together():
        recording_task.enqueue("a")
        recording_task.enqueue("b", fail=True)  # a failure does not stop the tasks after it
        recording_task.enqueue("c")
    row = DBTaskResult.objects.get()

    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    ).run_task(row)

    row.refresh_from_db()
    assert RAN == ["a", "b", "c"]
    assert row.status == "FAILED"  # the row shows the failure; running it again runs all three (each idempotent)


@pytest.mark.django_db(transaction=True)
def test_outside_a_batch_a_task_is_stored_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "comptoir.core.task_backend.DatabaseBackend", "QUEUES": ["default"]}}

    result = sample_task.enqueue(1)

    assert DBTaskResult.objects.filter(pk=result.id).exists()


@pytest.mark.django_db(transaction=True)
def test_tasks_delivered_before_the_commit_roll_back_with_the_operation(settings):
    settings.TASKS = {"default": {"BACKEND": "comptoir.core.task_backend.DatabaseBackend", "QUEUES": ["default"]}}

    def enqueue(events):
        sample_task.enqueue(len(events))

    subscribe_batch(Happened, enqueue)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            publish_on_commit(Happened(1))
            assert deliver_batch_before_commit() is True
            assert DBTaskResult.objects.count() == 1  # written inside the transaction
            raise RuntimeError("the operation fails after its last step")
        with transaction.atomic():
            publish_on_commit(Happened(1))
            assert deliver_batch_before_commit() is True
        assert not deliver_batch_before_commit()  # outside a transaction: nothing to deliver early
    finally:
        unsubscribe(Happened, enqueue)

    assert DBTaskResult.objects.count() == 1  # the committed one only, delivered once


@pytest.mark.parametrize(
    "value",
    [
        {"args": [], "kwargs": {"facts": [[1, "event:2"], [3, "event:4"]]}},
        {"args": [(1, 2), None, True, 1.5, "é"], "kwargs": {"nested": {"a": ({"b": b"bytes"},)}}},
        {"args": [], "kwargs": {1: "integer key", "set": frozenset()}},
    ],
)
def test_arguments_are_stored_as_normalize_json_stores_them(value):
    from django_tasks_db.compat import normalize_json

    from comptoir.core.task_backend import _json_ready

    try:
        expected = normalize_json(value)
    except TypeError as error:
        with pytest.raises(TypeError, match=str(error)):
            _json_ready(value)
    else:
        assert _json_ready(value) == expected
        assert type(_json_ready(value)["args"]) is list


def test_the_task_row_is_built_as_the_keyword_constructor_builds_it():
    from comptoir.core.db import new_instance

    values = {
        "id": "5b0c6b0e-8f6b-4d55-9a4e-4f0f3d2a1c11",
        "args_kwargs": {"args": [1], "kwargs": {}},
        "priority": 3,
        "task_path": "a.b",
        "queue_name": "default",
        "run_after": get_date_max(),
        "backend_name": "default",
    }
    ours, theirs = new_instance(DBTaskResult, values), DBTaskResult(**values)
    fields = [field.attname for field in DBTaskResult._meta.concrete_fields]
    assert {name: getattr(ours, name) for name in fields} == {name: getattr(theirs, name) for name in fields}
    assert ours.worker_ids == [] and ours.worker_ids is not new_instance(DBTaskResult, values).worker_ids
    assert ours._state.adding and ours._state.db is None


def test_new_instance_refuses_unknown_names_as_the_constructor_does():
    from comptoir.core.db import new_instance

    with pytest.raises(TypeError, match="unexpected"):
        new_instance(DBTaskResult, {"task_path": "a.b", "no_such_column": 1})


@pytest.mark.django_db(transaction=True)
def test_a_task_is_validated_by_its_fields_and_an_invalid_one_refused_every_time(settings):
    from django.tasks import task_backends
    from django.tasks.exceptions import InvalidTask

    settings.TASKS = {"default": {"BACKEND": "comptoir.core.task_backend.DatabaseBackend", "QUEUES": ["default"]}}
    settings.USE_TZ = False
    naive = sample_task.using(run_after=dt.datetime(2030, 1, 2, 3, 4))  # valid without time zones
    task_backends["default"]._validate_once(naive)

    settings.USE_TZ = True  # the same task is now refused, at every attempt
    for _attempt in range(2):
        with pytest.raises(InvalidTask):
            naive.enqueue(1)
    sample_task.enqueue(2)
    sample_task.enqueue(3)

    assert sorted(row.args_kwargs["args"] for row in DBTaskResult.objects.all()) == [[2], [3]]

"""The `database` task backend stores exactly the row django-tasks-db's own backend stores, through a fixed INSERT."""

import datetime as dt

import pytest
from django.tasks import task
from django_tasks_db.models import DBTaskResult, get_date_max

pytestmark = pytest.mark.django_db

COMPARED = ("status", "args_kwargs", "priority", "task_path", "queue_name", "backend_name", "run_after", "worker_ids")


@task(priority=7)
def sample_task(value: int, label: str = "") -> int:
    return value


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

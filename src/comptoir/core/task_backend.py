"""The `database` task backend: django-tasks-db's, with the enqueue's INSERT built once per process.

A checkout enqueues one task (the trust evidence of its seller orders); django-tasks-db writes the row with
`DBTaskResult.objects.create`, whose compilation cost the request more CPU than the statement costs to run. This
backend stores the same row (same columns and values, the model's own defaults and `pre_save`) through
`core.db.insert_returning` (which sends no signals: the one pre_save receiver django-tasks-db has, which stores
"no run_after" as its far-future date, is applied here); everything else — workers, results, signals — is
django-tasks-db's."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from typing import Any

from django.db import connections, router
from django.tasks import TaskResultStatus
from django.tasks.signals import task_enqueued
from django_tasks_db.backend import DatabaseBackend as _DatabaseBackend
from django_tasks_db.backend import TaskResult
from django_tasks_db.compat import normalize_json
from django_tasks_db.utils import normalize_uuid

from comptoir.core.db import insert_returning, new_instance

logger = logging.getLogger(__name__)
_together = threading.local()


@contextlib.contextmanager
def enqueued_together() -> Iterator[None]:
    """Tasks enqueued through this backend inside the block are stored together when it ends: one multi-row INSERT
    (one statement, one commit in autocommit mode) instead of one each. The event bus delivers a transaction's batch
    subscribers inside this block, so a checkout's trust-evidence and notification tasks cost one INSERT. A task is
    visible to workers only once stored, i.e. at the end of the block; nested blocks store at the outermost end. A
    failure to store is logged with its traceback (the block runs after the publisher's commit, which stands)."""
    if getattr(_together, "rows", None) is not None:
        yield
        return
    _together.rows = []
    try:
        yield
    finally:
        rows, _together.rows = _together.rows, None
        if rows:
            try:
                insert_returning(rows)
            except Exception:
                if connections[router.db_for_write(type(rows[0]))].in_atomic_block:
                    raise  # stored with an operation (`events.deliver_batch_before_commit`): it fails with them
                logger.exception("Could not store %d task(s) enqueued together", len(rows))


def tasks_stored_in(alias: str) -> bool:
    """Whether the default task backend stores tasks in the database `alias` (this module's backend): then a task
    enqueued inside a transaction on `alias` is written, and visible to workers, only if that transaction commits."""
    from django.tasks import task_backends
    from django_tasks_db.models import DBTaskResult

    return isinstance(task_backends["default"], DatabaseBackend) and router.db_for_write(DBTaskResult) == alias


class DatabaseBackend(_DatabaseBackend):
    def enqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        """django-tasks-db's enqueue, with its TaskResult built once from the task in hand: its own builds it twice
        (for the signal, then to return it), each time importing the task by path and copying it through
        `Task.using`, which validates it again — a third of a checkout's enqueue cost. The result is the one
        `DBTaskResult.task_result` gives (tested)."""
        self.validate_task(task)
        db_result = self._task_to_db_task(task, args, kwargs)
        result: Any = TaskResult(
            db_result=db_result,
            task=task if task.backend == self.alias else task.using(backend=self.alias),
            id=normalize_uuid(db_result.id),
            status=TaskResultStatus[db_result.status],
            enqueued_at=db_result.enqueued_at,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=db_result.args_kwargs["args"],
            kwargs=db_result.args_kwargs["kwargs"],
            backend=self.alias,
            errors=[],
            worker_ids=db_result.worker_ids,
        )
        task_enqueued.send(type(self), task_result=result)
        return result

    def _task_to_db_task(self, task: Any, args: Any, kwargs: Any) -> Any:
        from django_tasks_db.models import DBTaskResult, get_date_max

        # The positional constructor (core.db.new_instance): the keyword one cost a third of building the row.
        result: Any = new_instance(
            DBTaskResult,
            {
                "id": self._get_id(),
                "args_kwargs": _json_ready({"args": args, "kwargs": kwargs}),
                "priority": task.priority,
                "task_path": task.module_path,
                "queue_name": task.queue_name,
                "run_after": get_date_max() if task.run_after is None else task.run_after,
                "backend_name": self.alias,
            },
        )
        pending = getattr(_together, "rows", None)
        if pending is not None:
            pending.append(result)
            return result
        insert_returning([result])
        return result


def _json_ready(value: Any) -> Any:
    """`normalize_json(value)` (what django-tasks stores of a task's arguments), walking the plain JSON types by their
    exact type (a list, dict, str, int, … is returned as normalize_json returns it, without its abstract-class
    checks); anything else goes through normalize_json itself, which converts it or refuses it."""
    kind = type(value)
    if kind is str or kind is int or value is None or kind is bool or kind is float:
        return value
    if kind is list or kind is tuple:
        return [_json_ready(item) for item in value]
    if kind is dict:
        return {_json_ready(key): _json_ready(item) for key, item in value.items()}
    return normalize_json(value)

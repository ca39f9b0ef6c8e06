"""The `database` task backend: django-tasks-db's, with the enqueue's INSERT built once per process.

A checkout enqueues one task (the trust evidence of its seller orders); django-tasks-db writes the row with
`DBTaskResult.objects.create`, whose compilation cost the request more CPU than the statement costs to run. This
backend stores the same row (same columns and values, the model's own defaults and `pre_save`) through
`core.db.insert_returning` (which sends no signals: the one pre_save receiver django-tasks-db has, which stores
"no run_after" as its far-future date, is applied here); everything else — workers, results, signals — is
django-tasks-db's.

Inside `enqueued_together` (a transaction's batch subscribers: a checkout's trust evidence, notifications, webhooks
and distance-sales count), the tasks of the same priority, queue and start time share one row, of
`core.tasks.tasks_run_together`, which runs each in turn: one row to build and store instead of one per task."""

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
# The task that runs several tasks stored in one row (core/tasks.py; named here, not imported: that module's `@task`
# instantiates this backend).
RUN_TOGETHER_PATH = "comptoir.core.tasks.tasks_run_together"


@contextlib.contextmanager
def enqueued_together() -> Iterator[None]:
    """Tasks enqueued through this backend inside the block are stored together when it ends: one multi-row INSERT
    (one statement, one commit in autocommit mode) instead of one each. The event bus delivers a transaction's batch
    subscribers inside this block, so a checkout's trust-evidence and notification tasks cost one INSERT. Tasks of
    the same priority, queue and start time (`run_after`) share one row, of `core.tasks.tasks_run_together`, which
    runs each in the order enqueued (a task that takes a context keeps a row of its own); the result `enqueue`
    returns for each is that row's. A task is visible to workers only once stored, i.e. at the end of the block;
    nested blocks store at the outermost end. A failure to store is logged with its traceback (the block runs after
    the publisher's commit, which stands)."""
    if getattr(_together, "rows", None) is not None:
        yield
        return
    _together.rows, _together.shared = [], {}
    try:
        yield
    finally:
        rows, shared = _together.rows, _together.shared
        _together.rows = _together.shared = None
        for row, carried in shared.values():
            if len(carried) > 1:
                row.task_path = RUN_TOGETHER_PATH
                row.args_kwargs = {"args": [], "kwargs": {"tasks": carried}}
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
    def __init__(self, alias: str, params: dict) -> None:
        super().__init__(alias, params)
        self._validated: set = set()

    def enqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        """django-tasks-db's enqueue, with its TaskResult built once from the task in hand: its own builds it twice
        (for the signal, then to return it), each time importing the task by path and copying it through
        `Task.using`, which validates it again — a third of a checkout's enqueue cost. The result is the one
        `DBTaskResult.task_result` gives (tested)."""
        self._validate_once(task)
        db_result, args_kwargs = self._row_for(task, args, kwargs)
        result: Any = TaskResult(
            db_result=db_result,
            task=task if task.backend == self.alias else task.using(backend=self.alias),
            id=normalize_uuid(db_result.id),
            status=TaskResultStatus[db_result.status],
            enqueued_at=db_result.enqueued_at,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args_kwargs["args"],
            kwargs=args_kwargs["kwargs"],
            backend=self.alias,
            errors=[],
            worker_ids=db_result.worker_ids,
        )
        task_enqueued.send(type(self), task_result=result)
        return result

    def _validate_once(self, task: Any) -> None:
        """`validate_task(task)`, once per task of this backend with the same settings: a checkout enqueues the same
        four module-level tasks every time, and validating one (its function's signature, its priority, …) cost as
        much as building its row. A task is a frozen dataclass, so an equal task is valid alike; `USE_TZ` is part
        of the key (a naive `run_after` is valid only without it)."""
        from django.conf import settings

        key = (task, settings.USE_TZ)
        if key in self._validated:
            return
        self.validate_task(task)
        if len(self._validated) > 1024:  # a bound, should tasks be built per call (`using(run_after=…)`)
            self._validated.clear()
        self._validated.add(key)

    def _task_to_db_task(self, task: Any, args: Any, kwargs: Any) -> Any:
        return self._row_for(task, args, kwargs)[0]

    def _row_for(self, task: Any, args: Any, kwargs: Any) -> tuple[Any, dict]:
        """The row that stores the task (stored now, or at the end of `enqueued_together`) and its arguments as
        stored."""
        from django_tasks_db.models import DBTaskResult, get_date_max

        args_kwargs = _json_ready({"args": args, "kwargs": kwargs})
        run_after = get_date_max() if task.run_after is None else task.run_after
        pending = getattr(_together, "rows", None)
        shared_key = (self.alias, task.priority, task.queue_name, run_after)
        if pending is not None and not task.takes_context:
            # Enqueued together: the task rides in the row of the first task of the same priority, queue and start,
            # which becomes a `tasks_run_together` row if another joins it (at the end of the block). The result
            # returned for a task riding in another's row is that row's (its id and its status).
            shared = _together.shared.get(shared_key)
            if shared is not None:
                shared[1].append([task.module_path, args_kwargs["args"], args_kwargs["kwargs"]])
                return shared[0], args_kwargs
        # The positional constructor (core.db.new_instance): the keyword one cost a third of building the row.
        result: Any = new_instance(
            DBTaskResult,
            {
                "id": self._get_id(),
                "args_kwargs": args_kwargs,
                "priority": task.priority,
                "task_path": task.module_path,
                "queue_name": task.queue_name,
                "run_after": run_after,
                "backend_name": self.alias,
            },
        )
        if pending is not None:
            if not task.takes_context:
                carried = [[task.module_path, args_kwargs["args"], args_kwargs["kwargs"]]]
                _together.shared[shared_key] = (result, carried)
            pending.append(result)
            return result, args_kwargs
        insert_returning([result])
        return result, args_kwargs


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

"""The `database` task backend: django-tasks-db's, with the enqueue's INSERT built once per process.

A checkout enqueues one task (the trust evidence of its seller orders); django-tasks-db writes the row with
`DBTaskResult.objects.create`, whose compilation cost the request more CPU than the statement costs to run. This
backend stores the same row (same columns and values, the model's own defaults and `pre_save`) through
`core.db.insert_returning` (which sends no signals: the one pre_save receiver django-tasks-db has, which stores
"no run_after" as its far-future date, is applied here); everything else — workers, results, signals — is
django-tasks-db's."""

from __future__ import annotations

from typing import Any

from django_tasks_db.backend import DatabaseBackend as _DatabaseBackend
from django_tasks_db.compat import normalize_json

from comptoir.core.db import insert_returning


class DatabaseBackend(_DatabaseBackend):
    def _task_to_db_task(self, task: Any, args: Any, kwargs: Any) -> Any:
        from django_tasks_db.models import DBTaskResult, get_date_max

        (result,) = insert_returning(
            [
                DBTaskResult(
                    id=self._get_id(),
                    args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
                    priority=task.priority,
                    task_path=task.module_path,
                    queue_name=task.queue_name,
                    run_after=get_date_max() if task.run_after is None else task.run_after,
                    backend_name=self.alias,
                )
            ]
        )
        return result

"""Core's one task: several tasks' work stored in one row (see `core.task_backend.enqueued_together`)."""

from __future__ import annotations

import logging

from django.tasks import task
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@task()
def tasks_run_together(tasks: list[list]) -> int:
    """Run each `[task_path, args, kwargs]` of `tasks` in order, as a worker runs a task of its own row (the tasks of
    one transaction's batch subscribers, stored as one row). Every task runs even when an earlier one fails; a
    failure is logged with its traceback and the first one is raised at the end, so the row is marked failed. Running
    the row again runs every task again: each is idempotent (docs/ARCHITECTURE.md). Returns how many tasks ran."""
    failures: list[Exception] = []
    for task_path, args, kwargs in tasks:
        try:
            import_string(task_path).call(*args, **kwargs)
        except Exception as error:  # the others still run; the row fails with the first failure below
            logger.exception("Task %s, run with others in one row, failed", task_path)
            failures.append(error)
    if failures:
        raise failures[0]
    return len(tasks)

"""Feed generation in the background: one feed after a change, every due feed from the scheduler."""

from __future__ import annotations

from django.tasks import task

from comptoir.feeds import services


@task()
def feed_generate_task(feed_id: int) -> None:
    services.feed_generate(feed_id=feed_id)


@task()
def feeds_refresh_task() -> int:
    """Every active feed older than the refresh period (6 h by default) is written again, each by its own task (so
    workers share them and one failing feed does not hold the others). Returns how many were enqueued."""
    due = services.feeds_due_ids()
    for feed_id in due:
        feed_generate_task.enqueue(feed_id)
    return len(due)

"""Feed generation in the background: one feed after a change, every due feed from the scheduler."""

from __future__ import annotations

from django.tasks import task

from comptoir.feeds import services


@task()
def feed_generate_task(feed_id: int) -> None:
    services.feed_generate(feed_id=feed_id)


@task()
def feeds_refresh_task() -> None:
    """Every active feed older than the refresh period (6 h by default) is written again."""
    services.feeds_generate_due()

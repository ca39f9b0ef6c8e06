"""Background work of shop imports: the commit of a dry-run job (its progress goes to `connectors.progress`)."""

from __future__ import annotations

import functools
import logging

from django.tasks import task
from django.utils.translation import gettext_noop

from comptoir.connectors.models import ImportJob
from comptoir.connectors.progress import progress_set
from comptoir.core.exceptions import ApplicationError

logger = logging.getLogger(__name__)


@task()
def import_commit_task(job_id: int, actor_id: int | None = None) -> str:
    """Commit the job (idempotent: a committed job is left as it is). A job that fails is marked `failed` with the
    reason; nothing of it was written (the commit is one transaction)."""
    from comptoir.accounts.models import User
    from comptoir.connectors.services import import_job_commit

    job = ImportJob.objects.select_related("seller").filter(pk=job_id).first()
    if job is None:
        return "missing"
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        job = import_job_commit(
            seller=job.seller, actor=actor, job_id=job.pk, progress=functools.partial(progress_set, job.pk)
        )
    except ApplicationError as error:
        ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.COMMITTING).update(
            status=ImportJob.Status.FAILED, failure=error.message
        )
        return "failed"
    except Exception:
        logger.exception("Import %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED,
            failure=gettext_noop("An unexpected error stopped the import; nothing was written."),
        )
        raise
    return job.status


@task()
def imported_pictures_fetch_task(picture_ids: list[int]) -> dict[str, int]:
    """Fetch the pictures of an import (queued after its commit, a batch per task). Safe to run again: each picture
    is fetched once (`connectors.pictures`)."""
    from comptoir.connectors.pictures import imported_picture_fetch

    outcomes: dict[str, int] = {}
    for picture_id in picture_ids:
        status = imported_picture_fetch(picture_id=picture_id)
        outcomes[status] = outcomes.get(status, 0) + 1
    return outcomes


@task()
def imported_pictures_retries_due_task(limit: int = 500) -> int:
    """Run by the scheduler every tick: queue the picture retries that are due (`connectors.pictures`)."""
    from comptoir.connectors.pictures import imported_pictures_retry_due

    return imported_pictures_retry_due(limit=limit)

"""Pictures of imports: each address an import gave (`ImportedPicture`, recorded by the writer) is fetched by a
worker, within size and time limits and through the SSRF guard (`core.outbound`), then checked, normalised, stored and
resized by the catalog's picture pipeline (`catalog.services.product_image_import`). A re-import finds the address
already recorded and fetches nothing.

A host that fails for a while (a timeout, a 5xx answer, no connection) is asked again after an exponential backoff
(`PICTURE_RETRY_BASE_SECONDS` × 2^(n−1), `PICTURE_MAX_ATTEMPTS` in all): the retry is a task deferred with
`run_after` on a backend that can defer, and the scheduler's sweep (`imported_pictures_retry_due`) enqueues every
retry that is due (the only way on the in-process backend, and after a worker died mid-fetch). A failure that cannot
pass later (an address refused, a 404, too large, not a picture the catalog accepts) is final at once. Each attempt is
claimed by its number with a guarded UPDATE first, so a task run twice fetches once. The seller retries the failed
pictures of an import by hand (`imported_pictures_retry`)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

from django.db import transaction

from comptoir.catalog.services import product_image_import
from comptoir.connectors import errors
from comptoir.connectors.conf import imports_settings
from comptoir.connectors.domain.retries import retry_delay_seconds
from comptoir.connectors.models import ImportedPicture, ImportJob
from comptoir.core import clock
from comptoir.core.exceptions import ApplicationError, NotFound
from comptoir.core.outbound import FetchFailed, fetch
from comptoir.core.services import audit_record

USER_AGENT = "Comptoir-Imports/1"
PICTURES_PER_TASK = 50


def imported_picture_fetch(*, picture_id: int) -> str:
    """Make the next attempt at one recorded picture and add it to its product; returns its status. Idempotent: a
    picture fetched or failed, or whose next attempt is not due yet or already running, is left as it is (its status
    returned). Never raises for the picture's own trouble: the row says why it failed, or when it is tried again."""
    picture = ImportedPicture.objects.select_related("seller", "product").filter(pk=picture_id).first()
    if picture is None:
        return "missing"
    if picture.status != ImportedPicture.Status.PENDING:
        return picture.status
    limits = imports_settings()
    now = clock.now()
    if picture.next_attempt_at is not None and picture.next_attempt_at > now:
        return picture.status  # a retry not due yet, or an attempt another worker holds
    number = picture.attempts + 1
    # The claim: this attempt's number and a lease (the whole download, plus the pipeline's time).
    lease = now + dt.timedelta(seconds=2 * limits.picture_timeout_seconds + 60)
    claimed = ImportedPicture.objects.filter(
        pk=picture.pk, status=ImportedPicture.Status.PENDING, attempts=picture.attempts
    ).update(attempts=number, next_attempt_at=lease)
    if claimed != 1:
        return ImportedPicture.Status.PENDING
    try:
        fetched = fetch(
            picture.url,
            max_bytes=limits.picture_max_bytes,
            timeout=limits.picture_timeout_seconds,
            allow_private=limits.allow_private_addresses,
            max_redirects=limits.picture_max_redirects,
            user_agent=USER_AGENT,
        )
        outcome = product_image_import(
            product_id=picture.product_id,
            seller=picture.seller,
            actor=None,
            content=fetched.content,
            alt_text=picture.product.title,
            source_url=picture.url,
        )
    except FetchFailed as error:
        if error.is_permanent or number >= limits.picture_max_attempts:
            return _failed(picture, number, str(error))
        return _retry_later(picture, number, str(error))
    except ApplicationError as error:
        return _failed(picture, number, error.message)
    ImportedPicture.objects.filter(pk=picture.pk, attempts=number).update(
        status=ImportedPicture.Status.FETCHED,
        image=outcome.image,
        fetched_at=clock.now(),
        next_attempt_at=None,
        failure="",
    )
    return ImportedPicture.Status.FETCHED


def _failed(picture: ImportedPicture, number: int, reason: str) -> str:
    ImportedPicture.objects.filter(pk=picture.pk, status=ImportedPicture.Status.PENDING, attempts=number).update(
        status=ImportedPicture.Status.FAILED, failure=reason[:300], next_attempt_at=None
    )
    return ImportedPicture.Status.FAILED


def _retry_later(picture: ImportedPicture, number: int, reason: str) -> str:
    limits = imports_settings()
    delay = retry_delay_seconds(
        attempt=number, base_seconds=limits.picture_retry_base_seconds, max_seconds=limits.picture_retry_max_seconds
    )
    due = clock.now() + dt.timedelta(seconds=delay)
    with transaction.atomic():
        ImportedPicture.objects.filter(pk=picture.pk, status=ImportedPicture.Status.PENDING, attempts=number).update(
            failure=reason[:300], next_attempt_at=due
        )
        transaction.on_commit(functools.partial(imported_pictures_enqueue, [picture.pk], run_after=due))
    return ImportedPicture.Status.PENDING


def imported_pictures_enqueue(picture_ids: Sequence[int], run_after: dt.datetime | None = None) -> None:
    """Queue the fetch of these pictures, `PICTURES_PER_TASK` a task; deferred to `run_after` when the task backend
    can defer (otherwise nothing is queued: the scheduler's sweep does it when due)."""
    from comptoir.connectors.tasks import imported_pictures_fetch_task

    task = imported_pictures_fetch_task
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return
        task = task.using(run_after=run_after)
    for start in range(0, len(picture_ids), PICTURES_PER_TASK):
        task.enqueue(picture_ids=list(picture_ids[start : start + PICTURES_PER_TASK]))


def imported_pictures_retry_due(*, limit: int = 500) -> int:
    """The scheduler's sweep: queue every pending picture whose retry (or lapsed lease) is due. Returns how many."""
    due = list(
        ImportedPicture.objects.filter(status=ImportedPicture.Status.PENDING, next_attempt_at__lte=clock.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    imported_pictures_enqueue(due)
    return len(due)


def imported_pictures_retry(*, seller, actor, job_id: int) -> int:
    """The seller's "retry": the import's failed pictures are tried again from their first attempt (a host that
    came back, a picture replaced at the same address). Returns how many were queued; idempotent (a second click
    finds none failed). Raises NotFound for another seller's import."""
    with transaction.atomic():
        job = ImportJob.objects.filter(pk=job_id, seller=seller).first()
        if job is None:
            raise NotFound("No such import.", code=errors.IMPORT_NOT_FOUND)
        ids = list(
            ImportedPicture.objects.select_for_update()
            .filter(job=job, status=ImportedPicture.Status.FAILED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        ImportedPicture.objects.filter(pk__in=ids, status=ImportedPicture.Status.FAILED).update(
            status=ImportedPicture.Status.PENDING, attempts=0, next_attempt_at=None, failure=""
        )
        audit_record(
            actor=actor,
            action="catalog_import.pictures_retried",
            target=job,
            seller_id=seller.pk,
            data={"count": len(ids)},
        )
        transaction.on_commit(functools.partial(imported_pictures_enqueue, ids))
    return len(ids)

"""Optional `Idempotency-Key` on unsafe writes, so that a retried action never applies twice.

The first request with a key for an actor claims it (committed at once), runs the service and stores
the response; a retry with the same key, path and body gets that stored response with
`Idempotent-Replayed: true`; the same key on another request is refused (422). When the service
refuses the request (an ApplicationError: nothing was written, services are atomic) the claim is
released, so the client may fix the request or retry later with the same key.

The claim is committed before the service runs because most services open a durable transaction
and cannot be nested in ours. A process killed between the service's commit and the storing of the
response leaves the claim "in progress": retries then get 409 instead of a second application,
which is the safe side."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from ninja.responses import Status

from comptoir.api.errors import json_response
from comptoir.core.idempotency import idempotency_claim, idempotency_store_response, request_fingerprint, validate_key
from comptoir.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"


def replay_response(*, status: int, body) -> HttpResponse:
    return json_response(body, status=status, headers={REPLAYED_HEADER: "true"})


def run_idempotent(
    request: HttpRequest, *, actor_key: str, scope: str, payload, action: Callable[[], tuple[int, object]]
) -> Status | HttpResponse:
    """Run `action` (returning (status, JSON-ready body)) at most once per (actor, Idempotency-Key)."""
    key = validate_key(request.headers.get(HEADER), required=False)
    if key is None:
        status, body = action()
        return Status(status, body)
    fingerprint = request_fingerprint({"method": request.method, "path": request.path, "body": payload})
    record, created = idempotency_claim(actor_key=actor_key, key=key, scope=scope[:80], fingerprint=fingerprint)
    if not created:
        # Without resume_after_seconds an unfinished earlier request raised Conflict: this one has its response.
        assert record.response_status is not None
        return replay_response(status=record.response_status, body=record.response_body)
    try:
        status, body = action()
    except BaseException:
        IdempotencyRecord.objects.filter(pk=record.pk, response_status__isnull=True).delete()
        raise
    idempotency_store_response(record=record, status=status, body=body)
    return Status(status, body)

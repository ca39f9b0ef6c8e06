"""Idempotency keys for externally triggered writes (Stripe's model, Zulip's IdempotentRequest).

A client sends `Idempotency-Key`; the first request with that key for that actor runs and its
response is stored; a retry with the same key and the same body gets the stored response; the same
key with a different body is refused (422) so that a bug in a client never silently does the wrong thing.
"""

from __future__ import annotations

import datetime
import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone

from comptoir.core.exceptions import Conflict, ValidationError
from comptoir.core.models import IdempotencyRecord

MAX_KEY_LENGTH = 200


def request_fingerprint(payload) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def validate_key(key: str | None, *, required: bool) -> str | None:
    if key is None or key == "":
        if required:
            raise ValidationError("An Idempotency-Key header is required for this request.", code="idempotency_key_required", fields={"Idempotency-Key": "Required."})
        return None
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationError("Invalid Idempotency-Key.", code="invalid_idempotency_key", fields={"Idempotency-Key": f"At most {MAX_KEY_LENGTH} printable characters."})
    return key


def idempotency_claim(*, actor_key: str, key: str, scope: str, fingerprint: str, resume_after_seconds: int | None = None) -> tuple[IdempotencyRecord, bool]:
    """Claim (actor_key, key) inside the caller's transaction.

    Returns (record, created). When created is False the record belongs to an earlier request: the
    caller returns its stored response. Raises ValidationError when the key was used for another
    request, Conflict when that earlier request has not finished yet.

    With `resume_after_seconds`, an earlier request that never stored its response and is older than
    that (its process died mid-way) is handed back with `response_status` None, so that the caller can
    finish it from the state it left (the caller's own steps must be idempotent)."""
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(actor_key=actor_key, key=key, scope=scope, request_fingerprint=fingerprint), True
    except IntegrityError:
        pass
    record = IdempotencyRecord.objects.get(actor_key=actor_key, key=key)
    if record.scope != scope or record.request_fingerprint != fingerprint:
        raise ValidationError(
            "This Idempotency-Key was already used for a different request.",
            code="idempotency_key_reused",
            fields={"Idempotency-Key": "Use a new key for a new request."},
        )
    if record.response_status is None:
        if resume_after_seconds is not None and record.created_at <= timezone.now() - datetime.timedelta(seconds=resume_after_seconds):
            return record, False
        raise Conflict("A request with this Idempotency-Key is still being processed; retry shortly.", code="idempotency_in_progress")
    return record, False


def idempotency_store_response(*, record: IdempotencyRecord, status: int, body) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk).update(response_status=status, response_body=body)

"""Idempotency keys for externally triggered writes (Stripe's model, Zulip's IdempotentRequest).

A client sends `Idempotency-Key`; the first request with that key for that actor runs and its
response is stored; a retry with the same key and the same body gets the stored response; the same
key with a different body is refused (422) so that a bug in a client never silently does the wrong thing.
"""

from __future__ import annotations

import datetime
import hashlib
import json

from django.db import connection
from django.utils import timezone

from comptoir.core import errors
from comptoir.core.conf import core_settings
from comptoir.core.db import fixed_cursor, update_rows, update_rows_carried
from comptoir.core.exceptions import Conflict, ValidationError
from comptoir.core.models import IdempotencyRecord

MAX_KEY_LENGTH = 200


def request_fingerprint(payload) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def validate_key(key: str | None, *, required: bool) -> str | None:
    if key is None or key == "":
        if required:
            raise ValidationError(
                "An Idempotency-Key header is required for this request.",
                code=errors.IDEMPOTENCY_KEY_REQUIRED,
                fields={"Idempotency-Key": "Required."},
            )
        return None
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationError(
            "Invalid Idempotency-Key.",
            code=errors.INVALID_IDEMPOTENCY_KEY,
            fields={"Idempotency-Key": f"At most {MAX_KEY_LENGTH} printable characters."},
        )
    return key


def idempotency_claim(
    *, actor_key: str, key: str, scope: str, fingerprint: str, resume_after_seconds: int | None = None
) -> tuple[IdempotencyRecord, bool]:
    """Claim (actor_key, key) inside the caller's transaction.

    Returns (record, created). When created is False the record belongs to an earlier request: the
    caller returns its stored response. Raises ValidationError when the key was used for another
    request, Conflict when that earlier request has not finished yet.

    With `resume_after_seconds`, an earlier request that never stored its response and is older than
    that (its process died mid-way) is handed back with `response_status` None, so that the caller can
    finish it from the state it left (the caller's own steps must be idempotent)."""
    record = _insert_unless_exists(actor_key=actor_key, key=key, scope=scope, fingerprint=fingerprint)
    if record is not None:
        return record, True
    record = IdempotencyRecord.objects.get(actor_key=actor_key, key=key)
    if record.scope != scope or record.request_fingerprint != fingerprint:
        raise ValidationError(
            "This Idempotency-Key was already used for a different request.",
            code=errors.IDEMPOTENCY_KEY_REUSED,
            fields={"Idempotency-Key": "Use a new key for a new request."},
        )
    if record.response_status is None:
        if resume_after_seconds is not None and record.created_at <= timezone.now() - datetime.timedelta(
            seconds=resume_after_seconds
        ):
            return record, False
        raise Conflict(
            "A request with this Idempotency-Key is still being processed; retry shortly.",
            code=errors.IDEMPOTENCY_IN_PROGRESS,
        )
    return record, False


def _insert_unless_exists(*, actor_key: str, key: str, scope: str, fingerprint: str) -> IdempotencyRecord | None:
    """One `INSERT … ON CONFLICT DO NOTHING RETURNING id` (PostgreSQL and SQLite ≥ 3.35 both have it): the new
    record, or None when (actor_key, key) already exists. On PostgreSQL a concurrent claim of the same key waits
    on the unique index until the first transaction ends, then sees the conflict; no savepoint is needed because
    nothing fails inside the caller's transaction."""
    table = IdempotencyRecord._meta.db_table
    now = timezone.now()
    created_at = now if core_settings().use_time_zone else timezone.make_naive(now)
    with fixed_cursor(connection) as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" ("actor_key", "key", "scope", "request_fingerprint", "created_at") VALUES (%s, %s, '
            "%s, %s, %s) "
            'ON CONFLICT ("actor_key", "key") DO NOTHING RETURNING "id"',
            [actor_key, key, scope, fingerprint, connection.ops.adapt_datetimefield_value(created_at)],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return IdempotencyRecord(
        pk=row[0], actor_key=actor_key, key=key, scope=scope, request_fingerprint=fingerprint, created_at=now
    )


def idempotency_store_response(*, record: IdempotencyRecord, status: int, body, carried: bool = False) -> None:
    """Store the response of the request that claimed `record`, in the caller's transaction. `carried`: inside a
    `core.db.writes_carried` block, let the block's next INSERT carry the UPDATE (one statement fewer on PostgreSQL)."""
    values = {"response_status": status, "response_body": body}
    if carried:
        update_rows_carried(IdempotencyRecord, [record.pk], values)
    else:
        update_rows(IdempotencyRecord, [record.pk], values)
    record.response_status, record.response_body = status, body

"""Outbound webhooks: endpoints (a seller's only), deliveries made from committed facts, attempts, replays.

Delivery works as an outbox: a fact (a seller order placed, an offer out of stock, a payout…) becomes one
`WebhookDelivery` row per subscribed endpoint, with its JSON body frozen, in one transaction; the first attempt is a
task enqueued when that transaction commits. An attempt first claims its number with a guarded UPDATE (so a task
run twice, or a retry enqueued both by the worker and by the scheduler's sweep, sends once), posts outside any
transaction, then records a `WebhookAttempt` and the next step: done, a retry after an exponential backoff
(`retry_base_seconds` × 2^(n−1), at most `max_attempts` attempts), or failed. Retries are tasks deferred with
`run_after` on a backend that supports it (the database backend); the scheduler's sweep
(`webhook_retries_enqueue_due`) also enqueues every retry that is due, which is how retries happen on a backend that
cannot defer (the in-process `immediate` one) and after a worker died mid-attempt."""

from __future__ import annotations

import datetime as dt
import functools
import json
import secrets
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F

from comptoir.core import clock
from comptoir.core.crypto import decrypt_text, encrypt_text
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.core.services import audit_record
from comptoir.core.task_backend import enqueued_together
from comptoir.webhooks import errors, payloads
from comptoir.webhooks.conf import webhooks_settings
from comptoir.webhooks.domain.signing import SIGNATURE_HEADER, retry_delay_seconds, signature_header
from comptoir.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEventType,
)
from comptoir.webhooks.transport import AddressRefused, PostResult, post_json, resolve_checked

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.sellers.models import Seller

SECRET_PREFIX = "whsec_"
ORDER_EVENT_TYPES = {
    WebhookEventType.ORDER_CREATED.value,
    WebhookEventType.ORDER_CANCELLED.value,
    WebhookEventType.ORDER_SHIPPED.value,
}


@dataclass(frozen=True)
class WebhookFact:
    """A committed fact some endpoints may want: `object_id` is the seller order, offer or payout it is about."""

    event_type: str
    seller_id: int
    source_key: str
    object_id: int
    at: dt.datetime

    def as_task_argument(self) -> list:
        return [self.event_type, self.seller_id, self.source_key, self.object_id, self.at.isoformat()]

    @classmethod
    def from_task_argument(cls, value: Sequence) -> WebhookFact:
        event_type, seller_id, source_key, object_id, at = value
        return cls(event_type, int(seller_id), source_key, int(object_id), dt.datetime.fromisoformat(at))


# --- Endpoints ---------------------------------------------------------------------------------------------------


def webhook_url_check(url: Any) -> str:
    """The URL, stripped, if webhooks may be sent to it; ValidationError (field `url`) otherwise: not http(s), http
    where HTTPS is required, credentials in it, longer than 500 characters, a host that does not resolve or resolves
    to a private, loopback, link-local or reserved address (unless the deployment allows private addresses)."""
    settings = webhooks_settings()

    def refuse(message: str, code: str = errors.ENDPOINT_URL_REFUSED) -> ValidationError:
        return ValidationError(message, code=code, fields={"url": message})

    if not isinstance(url, str) or not url.strip() or len(url.strip()) > 500:
        raise refuse("A URL of at most 500 characters is required.", errors.INVALID_ENDPOINT)
    url = url.strip()
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise refuse("This is not a valid URL.", errors.INVALID_ENDPOINT) from error
    allowed_schemes = ("https",) if settings.require_https else ("https", "http")
    if parts.scheme not in allowed_schemes or not parts.hostname:
        raise refuse("Use an https:// URL." if settings.require_https else "Use an http:// or https:// URL.")
    if parts.username or parts.password:
        raise refuse("The URL may not contain a user name or password.")
    if parts.fragment:
        raise refuse("The URL may not contain a #fragment.")
    try:
        resolve_checked(
            parts.hostname,
            port or (443 if parts.scheme == "https" else 80),
            allow_private=settings.allow_private_addresses,
        )
    except AddressRefused as error:
        raise refuse(f"Webhooks cannot be sent there: {error}") from error
    return url


def _event_types_check(event_types: Any) -> list[str]:
    if (
        not isinstance(event_types, list | tuple)
        or not event_types
        or any(value not in WebhookEventType.values for value in event_types)
    ):
        message = f"One or more of {', '.join(WebhookEventType.values)}."
        raise ValidationError(message, code=errors.INVALID_ENDPOINT, fields={"event_types": message})
    return [value for value in WebhookEventType.values if value in event_types]


def _description_check(description: Any) -> str:
    if not isinstance(description, str) or len(description.strip()) > 100:
        raise ValidationError(
            "At most 100 characters.", code=errors.INVALID_ENDPOINT, fields={"description": "At most 100 characters."}
        )
    return description.strip()


def _new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def webhook_endpoint_secret(endpoint: WebhookEndpoint) -> str:
    return decrypt_text(endpoint.secret_encrypted)


def _seller_endpoint_locked(seller: Seller, endpoint_id: int) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.select_for_update().filter(pk=endpoint_id, seller=seller).first()
    if endpoint is None:
        raise NotFound("No such webhook endpoint.", code=errors.ENDPOINT_NOT_FOUND)
    return endpoint


def webhook_endpoint_create(
    *, seller: Seller, actor: User | None, url: str, event_types: list[str], description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """Add an endpoint for `seller`; returns it and its signing secret, which is shown once (stored encrypted).
    Raises ValidationError (a refused URL, unknown event types, too many endpoints)."""
    url = webhook_url_check(url)
    event_types = _event_types_check(event_types)
    description = _description_check(description)
    secret = _new_secret()
    with transaction.atomic():
        # The seller row serialises two concurrent creations, so the limit holds.
        type(seller).objects.select_for_update().filter(pk=seller.pk).first()
        limit = webhooks_settings().max_endpoints_per_seller
        if WebhookEndpoint.objects.filter(seller=seller).count() >= limit:
            raise ValidationError(
                f"At most {limit} endpoints.",
                code=errors.TOO_MANY_ENDPOINTS,
                fields={"url": f"You already have {limit} endpoints; remove one first."},
            )
        endpoint = WebhookEndpoint.objects.create(
            seller=seller,
            url=url,
            description=description,
            event_types=event_types,
            secret_encrypted=encrypt_text(secret),
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        audit_record(
            actor=actor,
            action="webhook_endpoint.created",
            target=endpoint,
            seller_id=seller.pk,
            data={"url": url, "event_types": event_types},
        )
    return endpoint, secret


def webhook_endpoint_update(
    *, seller: Seller, actor: User | None, endpoint_id: int, changes: dict[str, Any]
) -> WebhookEndpoint:
    """Change an endpoint's url, description, event_types or is_active. Raises NotFound for another seller's
    endpoint, ValidationError for a bad value or an unknown field."""
    unknown = set(changes) - {"url", "description", "event_types", "is_active"}
    if unknown:
        raise ValidationError(
            "Unknown fields.", code=errors.INVALID_ENDPOINT, fields=dict.fromkeys(sorted(unknown), "Cannot be changed.")
        )
    cleaned: dict[str, Any] = {}
    if "url" in changes:
        cleaned["url"] = webhook_url_check(changes["url"])
    if "event_types" in changes:
        cleaned["event_types"] = _event_types_check(changes["event_types"])
    if "description" in changes:
        cleaned["description"] = _description_check(changes["description"])
    if "is_active" in changes:
        if not isinstance(changes["is_active"], bool):
            raise ValidationError(
                "is_active must be true or false.", code=errors.INVALID_ENDPOINT, fields={"is_active": "true or false."}
            )
        cleaned["is_active"] = changes["is_active"]
    with transaction.atomic():
        endpoint = _seller_endpoint_locked(seller, endpoint_id)
        before = {name: getattr(endpoint, name) for name in cleaned}
        for name, value in cleaned.items():
            setattr(endpoint, name, value)
        endpoint.updated_at = clock.now()
        endpoint.save(update_fields=[*cleaned, "updated_at"])
        audit_record(
            actor=actor,
            action="webhook_endpoint.updated",
            target=endpoint,
            seller_id=seller.pk,
            data={"before": before, "after": cleaned},
        )
    return endpoint


def webhook_endpoint_secret_rotate(
    *, seller: Seller, actor: User | None, endpoint_id: int
) -> tuple[WebhookEndpoint, str]:
    """Give the endpoint a new signing secret (returned, shown once); the old one stops signing at once."""
    secret = _new_secret()
    with transaction.atomic():
        endpoint = _seller_endpoint_locked(seller, endpoint_id)
        endpoint.secret_encrypted = encrypt_text(secret)
        endpoint.updated_at = clock.now()
        endpoint.save(update_fields=["secret_encrypted", "updated_at"])
        audit_record(actor=actor, action="webhook_endpoint.secret_rotated", target=endpoint, seller_id=seller.pk)
    return endpoint, secret


def webhook_endpoint_delete(*, seller: Seller, actor: User | None, endpoint_id: int) -> None:
    """Remove an endpoint and its delivery log. Raises NotFound for another seller's endpoint."""
    with transaction.atomic():
        endpoint = _seller_endpoint_locked(seller, endpoint_id)
        audit_record(
            actor=actor,
            action="webhook_endpoint.deleted",
            target=endpoint,
            seller_id=seller.pk,
            data={"url": endpoint.url},
        )
        endpoint.delete()


# --- Deliveries --------------------------------------------------------------------------------------------------


def _payload_data(facts: list[WebhookFact]) -> dict[tuple[str, int], dict]:
    """{(event type, object id): data}, one query per kind of object."""
    ids: dict[str, set[int]] = defaultdict(set)
    for fact in facts:
        kind = "order" if fact.event_type in ORDER_EVENT_TYPES else fact.event_type
        ids[kind].add(fact.object_id)
    by_kind = {
        "order": payloads.seller_orders_data(sorted(ids["order"])) if ids["order"] else {},
        WebhookEventType.OFFER_OUT_OF_STOCK.value: payloads.offers_data(sorted(ids["offer.out_of_stock"]))
        if ids["offer.out_of_stock"]
        else {},
        WebhookEventType.PAYOUT_SENT.value: payloads.payouts_data(sorted(ids["payout.sent"]))
        if ids["payout.sent"]
        else {},
    }
    data: dict[tuple[str, int], dict] = {}
    for fact in facts:
        kind = "order" if fact.event_type in ORDER_EVENT_TYPES else fact.event_type
        found = by_kind[kind].get(fact.object_id)
        if found is not None:
            data[(fact.event_type, fact.object_id)] = found
    return data


def webhook_deliveries_create(*, facts: Sequence[WebhookFact]) -> list[int]:
    """One delivery per (fact, active endpoint of its seller subscribed to its type), in one transaction, and their
    first attempts enqueued on commit. Idempotent: a fact already delivered to an endpoint (same source key) is
    skipped. A fact whose object no longer exists is dropped. Returns the new deliveries' ids."""
    facts = list(facts)
    if not facts:
        return []
    endpoints_by_seller: dict[int, list[WebhookEndpoint]] = defaultdict(list)
    for endpoint in WebhookEndpoint.objects.filter(
        seller_id__in={fact.seller_id for fact in facts}, is_active=True
    ).order_by("pk"):
        endpoints_by_seller[endpoint.seller_id].append(endpoint)
    wanted = [
        (fact, endpoint)
        for fact in facts
        for endpoint in endpoints_by_seller.get(fact.seller_id, ())
        if fact.event_type in endpoint.event_types
    ]
    if not wanted:
        return []
    data = _payload_data([fact for fact, _ in wanted])
    max_attempts = webhooks_settings().max_attempts
    now = clock.now()
    rows = [
        WebhookDelivery(
            endpoint=endpoint,
            seller_id=fact.seller_id,
            event_id=payloads.event_id(fact.source_key),
            event_type=fact.event_type,
            source_key=fact.source_key,
            payload=payloads.envelope(
                source_key=fact.source_key,
                event_type=fact.event_type,
                seller_id=fact.seller_id,
                at=fact.at,
                data=data[(fact.event_type, fact.object_id)],
            ),
            max_attempts=max_attempts,
            next_attempt_at=now,
            created_at=now,
        )
        for fact, endpoint in wanted
        if (fact.event_type, fact.object_id) in data
    ]
    if not rows:
        return []
    with transaction.atomic():
        WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
        created = list(
            WebhookDelivery.objects.filter(
                endpoint_id__in={row.endpoint_id for row in rows},
                source_key__in={row.source_key for row in rows},
                attempt_count=0,
                created_at=now,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        transaction.on_commit(functools.partial(_enqueue_attempts, [(pk, 1) for pk in created]))
    return created


def _enqueue_attempts(attempts: list[tuple[int, int]], run_after: dt.datetime | None = None) -> None:
    from comptoir.webhooks.tasks import webhook_deliver_task

    task = webhook_deliver_task
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # the scheduler's sweep enqueues it when due
        task = task.using(run_after=run_after)
    with enqueued_together():
        for delivery_id, number in attempts:
            task.enqueue(delivery_id=delivery_id, attempt=number)


def _request_headers(delivery: WebhookDelivery, number: int, body: bytes, secret: str) -> dict[str, str]:
    return {
        SIGNATURE_HEADER: signature_header(secrets=[secret], timestamp=int(time.time()), body=body),
        "Comptoir-Event-Id": delivery.event_id,
        "Comptoir-Event-Type": delivery.event_type,
        "Comptoir-Delivery-Id": str(delivery.pk),
        "Comptoir-Delivery-Attempt": str(number),
    }


def webhook_attempt(
    *, delivery_id: int, number: int, is_replay: bool = False, replayed_by_id: int | None = None
) -> WebhookAttempt | None:
    """Make attempt `number` of a delivery: claim it, sign and POST the body, record the attempt and schedule what
    follows. Returns None, sending nothing, when that attempt is not the one due (already made, the delivery
    finished or was removed): a task run twice sends once. Network failures are recorded, never raised."""
    settings = webhooks_settings()
    now = clock.now()
    # The lease: should this process die mid-attempt, the sweep picks the delivery up again after it.
    lease = now + dt.timedelta(seconds=3 * settings.timeout_seconds + 60)
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, attempt_count=number - 1, max_attempts__gte=number
    ).update(attempt_count=number, last_attempt_at=now, next_attempt_at=lease)
    if claimed != 1:
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    if not endpoint.is_active:
        result = PostResult(None, "", "The endpoint is disabled.", 0)
    else:
        result = post_json(
            url=endpoint.url,
            body=body,
            headers=_request_headers(delivery, number, body, webhook_endpoint_secret(endpoint)),
            timeout=settings.timeout_seconds,
            allow_private=settings.allow_private_addresses,
        )
    is_success = result.status is not None and 200 <= result.status < 300
    if is_success:
        status, next_attempt_at = DeliveryStatus.SUCCEEDED, None
    elif number < delivery.max_attempts and endpoint.is_active:
        delay = retry_delay_seconds(
            attempt=number, base_seconds=settings.retry_base_seconds, max_seconds=settings.retry_max_seconds
        )
        status, next_attempt_at = DeliveryStatus.PENDING, clock.now() + dt.timedelta(seconds=delay)
    else:
        status, next_attempt_at = DeliveryStatus.FAILED, None
    error = result.error
    if not is_success and not error and result.status is not None:
        error = f"HTTP {result.status}: a 2xx answer is expected."
    with transaction.atomic():
        attempt = WebhookAttempt.objects.create(
            delivery=delivery,
            number=number,
            started_at=now,
            duration_ms=result.duration_ms,
            response_status=result.status,
            response_excerpt=result.body_excerpt[:500],
            error=error[:300],
            is_success=is_success,
            is_replay=is_replay,
            replayed_by_id=replayed_by_id,
        )
        WebhookDelivery.objects.filter(pk=delivery.pk, attempt_count=number).update(
            status=status, next_attempt_at=next_attempt_at, last_response_status=result.status
        )
        if next_attempt_at is not None:
            transaction.on_commit(
                functools.partial(_enqueue_attempts, [(delivery.pk, number + 1)], run_after=next_attempt_at)
            )
    return attempt


def webhook_delivery_replay(*, seller: Seller, actor: User | None, delivery_id: int) -> tuple[WebhookDelivery, bool]:
    """Send a finished delivery (delivered or failed) once more, now, with the same body (a new timestamp and
    signature). Returns (delivery, queued): queued is False when the delivery is still pending (not finished, or a
    replay already asked for), so a double click sends once. Raises NotFound for another seller's delivery."""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id, seller=seller).first()
        if delivery is None:
            raise NotFound("No such webhook delivery.", code=errors.DELIVERY_NOT_FOUND)
        if delivery.status == DeliveryStatus.PENDING:
            return delivery, False
        number = delivery.attempt_count + 1
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.PENDING,
            max_attempts=number,
            next_attempt_at=clock.now(),
            replay_count=F("replay_count") + 1,
        )
        audit_record(actor=actor, action="webhook_delivery.replayed", target=delivery, seller_id=seller.pk)
        replayed_by_id = actor.pk if actor is not None and actor.is_authenticated else None
        transaction.on_commit(functools.partial(_enqueue_replay, delivery.pk, number, replayed_by_id))
    delivery.refresh_from_db()
    return delivery, True


def _enqueue_replay(delivery_id: int, number: int, replayed_by_id: int | None) -> None:
    from comptoir.webhooks.tasks import webhook_deliver_task

    webhook_deliver_task.enqueue(delivery_id=delivery_id, attempt=number, is_replay=True, replayed_by_id=replayed_by_id)


def webhook_retries_enqueue_due(*, limit: int = 500) -> int:
    """The scheduler's sweep: enqueue the next attempt of every pending delivery that is due (retries on a backend
    that cannot defer tasks, and deliveries whose worker died mid-attempt); a delivery whose last allowed attempt
    was lost that way is marked failed. Returns how many attempts it enqueued."""
    now = clock.now()
    due = list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "attempt_count", "max_attempts")[:limit]
    )
    exhausted = [pk for pk, count, maximum in due if count >= maximum]
    if exhausted:
        WebhookDelivery.objects.filter(
            pk__in=exhausted, status=DeliveryStatus.PENDING, attempt_count__gte=F("max_attempts")
        ).update(status=DeliveryStatus.FAILED, next_attempt_at=None)
    attempts = [(pk, count + 1) for pk, count, maximum in due if count < maximum]
    _enqueue_attempts(attempts)
    return len(attempts)

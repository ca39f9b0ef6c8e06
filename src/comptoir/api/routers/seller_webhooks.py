"""A seller's outbound webhooks: endpoints, the delivery log with each attempt, replays (docs/WEBHOOKS.md).
Scoped to the authenticated seller (an API key with `webhooks:manage`, or an owner's session); another seller's ids
are 404."""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Path as PathParam
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field, StrictStr

from comptoir.api.idempotency import run_idempotent
from comptoir.api.schemas import (
    DEFAULT_PAGE_SIZE,
    MAX_ID,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    InputSchema,
    StrictBool,
    iso,
    length,
    page_of,
    paginate,
    problems,
)
from comptoir.api.security import SellerApiKeyAuth, SellerSession, seller_principal
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.webhooks import errors as webhook_errors
from comptoir.webhooks.models import DeliveryStatus, WebhookEventType
from comptoir.webhooks.selectors import (
    webhook_attempt_list,
    webhook_delivery_get,
    webhook_delivery_list,
    webhook_endpoint_get,
    webhook_endpoint_list,
)
from comptoir.webhooks.services import (
    webhook_delivery_replay,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_secret_rotate,
    webhook_endpoint_update,
)

router = Router(tags=["seller: webhooks"])

MANAGE = [SellerApiKeyAuth("webhooks:manage"), SellerSession(owner_only=True)]
EventTypeChoice = Literal["order.created", "order.cancelled", "order.shipped", "offer.out_of_stock", "payout.sent"]
assert set(EventTypeChoice.__args__) == set(WebhookEventType.values)  # type: ignore[attr-defined]  # Literal's members
StatusChoice = Literal["pending", "succeeded", "failed"]
Url = Annotated[StrictStr, length(500, 1)]
EVENTS_DESCRIPTION = (
    "Events to receive: order.created (a seller order placed and paid, to fulfil), order.cancelled, order.shipped, "
    "offer.out_of_stock, payout.sent."
)


class EndpointOut(Schema):
    id: int
    url: str
    description: str
    event_types: list[str]
    is_active: bool
    created_at: str
    updated_at: str


class EndpointCreatedOut(EndpointOut):
    secret: str = Field(description="The signing secret, shown this once: store it now.")


class EndpointCreateIn(InputSchema):
    url: Url = Field(description="https:// URL on a public address (private and loopback addresses are refused).")
    event_types: list[EventTypeChoice] = Field(min_length=1, max_length=10, description=EVENTS_DESCRIPTION)
    description: Annotated[StrictStr, length(100)] = ""


class EndpointUpdateIn(InputSchema):
    """Only the fields sent are changed; null is refused."""

    url: Url | None = None
    event_types: list[EventTypeChoice] | None = Field(None, min_length=1, max_length=10)
    description: Annotated[StrictStr, length(100)] | None = None
    is_active: StrictBool | None = None


class AttemptOut(Schema):
    number: int
    started_at: str
    duration_ms: int
    response_status: int | None
    response_excerpt: str
    error: str
    is_success: bool
    is_replay: bool


class DeliveryOut(Schema):
    id: int
    endpoint_id: int
    event_id: str
    event_type: str
    status: str
    attempt_count: int
    next_attempt_at: str | None
    last_attempt_at: str | None
    last_response_status: int | None
    replay_count: int
    created_at: str


class DeliveryDetailOut(DeliveryOut):
    payload: dict
    attempts: list[AttemptOut]


class ReplayOut(Schema):
    delivery: DeliveryOut
    queued: bool = Field(description="False when the delivery was still pending: nothing more is sent.")


def endpoint_out(endpoint) -> dict:
    return {
        "id": endpoint.pk,
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": endpoint.event_types,
        "is_active": endpoint.is_active,
        "created_at": iso(endpoint.created_at),
        "updated_at": iso(endpoint.updated_at),
    }


def delivery_out(delivery) -> dict:
    return {
        "id": delivery.pk,
        "endpoint_id": delivery.endpoint_id,
        "event_id": delivery.event_id,
        "event_type": delivery.event_type,
        "status": delivery.status,
        "attempt_count": delivery.attempt_count,
        "next_attempt_at": iso(delivery.next_attempt_at),
        "last_attempt_at": iso(delivery.last_attempt_at),
        "last_response_status": delivery.last_response_status,
        "replay_count": delivery.replay_count,
        "created_at": iso(delivery.created_at),
    }


def attempt_out(attempt) -> dict:
    return {
        "number": attempt.number,
        "started_at": iso(attempt.started_at),
        "duration_ms": attempt.duration_ms,
        "response_status": attempt.response_status,
        "response_excerpt": attempt.response_excerpt,
        "error": attempt.error,
        "is_success": attempt.is_success,
        "is_replay": attempt.is_replay,
    }


def _endpoint(seller, endpoint_id: int):
    endpoint = webhook_endpoint_get(seller, endpoint_id)
    if endpoint is None:
        raise NotFound("No such webhook endpoint.", code=webhook_errors.ENDPOINT_NOT_FOUND)
    return endpoint


def _delivery(seller, delivery_id: int):
    delivery = webhook_delivery_get(seller, delivery_id)
    if delivery is None:
        raise NotFound("No such webhook delivery.", code=webhook_errors.DELIVERY_NOT_FOUND)
    return delivery


@router.get(
    "/seller/webhooks/endpoints",
    response={200: list[EndpointOut], **problems(401, 403)},
    auth=MANAGE,
    summary="List my webhook endpoints",
)
def endpoints(request: HttpRequest):
    return [endpoint_out(endpoint) for endpoint in webhook_endpoint_list(seller_principal(request).seller)]


@router.post(
    "/seller/webhooks/endpoints",
    response={201: EndpointCreatedOut, **problems(401, 403, 409, 422)},
    auth=MANAGE,
    summary="Add a webhook endpoint",
    description="The answer carries the signing secret, once (a replay of the same Idempotency-Key does not).",
)
def endpoint_add(request: HttpRequest, payload: EndpointCreateIn):
    principal = seller_principal(request)
    created: dict = {}

    def action():
        endpoint, secret = webhook_endpoint_create(
            seller=principal.seller,
            actor=principal.actor,
            url=payload.url,
            event_types=list(payload.event_types),
            description=payload.description,
        )
        created["secret"] = secret
        # Stored for replays of the same key without the secret: it is shown once.
        return 201, {**endpoint_out(endpoint), "secret": ""}

    response = run_idempotent(
        request,
        actor_key=principal.actor_key,
        scope="webhook_endpoint.create",
        payload=payload.model_dump(),
        action=action,
    )
    if created and isinstance(response, Status):
        response.value = {**response.value, "secret": created["secret"]}
    return response


@router.get(
    "/seller/webhooks/endpoints/{endpoint_id}",
    response={200: EndpointOut, **problems(401, 403, 404, 422)},
    auth=MANAGE,
    summary="One of my webhook endpoints",
)
def endpoint_detail(request: HttpRequest, endpoint_id: int = PathParam(..., ge=1, le=MAX_ID)):
    return endpoint_out(_endpoint(seller_principal(request).seller, endpoint_id))


@router.patch(
    "/seller/webhooks/endpoints/{endpoint_id}",
    response={200: EndpointOut, **problems(401, 403, 404, 422)},
    auth=MANAGE,
    summary="Change a webhook endpoint",
)
def endpoint_change(
    request: HttpRequest, payload: EndpointUpdateIn, endpoint_id: int = PathParam(..., ge=1, le=MAX_ID)
):
    principal = seller_principal(request)
    changes = payload.model_dump(exclude_unset=True)
    nulls = sorted(name for name, value in changes.items() if value is None)
    if nulls or not changes:
        raise ValidationError(
            "Send at least one field; null is refused.",
            code=webhook_errors.INVALID_ENDPOINT,
            fields=dict.fromkeys(nulls or ["body"], "Send a value."),
        )
    endpoint = webhook_endpoint_update(
        seller=principal.seller, actor=principal.actor, endpoint_id=endpoint_id, changes=changes
    )
    return endpoint_out(endpoint)


@router.post(
    "/seller/webhooks/endpoints/{endpoint_id}/secret",
    response={200: EndpointCreatedOut, **problems(401, 403, 404, 422)},
    auth=MANAGE,
    summary="Replace a webhook endpoint's signing secret",
    description="The new secret is in the answer, once; the old one stops signing at once.",
)
def endpoint_secret_rotate(request: HttpRequest, endpoint_id: int = PathParam(..., ge=1, le=MAX_ID)):
    principal = seller_principal(request)
    endpoint, secret = webhook_endpoint_secret_rotate(
        seller=principal.seller, actor=principal.actor, endpoint_id=endpoint_id
    )
    return {**endpoint_out(endpoint), "secret": secret}


@router.delete(
    "/seller/webhooks/endpoints/{endpoint_id}",
    response={204: None, **problems(401, 403, 404, 422)},
    auth=MANAGE,
    summary="Remove a webhook endpoint and its delivery log",
)
def endpoint_remove(request: HttpRequest, endpoint_id: int = PathParam(..., ge=1, le=MAX_ID)):
    principal = seller_principal(request)
    webhook_endpoint_delete(seller=principal.seller, actor=principal.actor, endpoint_id=endpoint_id)
    return Status(204, None)


@router.get(
    "/seller/webhooks/deliveries",
    response={200: page_of(DeliveryOut), **problems(401, 403, 422)},
    auth=MANAGE,
    summary="The delivery log, newest first",
)
def deliveries(
    request: HttpRequest,
    endpoint_id: int | None = Query(None, ge=1, le=MAX_ID),
    status: StatusChoice | None = None,
    event_type: EventTypeChoice | None = None,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
):
    found = webhook_delivery_list(
        seller_principal(request).seller, endpoint_id=endpoint_id, status=status, event_type=event_type
    )
    return paginate(found, page=page, page_size=page_size, present=lambda rows: [delivery_out(row) for row in rows])


@router.get(
    "/seller/webhooks/deliveries/{delivery_id}",
    response={200: DeliveryDetailOut, **problems(401, 403, 404, 422)},
    auth=MANAGE,
    summary="One delivery: the body sent and every attempt",
)
def delivery_detail(request: HttpRequest, delivery_id: int = PathParam(..., ge=1, le=MAX_ID)):
    delivery = _delivery(seller_principal(request).seller, delivery_id)
    return {
        **delivery_out(delivery),
        "payload": delivery.payload,
        "attempts": [attempt_out(attempt) for attempt in webhook_attempt_list(delivery)],
    }


@router.post(
    "/seller/webhooks/deliveries/{delivery_id}/replay",
    response={202: ReplayOut, **problems(401, 403, 404, 409, 422)},
    auth=MANAGE,
    summary="Send a finished delivery again",
    description=(
        "Sends the same body once more, now (new timestamp and signature). A delivery still pending is not sent "
        "again (`queued: false`), and a retried request with the same Idempotency-Key returns the first answer."
    ),
)
def delivery_replay(request: HttpRequest, delivery_id: int = PathParam(..., ge=1, le=MAX_ID)):
    principal = seller_principal(request)

    def action():
        delivery, queued = webhook_delivery_replay(
            seller=principal.seller, actor=principal.actor, delivery_id=delivery_id
        )
        return 202, {"delivery": delivery_out(delivery), "queued": queued}

    return run_idempotent(
        request,
        actor_key=principal.actor_key,
        scope="webhook_delivery.replay",
        payload={"delivery_id": delivery_id},
        action=action,
    )


assert DeliveryStatus.values == ["pending", "succeeded", "failed"]

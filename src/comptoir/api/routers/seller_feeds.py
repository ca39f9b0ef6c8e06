"""A seller's product feeds for other channels (docs/FEEDS.md): Google Merchant Center feeds and channel feeds with
the seller's own columns, each holding the seller's own offers only, read by the channel at a secret address.
Reading needs `offers:read`, changing `offers:write` (or a member's session); another seller's feeds are 404."""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Path as PathParam
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field, StrictStr

from comptoir.api.idempotency import run_idempotent
from comptoir.api.schemas import MAX_ID, InputSchema, StrictBool, iso, length, problems
from comptoir.api.security import seller_auth, seller_principal
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.feeds import errors as feed_errors
from comptoir.feeds.domain.channel import CONSTANT, FIELDS
from comptoir.feeds.selectors import feed_get, feed_list, feed_token
from comptoir.feeds.services import feed_create, feed_delete, feed_token_rotate, feed_update, feed_url
from comptoir.feeds.tasks import feed_generate_task

router = Router(tags=["seller: feeds"])

READ = seller_auth("offers:read")
WRITE = seller_auth("offers:write")
Country = Annotated[StrictStr, Field(pattern=r"^[A-Za-z]{2}$", description="ISO 3166 country the offers ship to.")]
Currency = Annotated[StrictStr, Field(pattern=r"^[A-Za-z]{3}$", description="ISO 4217 currency of the prices.")]
FIELDS_DESCRIPTION = f"The offer field that fills the column: {', '.join(FIELDS)}, or '{CONSTANT}' with a `value`."


class ColumnIn(InputSchema):
    column: Annotated[StrictStr, length(60, 1)]
    field: Annotated[StrictStr, length(40, 1)] = Field(description=FIELDS_DESCRIPTION)
    value: Annotated[StrictStr, length(200)] = ""


class ColumnOut(Schema):
    column: str
    field: str
    value: str = ""


class FeedOut(Schema):
    id: int
    name: str
    kind: str
    format: str
    country: str
    language: str
    currency: str
    columns: list[ColumnOut]
    is_active: bool
    url: str = Field(description="The secret address to give the channel (empty in an idempotent replay).")
    generated_at: str | None
    item_count: int
    excluded_count: int
    exclusions: list[dict] = Field(description="The first offers left out, with their reasons.")
    created_at: str


class FeedCreateIn(InputSchema):
    name: Annotated[StrictStr, length(100, 1)]
    kind: Literal["google", "channel"]
    format: Literal["xml", "tsv", "csv"] = Field(description="google: xml or tsv; channel: csv or xml.")
    country: Country
    language: Literal["en", "fr", "de", "es", "it"]
    currency: Currency
    columns: list[ColumnIn] = Field(default_factory=list, max_length=60, description="A channel feed's columns.")


class FeedUpdateIn(InputSchema):
    """Only the fields sent are changed; null is refused."""

    name: Annotated[StrictStr, length(100, 1)] | None = None
    country: Country | None = None
    language: Literal["en", "fr", "de", "es", "it"] | None = None
    currency: Currency | None = None
    columns: list[ColumnIn] | None = Field(None, max_length=60)
    is_active: StrictBool | None = None


class GenerateOut(Schema):
    queued: bool


def feed_out(feed, *, with_url: bool = True) -> dict:
    return {
        "id": feed.pk,
        "name": feed.name,
        "kind": feed.kind,
        "format": feed.format,
        "country": feed.country,
        "language": feed.language,
        "currency": feed.currency,
        "columns": feed.columns,
        "is_active": feed.is_active,
        "url": feed_url(feed_token(feed)) if with_url else "",
        "generated_at": iso(feed.generated_at),
        "item_count": feed.item_count,
        "excluded_count": feed.excluded_count,
        "exclusions": feed.exclusions,
        "created_at": iso(feed.created_at),
    }


def _columns(columns) -> list[dict]:
    return [{"column": column.column, "field": column.field, "value": column.value} for column in columns or []]


def _feed(seller, feed_id: int):
    feed = feed_get(seller, feed_id)
    if feed is None:
        raise NotFound("No such feed.", code=feed_errors.FEED_NOT_FOUND)
    return feed


@router.get("/seller/feeds", response={200: list[FeedOut], **problems(401, 403)}, auth=READ, summary="List my feeds")
def feeds(request: HttpRequest):
    return [feed_out(feed) for feed in feed_list(seller_principal(request).seller)]


@router.post(
    "/seller/feeds",
    response={201: FeedOut, **problems(401, 403, 409, 422)},
    auth=WRITE,
    summary="Add a feed",
    description="The feed is generated in the background; its `url` is in the answer (GET the feed to see it again).",
)
def feed_add(request: HttpRequest, payload: FeedCreateIn):
    principal = seller_principal(request)
    created: dict = {}

    def action():
        feed, token = feed_create(
            seller=principal.seller,
            actor=principal.actor,
            name=payload.name,
            kind=payload.kind,
            format=payload.format,
            country=payload.country,
            language=payload.language,
            currency=payload.currency,
            columns=_columns(payload.columns),
        )
        created["url"] = feed_url(token)
        return 201, feed_out(feed, with_url=False)  # the stored replay carries no secret address

    response = run_idempotent(
        request, actor_key=principal.actor_key, scope="feed.create", payload=payload.model_dump(), action=action
    )
    if created and isinstance(response, Status):
        response.value = {**response.value, "url": created["url"]}
    return response


@router.get(
    "/seller/feeds/{feed_id}",
    response={200: FeedOut, **problems(401, 403, 404, 422)},
    auth=READ,
    summary="One of my feeds, with what its last generation left out",
)
def feed_detail(request: HttpRequest, feed_id: int = PathParam(..., ge=1, le=MAX_ID)):
    return feed_out(_feed(seller_principal(request).seller, feed_id))


@router.patch(
    "/seller/feeds/{feed_id}",
    response={200: FeedOut, **problems(401, 403, 404, 422)},
    auth=WRITE,
    summary="Change a feed (it is generated again)",
)
def feed_change(request: HttpRequest, payload: FeedUpdateIn, feed_id: int = PathParam(..., ge=1, le=MAX_ID)):
    principal = seller_principal(request)
    changes = payload.model_dump(exclude_unset=True)
    nulls = sorted(name for name, value in changes.items() if value is None)
    if nulls or not changes:
        raise ValidationError(
            "Send at least one field; null is refused.",
            code=feed_errors.INVALID_FEED,
            fields=dict.fromkeys(nulls or ["body"], "Send a value."),
        )
    if "columns" in changes:
        changes["columns"] = _columns(payload.columns)
    feed = feed_update(seller=principal.seller, actor=principal.actor, feed_id=feed_id, changes=changes)
    return feed_out(feed)


@router.post(
    "/seller/feeds/{feed_id}/token",
    response={200: FeedOut, **problems(401, 403, 404, 422)},
    auth=WRITE,
    summary="Replace a feed's secret address",
    description="The old address stops working at once: give the new `url` to the channel.",
)
def feed_token_replace(request: HttpRequest, feed_id: int = PathParam(..., ge=1, le=MAX_ID)):
    principal = seller_principal(request)
    feed, _ = feed_token_rotate(seller=principal.seller, actor=principal.actor, feed_id=feed_id)
    return feed_out(feed)


@router.post(
    "/seller/feeds/{feed_id}/generate",
    response={202: GenerateOut, **problems(401, 403, 404, 422)},
    auth=WRITE,
    summary="Generate a feed now (in the background)",
)
def feed_generate_now(request: HttpRequest, feed_id: int = PathParam(..., ge=1, le=MAX_ID)):
    feed = _feed(seller_principal(request).seller, feed_id)
    if not feed.is_active:
        return Status(202, {"queued": False})
    feed_generate_task.enqueue(feed.pk)
    return Status(202, {"queued": True})


@router.delete(
    "/seller/feeds/{feed_id}",
    response={204: None, **problems(401, 403, 404, 422)},
    auth=WRITE,
    summary="Remove a feed (its address stops working)",
)
def feed_remove(request: HttpRequest, feed_id: int = PathParam(..., ge=1, le=MAX_ID)):
    principal = seller_principal(request)
    feed_delete(seller=principal.seller, actor=principal.actor, feed_id=feed_id)
    return Status(204, None)

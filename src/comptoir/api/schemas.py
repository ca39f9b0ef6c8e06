"""Schemas shared by the routers: money, problems, pagination, strict input types.

Inputs are strict: a quantity is a JSON integer (not "3"; 3.0 is the same JSON number as 3, as JSON Schema says), a
flag is true/false, unknown fields are refused. The business rules stay in the services, which report every field
error; the schemas declare what can be stated without the database (choices, lengths, ranges, formats) so that the
OpenAPI document tells a client what the services accept."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import (
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationInfo,
    create_model,
    model_validator,
)

from comptoir.core.money import Money

MAX_ID = 2**63 - 1
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_PAGE = 100_000

# A whole JSON number; booleans, strings and fractions are refused. (3.0 arrives as 3: the API's parser reads a
# number without a fractional part as an integer, as JSON Schema's `integer` does.)
JsonInt = StrictInt
# Identifiers sent in a body: a JSON integer that fits a database key.
BodyId = Annotated[JsonInt, Field(ge=1, le=MAX_ID)]
# Integers sent in a body whose range the service checks; bounded here only so that absurd values
# are refused before reaching a 64-bit database column.
BodyInt = Annotated[JsonInt, Field(ge=-MAX_ID, le=MAX_ID)]


def between(low: int, high: int) -> Any:
    """The range of a whole number as annotation metadata: `Annotated[JsonInt, between(0, 365)]`."""
    return Field(ge=low, le=high)


# Codes the services look up (pycountry, Babel): the format is declared, the services check that the code exists.
COUNTRY_PATTERN = "^[A-Za-z]{2}$"
CURRENCY_PATTERN = "^[A-Za-z]{3}$"
CountryCode = Annotated[StrictStr, Field(min_length=2, max_length=2, pattern=COUNTRY_PATTERN)]
CurrencyCode = Annotated[StrictStr, Field(min_length=3, max_length=3, pattern=CURRENCY_PATTERN)]

# The choices of the domain models, spelled out for the OpenAPI document (api/tests/test_schemas.py checks that
# they match the models).
ConditionChoice = Literal["new", "refurbished", "used_like_new", "used_good", "used_acceptable"]
FulfilmentMethodChoice = Literal["merchant", "marketplace", "dropship"]
ReturnReasonChoice = Literal["not_as_described", "damaged", "wrong_item", "no_longer_needed", "other"]
DisputeReasonChoice = Literal["not_received", "not_as_described", "return_not_refunded", "other"]
SellerOrderStatusChoice = Literal[
    "awaiting_payment",
    "placed",
    "accepted",
    "shipped",
    "delivered",
    "completed",
    "cancelled",
    "return_requested",
    "returned",
    "refunded",
]
ScopeChoice = Literal["offers:read", "offers:write", "orders:read", "orders:write", "finance:read", "webhooks:manage"]
ServiceLevelChoice = Literal["standard", "express"]


def length(max_length: int, min_length: int = 0) -> Any:
    """The length bounds of a strict string field, as annotation metadata that type checkers accept:
    `Annotated[StrictStr, length(100, 1)]`."""
    return Field(min_length=min_length, max_length=max_length)


def text(max_length: int, min_length: int = 0) -> Any:
    """`Annotated[StrictStr, length(max_length, min_length)]` built at run time (routers not yet written with
    `length`; type checkers cannot read a call in an annotation)."""
    return Annotated[StrictStr, length(max_length, min_length)]


class InputSchema(Schema):
    """Base of request bodies: strict about unknown fields."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: ModelWrapValidatorHandler, info: ValidationInfo) -> Any:
        """Ninja's root validator, which validates a schema forbidding extra fields twice (the values as they are,
        then read through its DjangoGetter for ORM objects), and each nested schema twice per pass: a body of
        lines, address and payment was validated 8 times. A request body is parsed JSON: a dict is validated once,
        as it is (the first pass, whose errors are the ones Ninja reports); anything else as Ninja does."""
        if isinstance(values, dict):
            return handler(values)
        handler(values)
        return handler(DjangoGetter(values, cls, info.context))


class MoneyOut(Schema):
    amount: str = Field(description='Major units as a decimal string, e.g. "12.34".')
    amount_minor: int = Field(description="Integer minor units (cents for EUR, yen for JPY).")
    currency: str = Field(description="ISO 4217 code.")


class ProblemOut(Schema):
    """RFC 9457 problem details (media type application/problem+json). Some problems add members,
    e.g. `allowed_actions`, `offer_ids`, `required_scope`."""

    type: str = Field(description="URI naming the kind of problem: https://comptoir.dev/problems/<code>.")
    title: str = Field(description="The HTTP status phrase.")
    status: int
    detail: str = Field(description="What went wrong, for a person.")
    instance: str = Field(description="The path of the request that failed.")
    code: str = Field(description="Stable machine-readable error code.")
    errors: dict[str, str] = Field(
        description='Field path -> message, e.g. {"lines[0].quantity": "A whole number from 1 to 999."}.'
    )


def problems(*statuses: int) -> dict[int, type[ProblemOut]]:
    return dict.fromkeys(statuses, ProblemOut)


def money(amount: int, currency: str) -> dict:
    return Money(amount, currency).as_dict()


def iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


_page_models: dict[type, type] = {}


def page_of(item: type[Schema]) -> type[Schema]:
    """A paginated list schema: {count, page, page_size, pages, results: [item]}."""
    if item not in _page_models:
        _page_models[item] = create_model(
            f"{item.__name__.removesuffix('Out')}Page",
            __base__=Schema,
            count=(int, Field(description="Total number of results.")),
            page=(int, ...),
            page_size=(int, ...),
            pages=(int, ...),
            results=(list[item], ...),  # type: ignore[valid-type]  # the item schema is only known at run time
        )
    return _page_models[item]


def paginate(queryset: QuerySet, *, page: int, page_size: int, present) -> dict:
    """One COUNT and one page query; `present` turns each row into its JSON-ready dict."""
    count = queryset.count()
    start = (page - 1) * page_size
    rows = list(queryset[start : start + page_size]) if start < count else []
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": math.ceil(count / page_size) if count else 0,
        "results": present(rows),
    }


PAGE_DESCRIPTION = "Page number, from 1."
PAGE_SIZE_DESCRIPTION = f"Results per page, 1 to {MAX_PAGE_SIZE}."

__all__ = [
    "BodyId",
    "BodyInt",
    "ConditionChoice",
    "CountryCode",
    "CurrencyCode",
    "DisputeReasonChoice",
    "FulfilmentMethodChoice",
    "InputSchema",
    "JsonInt",
    "MoneyOut",
    "ProblemOut",
    "ReturnReasonChoice",
    "ScopeChoice",
    "SellerOrderStatusChoice",
    "ServiceLevelChoice",
    "StrictBool",
    "StrictInt",
    "StrictStr",
    "between",
    "length",
    "money",
    "page_of",
    "paginate",
    "problems",
    "text",
]

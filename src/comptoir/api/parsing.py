"""How the API reads a request, in one place: the media type of a body, JSON, and the text rule of
`comptoir.core.text` (no control characters) for JSON keys and values, query parameters and path parameters.

- A body is JSON only when it is sent as `application/json` or a `+json` type (`application/merge-patch+json`);
  anything else sent to an endpoint that reads a JSON body is refused with 415 `unsupported_media_type`.
- A control character anywhere is refused with 422 `control_character`, naming the field (`shipping_address.city`,
  `q`, `number`). Tab, line feed and carriage return are accepted in JSON string values only.

Ninja reads bodies and query strings through the API's `Parser` (`RequestParser` below); path parameters come from
the URL resolver, so `refuse_control_characters_in_path` wraps each API view (api/urls.py)."""

from __future__ import annotations

import functools
import json
import math

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser

from comptoir.api.errors import handle_application_error
from comptoir.core.exceptions import ApplicationError, ValidationError
from comptoir.core.text import forbidden_character, forbidden_character_message, forbidden_in_json

CONTROL_CHARACTER = "control_character"
UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"


class UnsupportedMediaType(ApplicationError):
    status = 415
    default_code = UNSUPPORTED_MEDIA_TYPE


def is_json_media_type(content_type: str) -> bool:
    """`application/json` or any `application/<something>+json` (parameters such as charset are ignored)."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


def control_character_error(fields: dict[str, str]) -> ValidationError:
    return ValidationError(
        "The request contains control characters, which are not allowed.", code=CONTROL_CHARACTER, fields=fields
    )


def query_field_errors(data: MultiValueDict) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, values in data.lists():
        character = forbidden_character(name)
        if character is not None:
            fields.setdefault("query", forbidden_character_message(character, subject="A parameter name"))
            continue
        for value in values:
            character = forbidden_character(value)
            if character is not None:
                fields.setdefault(name, forbidden_character_message(character))
    return fields


def parse_json_number(text: str) -> int | float:
    """A JSON number with a fraction or exponent: JSON does not tell 3 from 3.0, and JSON Schema's `integer` accepts
    both, so a finite value without a fractional part is that integer (strict integer fields then accept it)."""
    value = float(text)
    if math.isfinite(value) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


class RequestParser(Parser):
    """Ninja's parser with the media type and text rules. Errors raised in `parse_body` reach the exception
    handlers as the cause of Ninja's 400 "Cannot parse request body" (api/errors.py unwraps them)."""

    def parse_body(self, request: HttpRequest):
        content_type = request.META.get("CONTENT_TYPE", "")
        if not is_json_media_type(content_type):
            raise UnsupportedMediaType(
                f"This endpoint reads a JSON body: send it as application/json, not {content_type or 'untyped'}.",
                fields={"Content-Type": "Use application/json."},
            )
        data = json.loads(request.body, parse_float=parse_json_number)
        fields: dict[str, str] = {}
        for path, message in forbidden_in_json(data):
            fields.setdefault(path, message)
        if fields:
            raise control_character_error(fields)
        return data

    def parse_querydict(self, data: MultiValueDict, list_fields: list[str], request: HttpRequest):
        if data is request.GET:
            fields = query_field_errors(data)
            if fields:
                raise control_character_error(fields)
        return super().parse_querydict(data, list_fields, request)


def refuse_control_characters_in_path(view):
    """Wrap an API view so that a path parameter with a control character (`/orders/CO-%00`) is refused before
    any handler or database query sees it."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        fields = {}
        for name, value in kwargs.items():
            character = forbidden_character(value) if isinstance(value, str) else None
            if character is not None:
                fields[name] = forbidden_character_message(character)
        if fields:
            return handle_application_error(request, control_character_error(fields))
        return view(request, *args, **kwargs)

    return wrapper

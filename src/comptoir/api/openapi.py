"""The OpenAPI document describes requests as the parser accepts them and errors as they are served.

Every string a client sends (path and query parameters, body values and keys) carries a pattern that excludes the
control characters api/parsing.py refuses. Errors are `application/problem+json` with the problem schema, not
Ninja's default `application/json`.

Every 4xx/5xx response an operation declares gets the problem media type, and every operation gets a
`default` response (any other status is a problem too: 401, 404, 405, 422, 429, 500 can come from
authentication, routing, validation, throttling or an unexpected error). Success responses keep
their media type (`application/json`, or `text/csv` for exports)."""

from __future__ import annotations

from ninja import NinjaAPI

from comptoir.api.errors import PROBLEM_CONTENT_TYPE
from comptoir.api.schemas import ProblemOut

PROBLEM_SCHEMA_NAME = ProblemOut.__name__
PROBLEM_SCHEMA_REF = f"#/components/schemas/{PROBLEM_SCHEMA_NAME}"
OPERATION_KEYS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
DEFAULT_ERROR_DESCRIPTION = "Any other error, as an RFC 9457 problem document."


def is_error_status(status: str) -> bool:
    return status[:1] in ("4", "5")


def declare_problem_responses(document: dict) -> dict:
    """Rewrite the error responses of an OpenAPI document in place (and return it)."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(PROBLEM_SCHEMA_NAME, ProblemOut.model_json_schema(ref_template="#/components/schemas/{model}"))
    problem_media = {"schema": {"$ref": PROBLEM_SCHEMA_REF}}
    for path_item in document.get("paths", {}).values():
        for key, operation in path_item.items():
            if key not in OPERATION_KEYS:
                continue
            # Status keys as JSON will have them, so that `default` can sit beside them (sorted exports).
            responses = operation["responses"] = {
                str(status): response for status, response in operation.get("responses", {}).items()
            }
            for status, response in responses.items():
                if is_error_status(status):
                    declared = response.get("content") or {}
                    response["content"] = {PROBLEM_CONTENT_TYPE: declared.get("application/json", problem_media)}
            responses.setdefault(
                "default", {"description": DEFAULT_ERROR_DESCRIPTION, "content": {PROBLEM_CONTENT_TYPE: problem_media}}
            )
    return document


# The text rule of comptoir.core.text as JSON Schema patterns, so that a generated client sends only what the parser
# (api/parsing.py) accepts: no control character in parameters and keys; tab, LF and CR allowed in body strings.
SINGLE_LINE_CHARACTER = r"[^\x00-\x1f\x7f]"
MULTI_LINE_CHARACTER = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
CONSTRAINED_STRING_KEYS = frozenset({"pattern", "enum", "const", "format"})
COMBINATION_KEYS = ("anyOf", "oneOf", "allOf", "prefixItems")


def text_pattern(schema: dict, character: str) -> str:
    """`^[allowed]{min,max}$`: the length bounds go into the pattern too, so that generators need not filter."""
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    quantifier = f"{{{low},{high}}}" if high is not None else (f"{{{low},}}" if low else "*")
    return f"^{character}{quantifier}$"


def _declare_text_rule(schema, character: str, components: dict, seen: set[str]) -> None:
    if not isinstance(schema, dict):
        return
    reference = schema.get("$ref")
    if isinstance(reference, str):
        name = reference.rsplit("/", 1)[-1]
        if name not in seen and name in components:
            seen.add(name)
            _declare_text_rule(components[name], character, components, seen)
        return
    if schema.get("type") == "string" and not CONSTRAINED_STRING_KEYS & schema.keys():
        schema["pattern"] = text_pattern(schema, character)
    for key in ("items", "additionalProperties", "not"):
        _declare_text_rule(schema.get(key), character, components, seen)
    for value in (schema.get("properties") or {}).values():
        _declare_text_rule(value, character, components, seen)
    for key in COMBINATION_KEYS:
        for value in schema.get(key) or ():
            _declare_text_rule(value, character, components, seen)
    if isinstance(schema.get("additionalProperties"), dict):  # a map: its keys are single-line text
        names = schema.setdefault("propertyNames", {})
        names.setdefault("type", "string")
        _declare_text_rule(names, SINGLE_LINE_CHARACTER, components, seen)


def declare_text_rule(document: dict) -> dict:
    """Add the control-character patterns to every string of the path and query parameters and request bodies
    (in place; returns the document). Strings that already have a pattern, an enum or a format keep them."""
    components = document.get("components", {}).get("schemas", {})
    body_seen: set[str] = set()
    for path_item in document.get("paths", {}).values():
        for key, operation in path_item.items():
            if key not in OPERATION_KEYS:
                continue
            for parameter in operation.get("parameters", ()):
                if parameter.get("in") in ("path", "query"):
                    _declare_text_rule(parameter.get("schema"), SINGLE_LINE_CHARACTER, components, set())
            for media in (operation.get("requestBody") or {}).get("content", {}).values():
                _declare_text_rule(media.get("schema"), MULTI_LINE_CHARACTER, components, body_seen)
    return document


class ProblemAwareNinjaAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document (openapi.json and /api/docs) declares problem+json errors.

    The document depends only on the code, so it is built once per process and mount point (building it walks every
    schema and took over a second per request); callers must not modify the dict they get."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._openapi_documents: dict[str, dict] = {}

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        document = self._openapi_documents.get(path_prefix)
        if document is None:
            document = declare_text_rule(declare_problem_responses(super().get_openapi_schema(path_prefix=path_prefix)))
            self._openapi_documents[path_prefix] = document
        return document

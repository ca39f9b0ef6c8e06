"""The OpenAPI document describes errors as they are served: `application/problem+json` with the
problem schema, not Ninja's default `application/json`.

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
            document = declare_problem_responses(super().get_openapi_schema(path_prefix=path_prefix))
            self._openapi_documents[path_prefix] = document
        return document

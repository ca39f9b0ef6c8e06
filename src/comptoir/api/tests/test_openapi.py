"""The OpenAPI document: errors declared as application/problem+json with the problem schema, successes
as what they are, and a structurally valid OpenAPI 3 document (no validator package is installed)."""

import re

import pytest

from comptoir.api.errors import PROBLEM_CONTENT_TYPE
from comptoir.api.openapi import PROBLEM_SCHEMA_REF

pytestmark = pytest.mark.django_db

OPERATION_KEYS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
SUCCESS_CONTENT_TYPES = {"application/json", "text/csv", "application/xml"}  # XML: the DAC7 report (operators)


@pytest.fixture
def document(api) -> dict:
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def _operations(document):
    for path, path_item in document["paths"].items():
        for method, operation in path_item.items():
            if method in OPERATION_KEYS:
                yield f"{method.upper()} {path}", operation


def _references(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


def _schema(document, reference: str) -> dict:
    return document["components"]["schemas"][reference.rsplit("/", 1)[1]]


def test_every_error_response_is_a_problem_document(document):
    # given
    operations = dict(_operations(document))
    assert len(operations) > 40
    problem = _schema(document, PROBLEM_SCHEMA_REF)

    for name, operation in operations.items():
        responses = operation["responses"]
        errors = {
            status: response for status, response in responses.items() if status == "default" or status[0] in "45"
        }
        # then: each operation documents its errors, at least through `default`
        assert "default" in errors, name
        for status, response in errors.items():
            assert set(response["content"]) == {PROBLEM_CONTENT_TYPE}, f"{name} {status}"
            # the problem schema, or one that extends it with members (the declined checkout's `order`)
            schema = _schema(document, response["content"][PROBLEM_CONTENT_TYPE]["schema"]["$ref"])
            assert set(schema["required"]) >= set(problem["required"]), f"{name} {status}"
            assert all(
                schema["properties"][member] == definition for member, definition in problem["properties"].items()
            ), f"{name} {status}"


def test_success_responses_stay_json(document):
    for name, operation in _operations(document):
        successes = {status: response for status, response in operation["responses"].items() if status[0] in "123"}
        assert successes, name
        for status, response in successes.items():
            assert set(response.get("content", {})) <= SUCCESS_CONTENT_TYPES, f"{name} {status}"
            assert PROBLEM_CONTENT_TYPE not in response.get("content", {})


def test_the_problem_schema_has_the_rfc_9457_members_and_field_errors(document):
    schema = _schema(document, PROBLEM_SCHEMA_REF)

    assert set(schema["required"]) >= {"type", "title", "status", "detail", "instance", "code", "errors"}
    properties = schema["properties"]
    assert properties["status"]["type"] == "integer"
    assert all(properties[name]["type"] == "string" for name in ("type", "title", "detail", "instance", "code"))
    assert properties["errors"]["type"] == "object" and properties["errors"]["additionalProperties"] == {
        "type": "string"
    }


def test_the_token_endpoint_documents_its_lockout(document):
    responses = document["paths"]["/api/v1/auth/token"]["post"]["responses"]

    assert {"201", "401", "422", "429"} <= set(responses)
    assert "application/json" in responses["201"]["content"]


def test_the_document_is_structurally_valid_openapi_3(document):
    # then: the top level
    assert re.fullmatch(r"3\.\d+\.\d+", document["openapi"])
    assert document["info"]["title"] and document["info"]["version"]
    schemas = document["components"]["schemas"]
    # every reference resolves
    for reference in _references(document):
        assert reference.startswith("#/components/schemas/") and reference.rsplit("/", 1)[1] in schemas, reference
    operation_ids = []
    for name, operation in _operations(document):
        operation_ids.append(operation["operationId"])
        for status, response in operation["responses"].items():
            # response keys are status codes, ranges or `default`; each response has a description
            assert status == "default" or re.fullmatch(r"[1-5](\d\d|XX)", status), f"{name} {status}"
            assert isinstance(response["description"], str) and response["description"], f"{name} {status}"
            for media_type, media in response.get("content", {}).items():
                assert re.fullmatch(r"[\w.+-]+/[\w.+-]+", media_type) and "schema" in media, f"{name} {status}"
        for parameter in operation.get("parameters", []):
            assert parameter["in"] in {"query", "header", "path", "cookie"} and parameter["name"], name
            if parameter["in"] == "path":
                assert parameter["required"] is True, name
    assert len(operation_ids) == len(set(operation_ids))


def test_the_served_errors_match_the_declared_media_type(api, document):
    # given: an operation that declares 401
    declared = document["paths"]["/api/v1/auth/token"]["post"]["responses"]["401"]["content"]

    # when
    response = api.post("auth/token", {"email": "nobody@example.com", "password": "wrong"})

    # then
    assert response.status_code == 401
    assert response["Content-Type"].split(";")[0] in declared


def test_the_document_is_built_once_per_process(api, monkeypatch):
    from ninja import NinjaAPI

    from comptoir.api.urls import api as ninja_api

    first = api.get("/api/v1/openapi.json")
    builds = []
    original = NinjaAPI.get_openapi_schema

    def counting(self, **kwargs):
        builds.append(kwargs)
        return original(self, **kwargs)

    monkeypatch.setattr(NinjaAPI, "get_openapi_schema", counting)
    second = api.get("/api/v1/openapi.json")

    assert second.status_code == 200 and second.json() == first.json()
    assert builds == []
    assert ninja_api.get_openapi_schema() is ninja_api.get_openapi_schema()

"""Idempotency keys: first claim runs, a finished request replays, a reused key is refused."""

import pytest

from comptoir.core.exceptions import Conflict, ValidationError
from comptoir.core.idempotency import idempotency_claim, idempotency_store_response, request_fingerprint, validate_key
from comptoir.core.models import IdempotencyRecord

pytestmark = pytest.mark.django_db


def _claim(key="key-1", fingerprint=None, actor_key="user:1", scope="checkout"):
    return idempotency_claim(
        actor_key=actor_key, key=key, scope=scope, fingerprint=fingerprint or request_fingerprint({"lines": [[1, 2]]})
    )


def test_fingerprint_ignores_key_order_but_not_values():
    assert request_fingerprint({"a": 1, "b": 2}) == request_fingerprint({"b": 2, "a": 1})
    assert request_fingerprint({"a": 1}) != request_fingerprint({"a": 2})


def test_first_claim_creates_a_record_without_a_response():
    record, created = _claim()

    assert created is True
    assert record.response_status is None
    assert IdempotencyRecord.objects.count() == 1


def test_claim_after_the_response_is_stored_replays_it():
    record, _ = _claim()
    idempotency_store_response(record=record, status=201, body={"number": "C-1"})

    replayed, created = _claim()

    assert created is False
    assert replayed.pk == record.pk
    assert (replayed.response_status, replayed.response_body) == (201, {"number": "C-1"})
    assert IdempotencyRecord.objects.count() == 1


def test_same_key_with_a_different_body_is_refused():
    record, _ = _claim()
    idempotency_store_response(record=record, status=201, body={})

    with pytest.raises(ValidationError) as raised:
        _claim(fingerprint=request_fingerprint({"lines": [[1, 3]]}))

    assert raised.value.code == "idempotency_key_reused"
    assert "Idempotency-Key" in raised.value.fields


def test_same_key_in_another_scope_is_refused():
    record, _ = _claim(scope="checkout")
    idempotency_store_response(record=record, status=201, body={})

    with pytest.raises(ValidationError):
        _claim(scope="refund")


def test_same_key_still_in_progress_is_a_conflict():
    _claim()

    with pytest.raises(Conflict) as raised:
        _claim()

    assert raised.value.code == "idempotency_in_progress"


def test_keys_are_per_actor():
    _, first_created = _claim(actor_key="user:1")
    _, second_created = _claim(actor_key="user:2", fingerprint=request_fingerprint({"other": True}))

    assert first_created and second_created
    assert IdempotencyRecord.objects.count() == 2


def test_validate_key_rules():
    assert validate_key("abc-123", required=True) == "abc-123"
    assert validate_key(None, required=False) is None
    assert validate_key("", required=False) is None
    with pytest.raises(ValidationError) as missing:
        validate_key(None, required=True)
    assert missing.value.code == "idempotency_key_required"
    with pytest.raises(ValidationError):
        validate_key("x" * 201, required=True)
    with pytest.raises(ValidationError):
        validate_key("line\nbreak", required=True)
    assert validate_key("x" * 200, required=True) == "x" * 200

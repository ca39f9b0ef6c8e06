"""POST /auth/token against password guessing: the lockout shared with the web login (django-axes),
its 429 problem with Retry-After, its end, and the per-address rate limit.

Axes keeps its counts in the database (AccessAttempt rows), and the rate limit in the database cache
(settings_test): both are rolled back with each test."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import Client
from django.urls import reverse

from comptoir.accounts.models import ApiToken
from comptoir.api.tests.conftest import OTHER_ADDRESS, Api, assert_problem
from comptoir.testing.builders import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
LIMIT = settings.AXES_FAILURE_LIMIT
COOL_OFF_SECONDS = int(settings.AXES_COOLOFF_TIME.total_seconds())


def _token(api, email, password=PASSWORD):
    return api.post("auth/token", {"email": email, "password": password})


def _web_login(client, email, password=PASSWORD):
    return client.post(reverse("account:login"), {"email": email, "password": password})


def _assert_locked(response) -> dict:
    body = assert_problem(response, 429, "too_many_attempts")
    assert response["Retry-After"] == str(COOL_OFF_SECONDS)
    assert f"Try again in {COOL_OFF_SECONDS // 60} minutes" in body["detail"]
    return body


def test_the_attempt_that_reaches_the_limit_is_answered_429_with_retry_after(api):
    # given
    make_user("victim@example.com")
    for _ in range(LIMIT - 1):
        assert_problem(_token(api, "victim@example.com", "guess-123456"), 401, "invalid_credentials")

    # when
    response = _token(api, "victim@example.com", "guess-123456")

    # then: a problem document, not the web's HTML lockout page
    _assert_locked(response)
    assert "WWW-Authenticate" not in response


def test_the_right_password_is_refused_while_locked(api):
    # given
    make_user("victim@example.com")
    for _ in range(LIMIT):
        _token(api, "Victim@Example.com", "guess-123456")

    # when
    response = _token(api, "victim@example.com")

    # then
    _assert_locked(response)
    assert not ApiToken.objects.exists()


def test_failures_on_the_api_lock_the_web_login(api, client):
    # given: every attempt spent on the API
    user = make_user("victim@example.com")
    for _ in range(LIMIT):
        _token(api, "victim@example.com", "guess-123456")

    # when: the right password on the web
    response = _web_login(client, "victim@example.com")

    # then
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    user.refresh_from_db()
    assert user.last_login is None


def test_failures_on_the_web_login_count_against_the_api(api, client):
    # given: all attempts but one spent on the web
    make_user("victim@example.com")
    for _ in range(LIMIT - 1):
        assert _web_login(client, "victim@example.com", "guess-123456").status_code == 422

    # when: one more on the API, then the right password there
    last_guess = _token(api, "victim@example.com", "guess-123456")
    right_password = _token(api, "victim@example.com")

    # then
    _assert_locked(last_guess)
    _assert_locked(right_password)
    assert not ApiToken.objects.exists()


def test_the_lockout_is_for_one_email_from_one_address(api):
    # given
    make_user("victim@example.com")
    make_user("neighbour@example.com")
    for _ in range(LIMIT):
        _token(api, "victim@example.com", "guess-123456")

    # when
    other_account_same_address = _token(api, "neighbour@example.com")
    same_account_other_address = _token(Api(Client(REMOTE_ADDR=OTHER_ADDRESS)), "victim@example.com")

    # then
    assert other_account_same_address.status_code == 201
    assert same_account_other_address.status_code == 201


def test_the_lockout_ends_after_the_cool_off(api):
    # given: locked, then the cool-off passes
    make_user("victim@example.com")
    for _ in range(LIMIT):
        _token(api, "victim@example.com", "guess-123456")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(seconds=COOL_OFF_SECONDS + 1))

    # when
    response = _token(api, "victim@example.com")

    # then
    assert response.status_code == 201, response.content


def test_an_attempt_during_the_lockout_restarts_it(api):
    # given: locked, most of the cool-off has passed, then one more attempt
    make_user("victim@example.com")
    for _ in range(LIMIT):
        _token(api, "victim@example.com", "guess-123456")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(seconds=COOL_OFF_SECONDS - 60))
    _assert_locked(_token(api, "victim@example.com", "guess-123456"))

    # when: the first cool-off is over, the restarted one is not
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(seconds=120))
    response = _token(api, "victim@example.com")

    # then
    _assert_locked(response)


def test_a_token_obtained_resets_the_failures(api):
    # given: one attempt short of the lockout, then the right password
    make_user("victim@example.com")
    for _ in range(LIMIT - 1):
        _token(api, "victim@example.com", "guess-123456")
    assert _token(api, "victim@example.com").status_code == 201

    # when: as many failures again
    responses = [_token(api, "victim@example.com", "guess-123456") for _ in range(LIMIT - 1)]

    # then: counted from zero, so not locked
    for response in responses:
        assert_problem(response, 401, "invalid_credentials")
    assert AccessAttempt.objects.get().failures_since_start == LIMIT - 1


def test_one_address_is_rate_limited_over_many_accounts(api):
    # given: an address that used up its requests, each on another account (so axes never locks)
    allowed = settings.COMPTOIR_LOGIN_RATE_LIMIT["PER_IP"]
    for number in range(allowed):
        assert_problem(_token(api, f"user{number}@example.com", "guess-123456"), 401, "invalid_credentials")
    make_user("innocent@example.com")

    # when
    from_this_address = _token(api, "innocent@example.com")
    from_another_address = _token(Api(Client(REMOTE_ADDR=OTHER_ADDRESS)), "innocent@example.com")

    # then
    assert_problem(from_this_address, 429, "rate_limited")
    assert 1 <= int(from_this_address["Retry-After"]) <= 60
    assert from_another_address.status_code == 201


def test_a_forwarded_for_header_does_not_dodge_the_rate_limit(api):
    # given
    allowed = settings.COMPTOIR_LOGIN_RATE_LIMIT["PER_IP"]
    for number in range(allowed):
        _token(api, f"user{number}@example.com", "guess-123456")

    # when: the client claims to be someone else
    response = api.post(
        "auth/token", {"email": "other@example.com", "password": "x"}, headers={"X-Forwarded-For": "203.0.113.7"}
    )

    # then
    assert_problem(response, 429, "rate_limited")

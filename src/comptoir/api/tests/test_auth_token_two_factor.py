"""POST /auth/token for an account with a confirmed authenticator: the password alone is not enough. The code
(TOTP or recovery code) goes in `otp_code`; a wrong code counts as a failure in the lockout shared with the web."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings

from comptoir.accounts.models import ApiToken
from comptoir.accounts.two_factor import recovery_codes_regenerate, recovery_codes_remaining
from comptoir.api.tests.conftest import assert_problem
from comptoir.testing.auth import make_totp_device, totp_code
from comptoir.testing.builders import make_operator, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
LIMIT = settings.AXES_FAILURE_LIMIT


def _token(api, email, password=PASSWORD, **extra):
    return api.post("auth/token", {"email": email, "password": password, **extra})


@pytest.fixture
def enrolled():
    user = make_user("two-factor@example.com")
    return user, make_totp_device(user)


def test_the_password_alone_gets_no_token_for_an_account_with_an_authenticator(api, enrolled):
    # when
    response = _token(api, "two-factor@example.com")

    # then
    body = assert_problem(response, 401, "two_factor_code_required")
    assert "otp_code" in body["errors"]
    assert not ApiToken.objects.exists()


def test_an_operator_needs_the_code_too(api):
    # given
    operator = make_operator("ops@example.com")
    device = make_totp_device(operator)

    # when
    without = _token(api, "ops@example.com")
    with_code = _token(api, "ops@example.com", otp_code=totp_code(device))

    # then
    assert_problem(without, 401, "two_factor_code_required")
    assert with_code.status_code == 201


def test_the_password_and_a_valid_code_get_a_token(api, enrolled):
    user, device = enrolled

    response = _token(api, "two-factor@example.com", otp_code=totp_code(device))

    assert response.status_code == 201
    assert ApiToken.objects.get().user == user


def test_a_recovery_code_is_accepted_once(api, enrolled):
    # given
    user, _device = enrolled
    code = recovery_codes_regenerate(user=user)[0]

    # when
    first = _token(api, "two-factor@example.com", otp_code=f"{code[:4]}-{code[4:]}")
    second = _token(api, "two-factor@example.com", otp_code=code)

    # then
    assert first.status_code == 201
    assert_problem(second, 401, "invalid_two_factor_code")
    assert recovery_codes_remaining(user=user) == 9


def test_a_wrong_code_is_refused_and_counted_as_a_failed_attempt(api, enrolled):
    # when
    response = _token(api, "two-factor@example.com", otp_code="000000")

    # then
    body = assert_problem(response, 401, "invalid_two_factor_code")
    assert "otp_code" in body["errors"]
    assert AccessAttempt.objects.get().failures_since_start == 1
    assert not ApiToken.objects.exists()


def test_guessing_codes_locks_the_pair_even_for_a_later_right_code(api, enrolled):
    # given
    _user, device = enrolled
    responses = [_token(api, "two-factor@example.com", otp_code=f"{number:06d}") for number in range(LIMIT)]

    # when
    after = _token(api, "two-factor@example.com", otp_code=totp_code(device))

    # then
    for response in responses[:-1]:
        assert_problem(response, 401, "invalid_two_factor_code")
    assert_problem(responses[-1], 429, "too_many_attempts")
    assert_problem(after, 429, "too_many_attempts")
    assert not ApiToken.objects.exists()


def test_a_missing_code_is_not_counted_and_does_not_reset_earlier_failures(api, enrolled):
    # given: two wrong passwords
    for _ in range(2):
        _token(api, "two-factor@example.com", "guess-123456")

    # when: the right password without a code
    _token(api, "two-factor@example.com")

    # then: still two failures, not reset by the right password
    assert AccessAttempt.objects.get().failures_since_start == 2


def test_an_account_without_authenticator_needs_no_code(api):
    make_user("plain@example.com")

    assert _token(api, "plain@example.com").status_code == 201

"""2FA recovery codes (django-otp static tokens): issued ten at a time, each accepted once, regenerated."""

import threading

import pytest
from django.db import connection
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from comptoir.accounts.two_factor import (
    RECOVERY_CODE_COUNT,
    recovery_code_display,
    recovery_codes_issued,
    recovery_codes_regenerate,
    recovery_codes_remaining,
    second_factor_verify,
    totp_device_confirm,
    totp_device_start,
)
from comptoir.core.exceptions import Conflict
from comptoir.core.models import AuditLog
from comptoir.testing.auth import make_totp_device, totp_code
from comptoir.testing.builders import make_user

pytestmark = pytest.mark.django_db


def test_ten_distinct_codes_are_issued_to_a_user_with_an_authenticator():
    user = make_user()
    make_totp_device(user)
    codes = recovery_codes_regenerate(user=user)
    assert len(codes) == RECOVERY_CODE_COUNT == len(set(codes))
    assert all(len(code) == 8 and not code.isdigit() for code in codes)
    assert recovery_codes_remaining(user=user) == 10 and recovery_codes_issued(user=user)
    assert AuditLog.objects.filter(action="two_factor.recovery_codes_generated", actor=user).exists()


def test_django_otp_stores_the_codes_in_clear():
    # Documented in README: otp_static keeps the token itself, not a hash of it.
    user = make_user()
    make_totp_device(user)
    codes = recovery_codes_regenerate(user=user)
    assert sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == sorted(codes)


def test_no_codes_without_an_authenticator():
    user = make_user()
    with pytest.raises(Conflict) as raised:
        recovery_codes_regenerate(user=user)
    assert raised.value.code == "two_factor_not_enabled"
    assert not StaticDevice.objects.filter(user=user).exists()


def test_a_recovery_code_is_accepted_once_then_refused():
    user = make_user()
    make_totp_device(user)
    code = recovery_codes_regenerate(user=user)[0]
    # when the code is typed as displayed (dashed, upper case)
    check = second_factor_verify(user=user, code=recovery_code_display(code).upper())
    # then it is accepted, consumed and audited with the number left
    assert check is not None and check.used_recovery_code and check.recovery_codes_remaining == 9
    assert isinstance(check.device, StaticDevice) and check.device.confirmed
    assert AuditLog.objects.get(action="two_factor.recovery_code_used").data == {"remaining": 9}
    # and a second use is refused
    assert second_factor_verify(user=user, code=code) is None
    assert recovery_codes_remaining(user=user) == 9


def test_regenerating_cancels_every_earlier_code():
    user = make_user()
    make_totp_device(user)
    old_codes = recovery_codes_regenerate(user=user)
    new_codes = recovery_codes_regenerate(user=user)
    assert not set(old_codes) & set(new_codes)
    assert StaticDevice.objects.filter(user=user).count() == 1
    # (the new code first: django-otp throttles the device for a second after a refused code)
    assert second_factor_verify(user=user, code=new_codes[0]) is not None
    assert second_factor_verify(user=user, code=old_codes[0]) is None


def test_a_totp_code_still_works_and_says_how_many_recovery_codes_are_left():
    user = make_user()
    device = make_totp_device(user)
    recovery_codes_regenerate(user=user)
    check = second_factor_verify(user=user, code=totp_code(device))
    assert (
        check is not None
        and check.device == device
        and not check.used_recovery_code
        and check.recovery_codes_remaining == 10
    )


def test_another_users_code_is_refused():
    owner, other = make_user(), make_user()
    make_totp_device(owner)
    make_totp_device(other)
    code = recovery_codes_regenerate(user=owner)[0]
    assert second_factor_verify(user=other, code=code) is None
    assert recovery_codes_remaining(user=owner) == 10


def test_codes_go_when_the_last_authenticator_is_deleted():
    # e.g. an operator deletes a lost authenticator in the admin: the account is then without 2FA, and
    # a leftover static device must not make django-otp believe it still has a second factor.
    user = make_user()
    device = make_totp_device(user)
    code = recovery_codes_regenerate(user=user)[0]
    device.delete()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert second_factor_verify(user=user, code=code) is None


def test_a_new_authenticator_replaces_the_old_one_and_keeps_the_codes():
    user = make_user()
    old = make_totp_device(user)
    recovery_codes_regenerate(user=user)
    pending = totp_device_start(user=user)
    new = totp_device_confirm(user=user, device_id=pending.pk, token=totp_code(pending))
    assert list(type(old).objects.filter(user=user, confirmed=True)) == [new]
    assert recovery_codes_remaining(user=user) == 10
    assert AuditLog.objects.get(action="two_factor.replaced").data == {
        "device_id": new.pk,
        "replaced_device_ids": [old.pk],
    }


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_recovery_code_typed_twice_at_the_same_moment_logs_in_once():
    # given a code, and two logins racing with it (e.g. a stolen copy)
    user = make_user()
    make_totp_device(user)
    code = recovery_codes_regenerate(user=user)[0]
    start = threading.Barrier(2)
    results, errors = [], []

    def use_code():
        try:
            start.wait(timeout=10)
            results.append(second_factor_verify(user=user, code=code))
        except Exception as error:  # reported below; a thread must not swallow a failure
            errors.append(error)
        finally:
            connection.close()

    # when both check it at once
    threads = [threading.Thread(target=use_code) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then exactly one is accepted (the device row is locked while the code is consumed)
    assert errors == []
    assert sorted(result is not None for result in results) == [False, True]
    assert recovery_codes_remaining(user=user) == 9

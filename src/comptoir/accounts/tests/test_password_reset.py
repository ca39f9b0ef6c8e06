"""Password reset rules: request throttling, the new password's validation, the audit trail."""

import datetime as dt
import uuid

import pytest

from comptoir.accounts.errors import TooManyRequests
from comptoir.accounts.password_reset import password_reset_request_admit, user_password_reset
from comptoir.core import clock
from comptoir.core.exceptions import ValidationError
from comptoir.core.models import AuditLog
from comptoir.testing.auth import make_totp_device
from comptoir.testing.builders import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def throttle_cache(settings):
    # A private in-memory cache per test: the file cache under var/ is shared by every process on the machine.
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex},
    }
    settings.COMPTOIR_PASSWORD_RESET_LIMITS = {"PER_EMAIL_PER_HOUR": 3, "PER_IP_PER_HOUR": 10}


def test_an_address_gets_three_requests_an_hour_then_is_refused():
    # given three requests for one address from different IPs
    for index in range(3):
        password_reset_request_admit(email="ada@example.com", ip_address=f"198.51.100.{index}")
    # when a fourth comes, whatever the spelling of the address
    with pytest.raises(TooManyRequests) as raised:
        password_reset_request_admit(email=" ADA@example.com ", ip_address="198.51.100.99")
    # then it is refused with a 429
    assert raised.value.status == 429 and raised.value.code == "password_reset_throttled"
    password_reset_request_admit(email="grace@example.com", ip_address="198.51.100.99")


def test_one_ip_gets_ten_requests_an_hour_across_addresses():
    for index in range(10):
        password_reset_request_admit(email=f"person{index}@example.com", ip_address="203.0.113.7")
    with pytest.raises(TooManyRequests):
        password_reset_request_admit(email="someone-else@example.com", ip_address="203.0.113.7")
    password_reset_request_admit(email="someone-else@example.com", ip_address="203.0.113.8")


def test_the_allowance_comes_back_an_hour_after_the_first_request():
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with clock.frozen_at(start):
        for _ in range(3):
            password_reset_request_admit(email="ada@example.com", ip_address="198.51.100.1")
    with clock.frozen_at(start + dt.timedelta(minutes=59)), pytest.raises(TooManyRequests):
        password_reset_request_admit(email="ada@example.com", ip_address="198.51.100.1")
    with clock.frozen_at(start + dt.timedelta(minutes=61)):
        password_reset_request_admit(email="ada@example.com", ip_address="198.51.100.1")


def test_requests_count_the_same_whether_or_not_an_account_exists():
    make_user("real@example.com")
    for email in ("real@example.com", "ghost@example.com"):
        for _ in range(3):
            password_reset_request_admit(email=email, ip_address=None)
    for email in ("real@example.com", "ghost@example.com"):
        with pytest.raises(TooManyRequests):
            password_reset_request_admit(email=email, ip_address="192.0.2.1")


def test_a_reset_password_must_pass_the_configured_validators():
    user = make_user("ada@example.com")
    for weak in ("short", "1234567890123", "password1234"):
        with pytest.raises(ValidationError) as raised:
            user_password_reset(user=user, new_password=weak)
        assert raised.value.code == "weak_password" and set(raised.value.fields) == {"new_password1"}
    user.refresh_from_db()
    assert user.check_password("correct-horse-battery")


def test_a_reset_sets_the_password_audits_it_and_keeps_the_second_factor():
    user = make_user("ada@example.com")
    device = make_totp_device(user)
    user_password_reset(user=user, new_password="orchard-lantern-violet-7")
    user.refresh_from_db()
    assert user.check_password("orchard-lantern-violet-7") and not user.check_password("correct-horse-battery")
    assert AuditLog.objects.filter(action="user.password_reset", actor=user, target_id=str(user.pk)).count() == 1
    device.refresh_from_db()
    assert device.confirmed

"""The demo operator's second factor, set up in advance so that the console opens at the first login.

Operators always log in with a TOTP code (accounts/two_factor.py). In the demo, nobody would know that before
being asked to scan a QR code, so the operator gets an authenticator enrolled with a fixed secret, printed with
the logins together with `comptoir demo-otp` (the code to type now) and the operator's recovery codes.

The secret is public (it is in this file): it protects nothing and must never be used outside a demo database.
`comptoir demo-otp` refuses to print a code for a database that the demo did not seed."""

from __future__ import annotations

import time
from base64 import b32decode
from dataclasses import dataclass

from django.db import transaction
from django_otp.oath import hotp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptoir.accounts.models import User
from comptoir.accounts.two_factor import (
    recovery_code_display,
    recovery_codes_regenerate,
    totp_device_confirmed_for,
    totp_secret_base32,
)
from comptoir.core.services import audit_record
from comptoir.demo.marketplace_seed import OPERATOR_EMAIL

# RFC 4648 base32, as authenticator apps take it; the bytes spell "comptoir-demo-only!!".
DEMO_TOTP_SECRET = "MNXW24DUN5UXELLEMVWW6LLPNZWHSIJB"
DEMO_DEVICE_NAME = "Demo authenticator (public secret)"


@dataclass(frozen=True)
class DemoSecondFactor:
    """What the demo prints about the operator's second factor."""

    secret: str | None  # the demo secret while the operator still uses it; None once they enrolled their own app
    recovery_codes: list[str]  # unused recovery codes, as typed (abcd-efgh)


def _demo_operator() -> User | None:
    return User.objects.filter(email=OPERATOR_EMAIL, is_operator=True).first()


def demo_operator_authenticator_ensure() -> bool:
    """Enrol the demo secret as the demo operator's authenticator, with ten recovery codes, unless the operator
    already has a confirmed authenticator (seeded earlier, or one of their own). Returns whether it enrolled one."""
    with transaction.atomic():
        operator = _demo_operator()
        if operator is None:
            return False
        User.objects.select_for_update().filter(pk=operator.pk).first()
        if totp_device_confirmed_for(user=operator) is not None:
            return False
        device = TOTPDevice.objects.create(
            user=operator, name=DEMO_DEVICE_NAME, key=b32decode(DEMO_TOTP_SECRET).hex(), confirmed=True
        )
        audit_record(
            actor=operator,
            action="two_factor.enrolled",
            target=operator,
            data={"device_id": device.pk, "demo_secret": True},
        )
        recovery_codes_regenerate(user=operator)
    return True


def demo_operator_second_factor() -> DemoSecondFactor | None:
    """The operator's second factor as the demo prints it, or None when the operator has no authenticator."""
    operator = _demo_operator()
    device = totp_device_confirmed_for(user=operator) if operator else None
    if device is None:
        return None
    secret = totp_secret_base32(device)
    codes = StaticToken.objects.filter(device__user=operator, device__confirmed=True).order_by("token")
    return DemoSecondFactor(
        secret=secret if secret == DEMO_TOTP_SECRET else None,
        recovery_codes=[recovery_code_display(token) for token in codes.values_list("token", flat=True)],
    )


def demo_operator_code(*, at: float | None = None) -> str | None:
    """The 6-digit code the demo operator's authenticator shows, one the login accepts at `at` (default now).

    A code is accepted once: when the current one was already used (two logins within 30 seconds), this gives the
    next one, which the device's tolerance of one step accepts. None when the operator has no authenticator."""
    operator = _demo_operator()
    device = totp_device_confirmed_for(user=operator) if operator else None
    if device is None:
        return None
    moment = time.time() if at is None else at
    current_step = (int(moment) - device.t0) // device.step + device.drift
    step = max(current_step, device.last_t + 1)
    return str(hotp(device.bin_key, step, digits=device.digits)).zfill(device.digits)

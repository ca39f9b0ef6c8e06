"""Two-factor authentication in tests: TOTP devices, valid codes, and verified sessions.

The admin and the operator console require a session verified by a TOTP device, so a plain
`client.force_login(user)` is not enough there: use `force_login_verified`."""

from __future__ import annotations

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice


def make_totp_device(user, *, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=confirmed)


def totp_code(device: TOTPDevice) -> str:
    """A code the device accepts now, like an authenticator app would show.

    A code is accepted only once per time step, so when the current step is already used (two logins
    in the same 30 seconds) this gives the next step's code, which the device's tolerance accepts."""
    device.refresh_from_db()
    current_step = (int(time.time()) - device.t0) // device.step + device.drift
    step = max(current_step, device.last_t + 1)
    return str(hotp(device.bin_key, step, digits=device.digits)).zfill(device.digits)


def force_login_verified(client, user, device: TOTPDevice | None = None) -> TOTPDevice:
    """Log the test client in as `user`, as if they had typed a valid code from `device`."""
    device = device or TOTPDevice.objects.filter(user=user, confirmed=True).first() or make_totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device

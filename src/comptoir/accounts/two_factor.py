"""Two-factor authentication (TOTP, django-otp) for sellers and operators.

Operators must always be verified by a confirmed device; sellers and buyers may enrol one, and once
confirmed it is asked for at every login. Enrolment is a security event, so it is audited."""

from __future__ import annotations

from base64 import b32encode

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptoir.core.exceptions import ValidationError
from comptoir.core.services import audit_record

DEVICE_NAME = "Authenticator app"


def totp_device_confirmed_for(*, user) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if any (the oldest one when several exist)."""
    if not getattr(user, "pk", None):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def totp_user_requires_device(*, user) -> bool:
    """Operators cannot use the console or the admin without a confirmed device."""
    return bool(getattr(user, "is_operator", False))


def totp_device_start(*, user) -> TOTPDevice:
    """Return the user's pending (unconfirmed) device, creating one with a fresh secret if needed.

    Reusing the pending device keeps the QR code stable when the enrolment page is reloaded."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_device_confirm(*, user, device_id: int, token: str) -> TOTPDevice:
    """Confirm a pending device with a code from the authenticator app.

    Raises ValidationError (field `token`) when the code does not match or the device is not the
    user's pending device. On success the device is confirmed and the enrolment audited."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
        if device is None:
            raise ValidationError("No pending authenticator.", code="totp_no_pending_device", fields={"token": "Start the set-up again."})
        if not device.verify_token(_digits(token)):
            raise ValidationError("Wrong code.", code="totp_wrong_code", fields={"token": "This code is not valid. Check the time on your phone and try again."})
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=user, action="two_factor.enrolled", target=user, data={"device_id": device.pk})
    return device


def totp_verify(*, user, token: str) -> TOTPDevice | None:
    """The confirmed device that accepts `token` (each code is accepted once), or None.

    django-otp's per-device throttling applies: repeated failures make the device refuse for a while."""
    device = totp_device_confirmed_for(user=user)
    if device is None:
        return None
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if device.verify_token(_digits(token)):
            return device
    return None


def totp_secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps expect it when typed by hand (RFC 4648 base32, no padding)."""
    return b32encode(device.bin_key).decode().rstrip("=")


def _digits(token: str) -> str:
    return "".join(character for character in (token or "") if character.isdigit())

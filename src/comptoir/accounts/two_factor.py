"""Two-factor authentication (TOTP, django-otp) for sellers and operators, with recovery codes.

Operators must always be verified by a confirmed device; sellers and buyers may enrol one, and once
confirmed it is asked for at every login. Enrolment is a security event, so it is audited.

Recovery codes are django-otp's static tokens (otp_static): one StaticDevice per user, holding ten single-use
codes that stand in for the authenticator app at the login code step. django-otp 1.x stores static tokens in
clear in the database (`otp_static_statictoken.token`), like the TOTP secrets themselves: whoever can read
the database can read them. Having 2FA still means having a confirmed TOTP device; the recovery codes only
exist alongside one (deleting the last confirmed TOTP device deletes them)."""

from __future__ import annotations

from base64 import b32encode
from dataclasses import dataclass

from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptoir.accounts import errors
from comptoir.accounts.models import User
from comptoir.core.exceptions import Conflict, ValidationError
from comptoir.core.permissions import is_operator
from comptoir.core.services import audit_record

DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10


def totp_device_confirmed_for(*, user: User) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if any (the oldest one when several exist)."""
    if not getattr(user, "pk", None):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def totp_user_requires_device(*, user: User) -> bool:
    """Operators cannot use the console or the admin without a confirmed device."""
    return is_operator(user)


def totp_device_start(*, user: User) -> TOTPDevice:
    """Return the user's pending (unconfirmed) device, creating one with a fresh secret if needed.

    Reusing the pending device keeps the QR code stable when the enrolment page is reloaded."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_device_confirm(*, user: User, device_id: int, token: str) -> TOTPDevice:
    """Confirm a pending device with a code from the authenticator app.

    Raises ValidationError (field `token`) when the code does not match or the device is not the
    user's pending device. On success the device is confirmed and the enrolment audited; a confirmed
    device the user already had is deleted (replacing a lost authenticator), recovery codes are kept."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
        if device is None:
            raise ValidationError(
                "No pending authenticator.",
                code=errors.TOTP_NO_PENDING_DEVICE,
                fields={"token": "Start the set-up again."},
            )
        if not device.verify_token(_digits(token)):
            raise ValidationError(
                "Wrong code.",
                code=errors.TOTP_WRONG_CODE,
                fields={"token": "This code is not valid. Check the time on your phone and try again."},
            )
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # A new authenticator replaces the old one (a lost or changed phone): only one device is ever asked for.
        replaced = list(
            TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).values_list("pk", flat=True)
        )
        if replaced:
            TOTPDevice.objects.filter(pk__in=replaced).delete()
            audit_record(
                actor=user,
                action="two_factor.replaced",
                target=user,
                data={"device_id": device.pk, "replaced_device_ids": replaced},
            )
        else:
            audit_record(actor=user, action="two_factor.enrolled", target=user, data={"device_id": device.pk})
    return device


def totp_verify(*, user: User, token: str) -> TOTPDevice | None:
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


@dataclass(frozen=True)
class SecondFactorCheck:
    """A code accepted at the login code step: the device to mark the session with, and whether it was a
    recovery code (then how many are left)."""

    device: Device
    used_recovery_code: bool
    recovery_codes_remaining: int


def second_factor_verify(*, user: User, code: str) -> SecondFactorCheck | None:
    """Check a code typed at the login code step: a 6-digit TOTP code, or one of the user's recovery codes.

    A recovery code is consumed (deleted) when accepted, and its use audited with the number left. Returns
    None when the code is refused, or when the user has no confirmed TOTP device (then there is no second
    factor to check). django-otp's throttling applies to both kinds of code."""
    authenticator = totp_device_confirmed_for(user=user)
    if authenticator is None:
        return None
    token = recovery_code_normalise(code)
    if not token:
        return None
    if token.isdigit():  # recovery codes always hold a letter
        device = totp_verify(user=user, token=token)
        return (
            SecondFactorCheck(
                device=device, used_recovery_code=False, recovery_codes_remaining=recovery_codes_remaining(user=user)
            )
            if device
            else None
        )
    with transaction.atomic():
        device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        if device is None or not device.verify_token(token):
            return None
        remaining = device.token_set.count()
        audit_record(actor=user, action="two_factor.recovery_code_used", target=user, data={"remaining": remaining})
    return SecondFactorCheck(device=device, used_recovery_code=True, recovery_codes_remaining=remaining)


def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones and return them (for display, once).

    Every earlier code stops working. Raises Conflict (`two_factor_not_enabled`) when the user has no
    confirmed TOTP device: recovery codes only stand in for one."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one regeneration at a time per user
        if totp_device_confirmed_for(user=user) is None:
            raise Conflict("Two-factor authentication is not on.", code=errors.TWO_FACTOR_NOT_ENABLED)
        device = StaticDevice.objects.select_for_update().filter(user=user).order_by("pk").first()
        if device is None:
            device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.token_set.all().delete()
        codes: set[str] = set()
        while len(codes) < RECOVERY_CODE_COUNT:
            candidate = StaticToken.random_token()
            if not candidate.isdigit():  # the login code step reads an all-digit code as a TOTP code
                codes.add(candidate)
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in sorted(codes)])
        device.confirmed = True
        device.throttle_reset(commit=False)
        device.save()
        audit_record(actor=user, action="two_factor.recovery_codes_generated", target=user, data={"count": len(codes)})
    return sorted(codes)


def recovery_codes_remaining(*, user: User) -> int:
    """How many unused recovery codes the user has."""
    if not getattr(user, "pk", None):
        return 0
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def recovery_codes_issued(*, user: User) -> bool:
    """Whether the user was ever given recovery codes (even if all are used up)."""
    return bool(getattr(user, "pk", None)) and StaticDevice.objects.filter(user=user).exists()


def recovery_code_normalise(code: str) -> str:
    """The stored form of a typed recovery code: lower case, without spaces or dashes."""
    return "".join(character for character in (code or "").lower() if character.isalnum())


def recovery_code_display(code: str) -> str:
    """A recovery code as shown to the user, in two groups of four (`abcd-efgh`); typed either way."""
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


def recovery_codes_follow_authenticator(sender: type[TOTPDevice], instance: TOTPDevice, **kwargs) -> None:
    """post_delete of a TOTPDevice: without a confirmed authenticator left, the recovery codes go too.

    Otherwise django-otp would still count the StaticDevice as a confirmed device (`user_has_device`)
    while the login has no code step for it — e.g. after an operator deletes a lost authenticator in the admin."""
    if not TOTPDevice.objects.filter(user_id=instance.user_id, confirmed=True).exists():
        StaticDevice.objects.filter(user_id=instance.user_id).delete()


def totp_secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps expect it when typed by hand (RFC 4648 base32, no padding)."""
    return b32encode(device.bin_key).decode().rstrip("=")


def _digits(token: str) -> str:
    return "".join(character for character in (token or "") if character.isdigit())

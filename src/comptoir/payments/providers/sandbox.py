"""The built-in sandbox provider. No network; outcomes depend on the test card number:

| card number         | outcome                  |
|---------------------|--------------------------|
| 4242 4242 4242 4242 | captured                 |
| 4000 0000 0000 0002 | declined (card declined) |
| 4000 0000 0000 9995 | declined (insufficient funds) |
| 4000 0000 0000 9235 | held for manual review   |

Any other Luhn-valid number is captured; a number failing the Luhn check is refused as invalid.
References are derived from our own reference, so a retried charge returns the same result.

Notifications (POST /api/v1/payments/notifications/sandbox): the body is JSON, signed like Stripe's webhooks.
Header `Comptoir-Sandbox-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + raw body>` under
settings.COMPTOIR_SANDBOX_WEBHOOK_SECRET; a timestamp more than 5 minutes away from now is refused (replay).
Body: {"type": "chargeback", "reference": "<case id>", "payment_reference": "sbx_ch_…" and/or
"seller_order": "CO-…-1", "amount": <minor units>, "currency": "EUR", "reason": "fraudulent"}.

Card fingerprint: like a real provider, the sandbox returns a stable identifier of the card,
`sbx_fp_` + HMAC-SHA256 of the digits under a key of its own (COMPTOIR["CARD_FINGERPRINT_KEY"] when set,
otherwise derived from SECRET_KEY with a purpose label). The number itself is never returned whole nor
stored; rotating the key starts a new series of fingerprints (older payments keep theirs)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping

from django.conf import settings
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumValidationError

from comptoir.core.exceptions import PermissionDenied, ValidationError
from comptoir.core.money import Money
from comptoir.payments import errors
from comptoir.payments.conf import payments_settings
from comptoir.payments.providers.base import ChargebackNotification, ChargeResult, RefundResult

DECLINED = {"4000000000000002": "Card declined.", "4000000000009995": "Insufficient funds."}
REVIEW = {"4000000000009235"}
FINGERPRINT_PURPOSE = b"comptoir.payments.sandbox.card-fingerprint"
SIGNATURE_HEADER = "Comptoir-Sandbox-Signature"
SIGNATURE_TOLERANCE = dt.timedelta(minutes=5)


def notification_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The header value signing `body` at `timestamp` (what the sandbox "provider" sends; tests and demos use it)."""
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _signature_check(*, header: str | None, body: bytes, now: dt.datetime) -> None:
    secret = payments_settings().sandbox_webhook_secret
    if not secret:
        raise PermissionDenied(
            "Sandbox notifications are not configured (COMPTOIR_SANDBOX_WEBHOOK_SECRET).",
            code=errors.NOTIFICATIONS_NOT_CONFIGURED,
        )
    if not header:
        raise PermissionDenied(f"The {SIGNATURE_HEADER} header is required.", code=errors.SIGNATURE_REQUIRED)
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        name, _, value = item.strip().partition("=")
        parts.setdefault(name, []).append(value)
    try:
        timestamp = int(parts.get("t", [""])[0])
    except ValueError:
        raise PermissionDenied("The signature header has no valid timestamp.", code=errors.INVALID_SIGNATURE) from None
    expected = notification_signature(secret=secret, timestamp=timestamp, body=body).partition(",v1=")[2]
    # Compare every v1 value in constant time, so that a rotation may send two signatures.
    if not any(hmac.compare_digest(expected, candidate) for candidate in parts.get("v1", [])):
        raise PermissionDenied("The notification's signature does not match.", code=errors.INVALID_SIGNATURE)
    # Checked after the signature, so that the timestamp is known to be the sender's.
    if abs(now - dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)) > SIGNATURE_TOLERANCE:
        raise PermissionDenied(
            "The notification's timestamp is too far from now (replayed or delayed).", code=errors.STALE_SIGNATURE
        )


def _text(payload: dict, name: str, *, required: bool, max_length: int, problems: dict) -> str:
    value = payload.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value.strip()) > max_length or (required and not value.strip()):
        problems[name] = (
            f"Required text of at most {max_length} characters."
            if required
            else f"Text of at most {max_length} characters."
        )
        return ""
    return value.strip()


def _fingerprint_key() -> bytes:
    dedicated = payments_settings().card_fingerprint_key
    if dedicated:
        return dedicated.encode()
    # A key of its own, derived from SECRET_KEY: the fingerprint is useless for forging anything else signed with it.
    return hmac.new(str(settings.SECRET_KEY).encode(), FINGERPRINT_PURPOSE, hashlib.sha256).digest()


def card_fingerprint(number: str) -> str:
    """The sandbox's fingerprint of a card number (digits only): keyed, so it cannot be reversed by hashing
    every possible number without the key."""
    return "sbx_fp_" + hmac.new(_fingerprint_key(), number.encode(), hashlib.sha256).hexdigest()[:40]


class SandboxProvider:
    name = "sandbox"
    is_synchronous_and_local = True  # pure computation on the card number: no network, no state

    def charge(self, *, amount: Money, payment_method: dict, reference: str) -> ChargeResult:
        number = "".join(ch for ch in str(payment_method.get("card_number", "")) if ch.isdigit())
        try:
            if not 12 <= len(number) <= 19:
                raise StdnumValidationError()
            luhn.validate(number)
        except StdnumValidationError as error:
            raise ValidationError(
                "Invalid card number.",
                code=errors.INVALID_CARD,
                fields={"payment.card_number": "Not a valid card number."},
            ) from error
        provider_reference = "sbx_ch_" + hashlib.sha256(reference.encode()).hexdigest()[:24]
        fingerprint = card_fingerprint(number)
        if number in DECLINED:
            return ChargeResult(
                "declined", provider_reference, number[-4:], DECLINED[number], payment_fingerprint=fingerprint
            )
        if number in REVIEW:
            return ChargeResult(
                "review",
                provider_reference,
                number[-4:],
                "Payment held for manual review.",
                payment_fingerprint=fingerprint,
            )
        return ChargeResult("captured", provider_reference, number[-4:], payment_fingerprint=fingerprint)

    def refund(self, *, amount: Money, charge_reference: str, reference: str) -> RefundResult:
        return RefundResult("sbx_re_" + hashlib.sha256(reference.encode()).hexdigest()[:24])

    def parse_notification(
        self, *, body: bytes, headers: Mapping[str, str], now: dt.datetime
    ) -> ChargebackNotification:
        _signature_check(header=headers.get(SIGNATURE_HEADER), body=body, now=now)
        try:
            payload = json.loads(body)
        except (UnicodeDecodeError, ValueError):
            raise ValidationError(
                "The body is not JSON.", code=errors.INVALID_NOTIFICATION, fields={"body": "A JSON object."}
            ) from None
        if not isinstance(payload, dict):
            raise ValidationError(
                "The body is not a JSON object.", code=errors.INVALID_NOTIFICATION, fields={"body": "A JSON object."}
            )
        if payload.get("type") != "chargeback":
            raise ValidationError(
                "Unsupported notification type.",
                code=errors.UNSUPPORTED_NOTIFICATION,
                fields={"type": 'Only "chargeback" is supported.'},
            )
        problems: dict[str, str] = {}
        reference = _text(payload, "reference", required=True, max_length=100, problems=problems)
        reason = _text(payload, "reason", required=True, max_length=300, problems=problems)
        currency = _text(payload, "currency", required=True, max_length=3, problems=problems).upper()
        payment_reference = _text(payload, "payment_reference", required=False, max_length=100, problems=problems)
        seller_order_number = _text(payload, "seller_order", required=False, max_length=24, problems=problems)
        amount = payload.get("amount")
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            problems["amount"] = "A positive whole number of minor units."
        if (
            not payment_reference
            and not seller_order_number
            and "payment_reference" not in problems
            and "seller_order" not in problems
        ):
            problems["payment_reference"] = "Name the payment (payment_reference) or the seller order (seller_order)."
        if problems:
            raise ValidationError("The notification is invalid.", code=errors.INVALID_NOTIFICATION, fields=problems)
        assert isinstance(amount, int)  # checked above: a positive whole number
        return ChargebackNotification(
            reference=reference,
            amount=amount,
            currency=currency,
            reason=reason,
            payment_reference=payment_reference,
            seller_order_number=seller_order_number,
        )

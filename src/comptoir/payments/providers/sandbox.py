"""The built-in sandbox provider. No network; outcomes depend on the test card number:

| card number         | outcome                  |
|---------------------|--------------------------|
| 4242 4242 4242 4242 | captured                 |
| 4000 0000 0000 0002 | declined (card declined) |
| 4000 0000 0000 9995 | declined (insufficient funds) |
| 4000 0000 0000 9235 | held for manual review   |

Any other Luhn-valid number is captured; a number failing the Luhn check is refused as invalid.
References are derived from our own reference, so a retried charge returns the same result.

Card fingerprint: like a real provider, the sandbox returns a stable identifier of the card,
`sbx_fp_` + HMAC-SHA256 of the digits under a key of its own (COMPTOIR["CARD_FINGERPRINT_KEY"] when set,
otherwise derived from SECRET_KEY with a purpose label). The number itself is never returned whole nor
stored; rotating the key starts a new series of fingerprints (older payments keep theirs)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumValidationError

from comptoir.core.exceptions import ValidationError
from comptoir.core.money import Money
from comptoir.payments.providers.base import ChargeResult, RefundResult

DECLINED = {"4000000000000002": "Card declined.", "4000000000009995": "Insufficient funds."}
REVIEW = {"4000000000009235"}
FINGERPRINT_PURPOSE = b"comptoir.payments.sandbox.card-fingerprint"


def _fingerprint_key() -> bytes:
    dedicated = (getattr(settings, "COMPTOIR", None) or {}).get("CARD_FINGERPRINT_KEY")
    if dedicated:
        return str(dedicated).encode()
    # A key of its own, derived from SECRET_KEY: the fingerprint is useless for forging anything else signed with it.
    return hmac.new(settings.SECRET_KEY.encode(), FINGERPRINT_PURPOSE, hashlib.sha256).digest()


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
            raise ValidationError("Invalid card number.", code="invalid_card", fields={"payment.card_number": "Not a valid card number."}) from error
        provider_reference = "sbx_ch_" + hashlib.sha256(reference.encode()).hexdigest()[:24]
        fingerprint = card_fingerprint(number)
        if number in DECLINED:
            return ChargeResult("declined", provider_reference, number[-4:], DECLINED[number], payment_fingerprint=fingerprint)
        if number in REVIEW:
            return ChargeResult("review", provider_reference, number[-4:], "Payment held for manual review.", payment_fingerprint=fingerprint)
        return ChargeResult("captured", provider_reference, number[-4:], payment_fingerprint=fingerprint)

    def refund(self, *, amount: Money, charge_reference: str, reference: str) -> RefundResult:
        return RefundResult("sbx_re_" + hashlib.sha256(reference.encode()).hexdigest()[:24])

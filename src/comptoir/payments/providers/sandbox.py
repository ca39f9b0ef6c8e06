"""The built-in sandbox provider. No network; outcomes depend on the test card number:

| card number         | outcome                  |
|---------------------|--------------------------|
| 4242 4242 4242 4242 | captured                 |
| 4000 0000 0000 0002 | declined (card declined) |
| 4000 0000 0000 9995 | declined (insufficient funds) |
| 4000 0000 0000 9235 | held for manual review   |

Any other Luhn-valid number is captured; a number failing the Luhn check is refused as invalid.
References are derived from our own reference, so a retried charge returns the same result."""

from __future__ import annotations

import hashlib

from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumValidationError

from comptoir.core.exceptions import ValidationError
from comptoir.core.money import Money
from comptoir.payments.providers.base import ChargeResult, RefundResult

DECLINED = {"4000000000000002": "Card declined.", "4000000000009995": "Insufficient funds."}
REVIEW = {"4000000000009235"}


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
        if number in DECLINED:
            return ChargeResult("declined", provider_reference, number[-4:], DECLINED[number])
        if number in REVIEW:
            return ChargeResult("review", provider_reference, number[-4:], "Payment held for manual review.")
        return ChargeResult("captured", provider_reference, number[-4:])

    def refund(self, *, amount: Money, charge_reference: str, reference: str) -> RefundResult:
        return RefundResult("sbx_re_" + hashlib.sha256(reference.encode()).hexdigest()[:24])

"""Comptoir's one money type.

Amounts are integers in the currency's minor unit (cents for EUR, yen for JPY, fils for KWD);
the exponent comes from ISO 4217 through Babel. `Decimal` appears only in percentage maths, which
rounds exactly once with a named rounding mode. No float ever touches money.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache

import pycountry
from babel.numbers import format_currency, get_currency_precision

from comptoir.core import errors
from comptoir.core.exceptions import ValidationError

DEFAULT_ROUNDING = ROUND_HALF_EVEN
BASIS_POINTS = 10_000


@lru_cache(maxsize=512)
def is_known_currency(code: str) -> bool:
    return (
        isinstance(code, str)
        and len(code) == 3
        and code.isupper()
        and pycountry.currencies.get(alpha_3=code) is not None
    )


def validate_currency(code: str, *, field: str = "currency") -> str:
    if not isinstance(code, str) or not is_known_currency(code.upper() if code.isalpha() else code):
        raise ValidationError(
            "Unknown currency code.",
            code=errors.UNKNOWN_CURRENCY,
            fields={field: f"'{code}' is not an ISO 4217 currency code."},
        )
    return code.upper()


@lru_cache(maxsize=512)
def currency_exponent(code: str) -> int:
    """Number of minor-unit digits of an ISO 4217 currency (2 for EUR, 0 for JPY, 3 for KWD)."""
    return get_currency_precision(code)


@dataclass(frozen=True, slots=True)
class Money:
    amount: int  # minor units
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError("Money.amount must be an int of minor units")
        if not is_known_currency(self.currency):
            raise ValidationError(
                "Unknown currency code.",
                code=errors.UNKNOWN_CURRENCY,
                fields={"currency": f"'{self.currency}' is not an ISO 4217 currency code."},
            )

    # --- construction -----------------------------------------------------------------------
    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def from_decimal(cls, value: Decimal | str | int, currency: str) -> Money:
        """Parse a major-unit amount ("12.34" EUR -> 1234). Refuses more precision than the currency has."""
        if isinstance(value, (float, bool)):
            raise TypeError(
                "Money.from_decimal takes a Decimal, str or int, never a float (binary floats cannot hold cents "
                "exactly)"
            )
        currency = validate_currency(currency)
        try:
            decimal_value = Decimal(str(value)) if not isinstance(value, Decimal) else value
        except InvalidOperation as error:
            raise ValidationError(
                "Invalid amount.", code=errors.INVALID_AMOUNT, fields={"amount": f"'{value}' is not a number."}
            ) from error
        if not decimal_value.is_finite():
            raise ValidationError(
                "Invalid amount.", code=errors.INVALID_AMOUNT, fields={"amount": "Amount must be finite."}
            )
        exponent = currency_exponent(currency)
        minor = decimal_value.scaleb(exponent)
        if minor != minor.to_integral_value():
            raise ValidationError(
                "Too many decimal places for the currency.",
                code=errors.INVALID_AMOUNT,
                fields={"amount": f"{currency} amounts have at most {exponent} decimal places."},
            )
        return cls(int(minor), currency)

    # --- arithmetic ---------------------------------------------------------------------------
    def _check(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError("Money can only be combined with Money")
        if other.currency != self.currency:
            raise ValueError(f"Currency mismatch: {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, quantity: int) -> Money:
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise TypeError("Money can only be multiplied by an int quantity; use percentage() for rates")
        return Money(self.amount * quantity, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._check(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._check(other)
        return self.amount >= other.amount

    def basis_points(self, rate_bp: int, rounding: str = DEFAULT_ROUNDING) -> Money:
        """This amount times rate_bp / 10,000, rounded once (banker's rounding by default)."""
        if isinstance(rate_bp, bool) or not isinstance(rate_bp, int):
            raise TypeError("rate_bp must be an int of basis points")
        value = (Decimal(self.amount) * Decimal(rate_bp) / Decimal(BASIS_POINTS)).quantize(
            Decimal(1), rounding=rounding
        )
        return Money(int(value), self.currency)

    def allocate(self, weights: list[int]) -> list[Money]:
        """Split into parts proportional to non-negative integer weights; the parts always sum to this amount."""
        if any(isinstance(weight, bool) or not isinstance(weight, int) for weight in weights):
            raise TypeError("allocation weights must be ints")
        if any(weight < 0 for weight in weights):
            raise ValueError("allocation weights cannot be negative")
        total_weight = sum(weights)
        if total_weight <= 0:
            raise ValueError("weights must sum to a positive number")
        parts = [self.amount * weight // total_weight for weight in weights]
        remainder = self.amount - sum(parts)
        # Largest remainder method: the leftover minor units go one each to the parts that floor
        # division shortchanged most (ties: the earlier part). A zero weight never receives one.
        shortfalls = [self.amount * weight - part * total_weight for weight, part in zip(weights, parts, strict=True)]
        for index in sorted(range(len(parts)), key=lambda position: (-shortfalls[position], position))[:remainder]:
            parts[index] += 1
        return [Money(part, self.currency) for part in parts]

    # --- presentation -----------------------------------------------------------------------
    def to_decimal(self) -> Decimal:
        return Decimal(self.amount).scaleb(-currency_exponent(self.currency))

    def format(self, locale: str = "en") -> str:
        return format_currency(self.to_decimal(), self.currency, locale=locale)

    def __str__(self) -> str:
        return f"{self.to_decimal()} {self.currency}"

    def as_dict(self) -> dict:
        return {"amount": str(self.to_decimal()), "amount_minor": self.amount, "currency": self.currency}


def sum_money(values, currency: str) -> Money:
    total = Money.zero(currency)
    for value in values:
        total = total + value
    return total

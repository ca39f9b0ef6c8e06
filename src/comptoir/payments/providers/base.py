from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from comptoir.core.money import Money


@dataclass(frozen=True)
class ChargeResult:
    status: str  # "captured" | "declined" | "review"
    reference: str
    card_last4: str
    message: str = ""
    # A stable, non-reversible identifier of the card: the same card gives the same value whoever pays with it,
    # and the number cannot be recovered from it. The sandbox computes a keyed hash (HMAC-SHA256); a real provider
    # passes its own card fingerprint through (Stripe's `card.fingerprint`, Adyen's card `alias` in
    # additionalData, Mangopay's card `Fingerprint`). Empty when the provider gives none. Used by the fraud
    # analysis to see several accounts paying with one card.
    payment_fingerprint: str = ""


@dataclass(frozen=True)
class RefundResult:
    reference: str


@dataclass(frozen=True)
class ChargebackNotification:
    """A provider told us that a card issuer took money back. `reference` is the provider's case id (our
    idempotency key); the payment is named by the provider's charge reference, or the seller order by its number."""

    reference: str
    amount: int  # minor units
    currency: str
    reason: str
    payment_reference: str = ""
    seller_order_number: str = ""


class PaymentProvider(Protocol):
    name: str
    # True only for a provider that answers inside this process without I/O (the sandbox). Checkout then charges
    # it inside its one transaction; any other provider is charged between two transactions, so that no row lock
    # is held while it answers and a crash in between is finished by a retry (checkout.services.order_checkout).
    is_synchronous_and_local: bool = False

    def charge(self, *, amount: Money, payment_method: dict, reference: str) -> ChargeResult:
        """Authorise and capture `amount`. `reference` is our idempotency key at the provider:
        calling twice with the same reference must not charge twice."""

    def refund(self, *, amount: Money, charge_reference: str, reference: str) -> RefundResult:
        """Refund part or all of a capture, idempotent on `reference`."""

    def parse_notification(
        self, *, body: bytes, headers: Mapping[str, str], now: dt.datetime
    ) -> ChargebackNotification:
        """Authenticate a notification the provider posted to us (signature over the raw body, freshness) and parse
        it. Raises PermissionDenied (forged, unsigned or stale) or ValidationError (unreadable or unsupported).
        Optional: a provider without notifications does not define it."""

"""Events the payments app publishes (past-tense facts; subscribers live in the subscribing app's subscribers.py).

Payments knows orders only by id: what happens to an order because of a payment fact (its history, its trust
evidence) is for the subscribers to decide."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ChargebackRecorded:
    """The buyer's card issuer took `amount` of a seller order back (one Chargeback row and its ledger entry).

    Published synchronously inside the recording transaction (`core.events.publish`), so that what subscribers
    write (the seller order's "chargeback" history event) commits or rolls back with the money movement.
    `recorded_by_id` is the operator who recorded it, None for a provider notification."""

    chargeback_id: int
    payment_id: int
    seller_order_id: int
    seller_id: int
    amount: int
    currency: str
    reason: str
    provider_reference: str
    source: str  # "provider" (a notification) or "operator"
    recorded_by_id: int | None
    at: dt.datetime


@dataclass(frozen=True)
class PayoutSent:
    """A seller was paid out (one Payout row of a batch and its ledger entry); published on commit."""

    payout_id: int
    seller_id: int
    amount: int
    currency: str
    at: dt.datetime

"""Events the orders app publishes (past-tense facts; subscribers live in the subscribing app's subscribers.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class SellerOrderTransitioned:
    """A seller order changed (a state-machine transition, or a dispute opened/decided): one SellerOrderEvent row."""

    seller_order_id: int
    seller_id: int
    event_id: int
    action: str
    at: dt.datetime


@dataclass(frozen=True)
class CreditNoteIssued:
    """A credit note was written for a seller order (a refund after the release, or a full refund before it)."""

    credit_note_id: int
    seller_order_id: int
    seller_id: int

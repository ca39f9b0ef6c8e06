"""Events the sellers app publishes (past-tense facts; subscribers live in the subscribing app's subscribers.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class SellerOnboarded:
    seller_id: int
    at: dt.datetime


@dataclass(frozen=True)
class SellerStatusChanged:
    """A seller was verified, rejected, suspended or reinstated (only verified sellers' offers are visible)."""

    seller_id: int
    previous_status: str
    status: str
    at: dt.datetime

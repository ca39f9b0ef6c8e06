"""Events the offers app publishes (past-tense facts; subscribers live in the subscribing app's subscribers.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class OfferChanged:
    seller_id: int
    offer_id: int
    at: dt.datetime

"""Events the compliance app publishes (past-tense facts; subscribers live in the subscribing app's subscribers.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class OfferMarketsChanged:
    """The markets these offers may be sold to changed (blocks added, lifted or given other reasons). Published
    inside the refreshing transaction, once per refresh."""

    offer_ids: tuple[int, ...]
    product_ids: tuple[int, ...]
    at: dt.datetime

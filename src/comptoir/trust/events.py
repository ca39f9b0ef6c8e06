"""Events the trust app publishes (past-tense facts; subscribers live in the subscribing app's subscribers.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class SellerTrustChanged:
    """Something a seller's trust snapshot shows to other domains changed for these sellers: score, satisfaction
    pillar, effective tier, or an enforcement action opened or lifted (the visibility multiplier). One event per
    stored batch (a chunk of the batch recompute: up to 1,000 sellers), so subscribers can work per batch."""

    seller_ids: tuple[int, ...]
    at: dt.datetime

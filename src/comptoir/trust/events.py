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


@dataclass(frozen=True)
class EnforcementNoticeIssued:
    """A restrictive measure (or its lifting) was notified to a seller: one EnforcementAction with its statement."""

    enforcement_action_id: int
    seller_id: int
    kind: str
    manual: bool
    at: dt.datetime


@dataclass(frozen=True)
class AppealDecided:
    appeal_id: int
    seller_id: int
    accepted: bool
    at: dt.datetime


@dataclass(frozen=True)
class MessageSent:
    """A buyer or a seller member wrote on a seller order's thread (one Message row); published on commit."""

    message_id: int
    seller_order_id: int
    seller_id: int
    sender_role: str  # "buyer" or "seller"
    at: dt.datetime

"""Events the offers app publishes (past-tense facts; subscribers live in the subscribing app's subscribers.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class OfferChanged:
    seller_id: int
    offer_id: int
    at: dt.datetime


@dataclass(frozen=True)
class OffersChanged:
    """Many offers of one seller changed what buyers see (price, currency, visibility) in one operation (the bulk
    offers endpoint). Published inside the writer's transaction, once for the whole batch, so that subscribers do one
    piece of work (one reindexing task) instead of one per offer. Stock-only changes publish nothing, as for
    `OfferChanged`."""

    seller_id: int
    offer_ids: tuple[int, ...]
    product_ids: tuple[int, ...]  # the products those offers are on (what a search index rewrites)
    at: dt.datetime


@dataclass(frozen=True)
class OffersRanOutOfStock:
    """Offers of one seller went from some stock to none (a checkout took the last units, or the seller set 0).
    Published on commit, once per seller and operation; a rolled-back operation publishes nothing."""

    seller_id: int
    offer_ids: tuple[int, ...]
    at: dt.datetime

"""Events the catalog publishes (past-tense facts; subscribers live in the subscribing app's subscribers.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ProductsChanged:
    """What buyers search changed on these products (a variant's title, GTIN or option values; a family's text,
    published with its variants' ids). Published inside the writer's transaction."""

    product_ids: tuple[int, ...]
    at: dt.datetime

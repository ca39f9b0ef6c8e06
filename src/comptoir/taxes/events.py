"""Events the taxes app publishes (past-tense facts; subscribers live in the subscribing app's subscribers.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class TaxRulesChanged:
    """VAT rates, duty rules or tariff rates were created or changed (a rate import, a duty rules or tariffs load).
    Published on commit, once per import that changed something. `starts_on`: the earliest day a changed rule applies
    from (a later day: the prices change then, and readers that price ahead of time pick it up when it comes)."""

    starts_on: dt.date


@dataclass(frozen=True)
class SellerVatStatusChanged:
    """Whether a seller charges destination VAT on its intra-EU distance sales changed (its declaration, or the
    marketplace's count crossing the threshold). Published on commit."""

    seller_id: int

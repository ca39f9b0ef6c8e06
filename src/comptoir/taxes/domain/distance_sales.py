"""The seller's intra-EU distance sales against the EUR 10,000 threshold, as the marketplace counts them. Pure.

The threshold (Art. 59c Dir. 2006/112/EC) is net of VAT and tested on the current and the previous calendar year: a
seller whose intra-EU B2C distance sales passed EUR 10,000 in year Y charges destination VAT on every later such sale of
Y and on all of Y + 1. The marketplace counts the sales made on it (`SellerDistanceSale`, one row per seller order, in
EUR); the seller declares its position on every channel (`SellerTaxProfile.charges_destination_vat`). **Whichever says
"over" wins**: the counter can only move a seller to destination VAT, never back while its declaration says over.
"""

from __future__ import annotations

from collections.abc import Mapping

from comptoir.taxes.domain.jurisdictions import EU_DISTANCE_SALES_THRESHOLD_EUR_CENTS

# The regimes of an intra-EU B2C distance sale (goods moving from one Member State to a consumer in another), the
# only sales the threshold counts; domestic sales, reverse-charged B2B sales and a non-EU seller's sales do not count.
DISTANCE_SALE_REGIMES = frozenset({"eu_distance_origin", "eu_distance_oss"})

# The liability reasons (domain.liability) of the distance sales whose outcome the seller's count of the year decided:
# under the threshold (origin VAT) or the very sale crossing it. Only those are counted when the order is placed
# (orders.services.placement), so that the seller's next checkout, which may be the crossing one, sees them at once.
# The others cannot move the outcome of any sale of the year: the seller is already over this year (its count passed
# EUR 10,000, and a checkout only adds to it), or charges destination VAT by declaration or by last year's count, or
# has no threshold at all; they are counted when paid (filings.services.distance_sales_count), as every sale is.
COUNT_DECIDED_REASONS = frozenset({"distance_sale_under_threshold", "distance_sale_crosses_threshold"})


def over_through_year(net_eur_cents_by_year: Mapping[int, int]) -> int | None:
    """The last calendar year in which the counted sales oblige the seller to charge destination VAT: the year after
    the latest year whose sales are strictly over EUR 10,000 (that year and the next); None when no year is over."""
    over = [year for year, amount in net_eur_cents_by_year.items() if amount > EU_DISTANCE_SALES_THRESHOLD_EUR_CENTS]
    return max(over) + 1 if over else None


def charges_destination_vat(*, declared: bool, counted_over_through_year: int | None, year: int) -> bool:
    """Whether the seller's intra-EU distance sales of `year` carry destination VAT: its declaration says so, or the
    marketplace's counter passed the threshold this year or last year."""
    return declared or (counted_over_through_year is not None and counted_over_through_year >= year)

"""Which countries form the EU VAT area, and the thresholds the liability rules compare against. Pure (no Django).

Facts and sources (../shared/research/global_selling.md, sections 1 and 2):
- EU-wide distance-sales threshold: EUR 10,000 net of VAT, tested on the current and the previous calendar year, open
  only to a seller established in a single Member State (Art. 59c Dir. 2006/112/EC).
- Imports in consignments of an intrinsic value up to EUR 150 may go through IOSS; the platform is the deemed supplier
  (Art. 14a(1)); excise goods are excluded (Art. 369l).
- United Kingdom: consignments up to GBP 135 are taxed at the point of sale, the online marketplace being the deemed
  supplier; goods already in the UK sold by an overseas seller: the marketplace at any value (gov.uk, "VAT on
  low-value imports").
- Switzerland: platforms are deemed suppliers since 1 January 2025 (ESTV, mail-order trade).
"""

from __future__ import annotations

# The 27 Member States (ISO 3166-1 alpha-2; Greece is "GR" here, "EL" only in VAT numbers), kept in one place with
# the trader checks; re-exported here for the tax rules.
from comptoir.sellers.domain.trader import EU_MEMBER_STATES

UNITED_KINGDOM = "GB"
SWITZERLAND_AREA = frozenset({"CH", "LI"})  # Liechtenstein is in the Swiss VAT area

EU_DISTANCE_SALES_THRESHOLD_EUR_CENTS = 10_000_00
EU_IOSS_CONSIGNMENT_LIMIT_EUR_CENTS = 150_00
UK_POINT_OF_SALE_LIMIT_GBP_PENCE = 135_00


def in_eu(country: str) -> bool:
    return country.upper() in EU_MEMBER_STATES


def vat_area(country: str) -> str:
    """The VAT area a country belongs to: "EU", "GB", "CH", or the country itself."""
    code = country.upper()
    if code in EU_MEMBER_STATES:
        return "EU"
    if code == UNITED_KINGDOM:
        return "GB"
    if code in SWITZERLAND_AREA:
        return "CH"
    return code

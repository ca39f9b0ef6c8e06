"""Who owes which VAT on a sale, decided before any amount is computed. Pure (no Django).

`decide_liability(sale)` reads where the seller is established, where the goods are when sold, where they go, whether
the buyer is a business with a validated VAT number, the consignment's intrinsic value and whether the goods carry
excise, and returns the regime: which country's VAT applies, who collects it (the seller, the marketplace as deemed
supplier, the buyer by reverse charge, or the customs at the border), and a reason code a person can read. The rules
and their sources are in jurisdictions.py and docs/TAXES.md; what is not modelled returns `Regime.NOT_MODELLED` rather
than a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from comptoir.taxes.domain.jurisdictions import (
    EU_DISTANCE_SALES_THRESHOLD_EUR_CENTS,
    EU_IOSS_CONSIGNMENT_LIMIT_EUR_CENTS,
    UK_POINT_OF_SALE_LIMIT_GBP_PENCE,
    vat_area,
)


class Regime(StrEnum):
    DOMESTIC = "domestic"  # goods sold within one country: the seller charges that country's VAT
    EU_DISTANCE_ORIGIN = "eu_distance_origin"  # intra-EU B2C under the EUR 10,000 threshold: VAT of the origin
    EU_DISTANCE_OSS = "eu_distance_oss"  # intra-EU B2C over it (or opted in): destination VAT, declared through OSS
    EU_REVERSE_CHARGE = "eu_reverse_charge"  # intra-EU B2B, valid VAT number of another State: exempt (Art. 138)
    EU_DEEMED_SUPPLIER_STOCK = "eu_deemed_supplier_stock"  # Art. 14a(2): non-EU seller, goods in the EU, B2C
    EU_IMPORT_IOSS = "eu_import_ioss"  # Art. 14a(1): import of at most EUR 150 to a consumer: marketplace via IOSS
    EU_IMPORT_AT_BORDER = "eu_import_at_border"  # import over EUR 150, excise goods or B2B: import VAT at customs
    UK_MARKETPLACE = "uk_marketplace"  # UK: marketplace collects (import ≤ GBP 135, or overseas seller's UK stock)
    UK_REVERSE_CHARGE = "uk_reverse_charge"  # UK: a VAT-registered business buyer accounts for the VAT
    UK_IMPORT_AT_BORDER = "uk_import_at_border"  # UK import over GBP 135: import VAT at the border
    CH_PLATFORM = "ch_platform"  # Switzerland: the platform is the deemed supplier (since 1 January 2025)
    CH_IMPORT_AT_BORDER = "ch_import_at_border"  # Switzerland, business buyer: import VAT at the border
    EXPORT = "export"  # goods leave the seller's VAT area: zero-rated; the destination's import rules apply
    NOT_MODELLED = "not_modelled"


class Collector(StrEnum):
    SELLER = "seller"
    MARKETPLACE = "marketplace"
    BUYER = "buyer"  # reverse charge: the buyer self-accounts
    CUSTOMS = "customs"  # paid on import by the importer of record (the buyer unless delivered duty paid)
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Sale:
    """The facts a liability decision reads. Amounts are minor units; the caller converts with the reference rate."""

    seller_country: str  # where the seller is established
    goods_country: str  # where the goods are when sold (the offer's ships-from country)
    destination_country: str
    buyer_is_business: bool = False
    buyer_vat_number_valid: bool = False  # checked (format and, where reachable, VIES) and of the destination
    consignment_value_eur_cents: int = 0  # intrinsic value of the whole consignment, net of VAT
    consignment_value_gbp_pence: int = 0
    excise_goods: bool = False
    seller_single_eu_establishment: bool = True
    # Intra-EU B2C distance sales of the seller, net of VAT, in the current and the previous calendar year.
    seller_eu_distance_sales_this_year_eur_cents: int = 0
    seller_eu_distance_sales_last_year_eur_cents: int = 0
    seller_opted_for_destination_vat: bool = False
    # This sale's own value towards the threshold (goods and shipping, net of VAT, EUR cents): Art. 59c taxes at
    # destination the very supply in the course of which the threshold is exceeded, so it is added to this year's.
    sale_value_eur_cents: int = 0


@dataclass(frozen=True, slots=True)
class Liability:
    regime: Regime
    tax_country: str | None  # whose VAT rates apply; None when no VAT is charged on the sale
    collector: Collector
    reason: str  # a stable code, explained in docs/TAXES.md

    @property
    def charged_at_checkout(self) -> bool:
        """Whether the price the buyer pays at checkout includes VAT (seller or marketplace collects it)."""
        return self.collector in (Collector.SELLER, Collector.MARKETPLACE)

    @property
    def import_charges_at_delivery(self) -> bool:
        """Whether the buyer may owe import VAT and duties on delivery (unless the seller ships duty paid)."""
        return self.collector is Collector.CUSTOMS


def over_eu_distance_threshold(sale: Sale) -> bool:
    """Whether the seller's distance sales exceed EUR 10,000 last year, this year before this sale, or with it."""
    return (
        sale.seller_eu_distance_sales_this_year_eur_cents + sale.sale_value_eur_cents
        > EU_DISTANCE_SALES_THRESHOLD_EUR_CENTS
        or sale.seller_eu_distance_sales_last_year_eur_cents > EU_DISTANCE_SALES_THRESHOLD_EUR_CENTS
    )


def crosses_eu_distance_threshold(sale: Sale) -> bool:
    """Whether this very sale makes the seller's distance sales of the year exceed EUR 10,000 (the crossing sale)."""
    before = sale.seller_eu_distance_sales_this_year_eur_cents
    return (
        before <= EU_DISTANCE_SALES_THRESHOLD_EUR_CENTS
        and sale.seller_eu_distance_sales_last_year_eur_cents <= EU_DISTANCE_SALES_THRESHOLD_EUR_CENTS
        and before + sale.sale_value_eur_cents > EU_DISTANCE_SALES_THRESHOLD_EUR_CENTS
    )


def decide_liability(sale: Sale) -> Liability:
    seller, goods, destination = (
        sale.seller_country.upper(),
        sale.goods_country.upper(),
        sale.destination_country.upper(),
    )
    to_area, from_area = vat_area(destination), vat_area(goods)
    business = sale.buyer_is_business and sale.buyer_vat_number_valid
    if to_area == "EU":
        if from_area == "EU":
            return _within_the_eu(sale, seller, goods, destination, business)
        return _import_into_the_eu(sale, destination, business)
    if to_area == "GB":
        return _to_the_uk(sale, seller, goods, business)
    if to_area == "CH":
        return _to_switzerland(seller, goods, business)
    if from_area in ("EU", "GB", "CH") and from_area != to_area:
        return Liability(Regime.EXPORT, None, Collector.CUSTOMS, "export_zero_rated")
    return Liability(Regime.NOT_MODELLED, None, Collector.NONE, "destination_not_modelled")


def _within_the_eu(sale: Sale, seller: str, goods: str, destination: str, business: bool) -> Liability:
    if business:
        if goods == destination:
            return Liability(Regime.DOMESTIC, destination, Collector.SELLER, "domestic_b2b")
        return Liability(Regime.EU_REVERSE_CHARGE, destination, Collector.BUYER, "intra_eu_b2b_exempt_art138")
    if vat_area(seller) != "EU":
        return Liability(
            Regime.EU_DEEMED_SUPPLIER_STOCK, destination, Collector.MARKETPLACE, "non_eu_seller_goods_in_eu_art14a2"
        )
    if goods == destination:
        return Liability(Regime.DOMESTIC, destination, Collector.SELLER, "domestic_b2c")
    if not sale.seller_single_eu_establishment:
        return Liability(Regime.EU_DISTANCE_OSS, destination, Collector.SELLER, "distance_sale_no_threshold")
    if sale.seller_opted_for_destination_vat:
        return Liability(Regime.EU_DISTANCE_OSS, destination, Collector.SELLER, "distance_sale_opted_destination")
    if crosses_eu_distance_threshold(sale):
        return Liability(Regime.EU_DISTANCE_OSS, destination, Collector.SELLER, "distance_sale_crosses_threshold")
    if over_eu_distance_threshold(sale):
        return Liability(Regime.EU_DISTANCE_OSS, destination, Collector.SELLER, "distance_sale_over_threshold")
    return Liability(Regime.EU_DISTANCE_ORIGIN, goods, Collector.SELLER, "distance_sale_under_threshold")


def _import_into_the_eu(sale: Sale, destination: str, business: bool) -> Liability:
    if sale.excise_goods:
        return Liability(Regime.EU_IMPORT_AT_BORDER, destination, Collector.CUSTOMS, "import_excise_goods")
    if business:
        return Liability(Regime.EU_IMPORT_AT_BORDER, destination, Collector.CUSTOMS, "import_b2b")
    if sale.consignment_value_eur_cents <= EU_IOSS_CONSIGNMENT_LIMIT_EUR_CENTS:
        return Liability(Regime.EU_IMPORT_IOSS, destination, Collector.MARKETPLACE, "import_at_most_150_eur_art14a1")
    return Liability(Regime.EU_IMPORT_AT_BORDER, destination, Collector.CUSTOMS, "import_over_150_eur")


def _to_the_uk(sale: Sale, seller: str, goods: str, business: bool) -> Liability:
    goods_in_uk = vat_area(goods) == "GB"
    seller_in_uk = vat_area(seller) == "GB"
    if goods_in_uk:
        if seller_in_uk:
            return Liability(Regime.DOMESTIC, "GB", Collector.SELLER, "domestic_b2b" if business else "domestic_b2c")
        if business:
            return Liability(Regime.UK_REVERSE_CHARGE, "GB", Collector.BUYER, "uk_overseas_seller_b2b")
        return Liability(Regime.UK_MARKETPLACE, "GB", Collector.MARKETPLACE, "uk_overseas_seller_goods_in_uk")
    if sale.excise_goods:
        return Liability(Regime.UK_IMPORT_AT_BORDER, "GB", Collector.CUSTOMS, "import_excise_goods")
    if sale.consignment_value_gbp_pence <= UK_POINT_OF_SALE_LIMIT_GBP_PENCE:
        if business:
            return Liability(Regime.UK_REVERSE_CHARGE, "GB", Collector.BUYER, "uk_import_at_most_135_gbp_b2b")
        return Liability(Regime.UK_MARKETPLACE, "GB", Collector.MARKETPLACE, "uk_import_at_most_135_gbp")
    return Liability(Regime.UK_IMPORT_AT_BORDER, "GB", Collector.CUSTOMS, "uk_import_over_135_gbp")


def _to_switzerland(seller: str, goods: str, business: bool) -> Liability:
    if vat_area(goods) == "CH":
        if vat_area(seller) == "CH" or business:
            return Liability(Regime.DOMESTIC, "CH", Collector.SELLER, "domestic_b2b" if business else "domestic_b2c")
        return Liability(Regime.CH_PLATFORM, "CH", Collector.MARKETPLACE, "ch_platform_deemed_supplier")
    if business:
        return Liability(Regime.CH_IMPORT_AT_BORDER, "CH", Collector.CUSTOMS, "ch_import_b2b")
    return Liability(Regime.CH_PLATFORM, "CH", Collector.MARKETPLACE, "ch_platform_deemed_supplier")

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from comptoir.core.money import Money
from comptoir.offers.domain.shipping import Rate, ShippingQuote, promise_dates, quote, rates_for_country
from comptoir.offers.models import Offer, ShippingRate
from comptoir.sellers.models import SellerStatus
from comptoir.taxes.domain.categories import is_excise_category
from comptoir.taxes.domain.charge import ParcelFacts, TaxPart
from comptoir.taxes.domain.duties import EMPTY_TARIFF, DutyHandling, DutyRule, TariffSchedule, customs_area
from comptoir.taxes.domain.rates import rates_by_country

if TYPE_CHECKING:
    from comptoir.offers.domain.pricing import Quote


def offer_visible_qs():
    """Offers a buyer may see and buy: active, from verified sellers."""
    return Offer.objects.filter(is_active=True, seller__status=SellerStatus.VERIFIED)


def offer_list_for_product(product_id: int):
    return (
        offer_visible_qs()
        .filter(product_id=product_id)
        .select_related("seller", "shipping_profile")
        .prefetch_related("shipping_profile__rates")
        .order_by("price_amount", "id")
    )


def offer_list_for_seller(seller):
    return Offer.objects.filter(seller=seller).select_related("product").order_by("-id")


def shipping_rates_for_profiles(profile_ids) -> dict[int, list[Rate]]:
    rates: dict[int, list[Rate]] = {}
    for row in ShippingRate.objects.filter(profile_id__in=list(profile_ids)):
        rates.setdefault(row.profile_id, []).append(
            Rate(
                id=row.pk,
                zone_name=row.zone_name,
                countries=tuple(row.countries),
                service_level=row.service_level,
                carrier=row.carrier,
                first_item=Money(row.first_item_amount, row.currency),
                additional_item=Money(row.additional_item_amount, row.currency),
                transit_days_min=row.transit_days_min,
                transit_days_max=row.transit_days_max,
            )
        )
    return rates


# --- Seller center reads (always scoped to one seller) ---------------------------------------------

OFFER_STOCK_LOW_THRESHOLD = 5
OFFER_LIST_FILTERS = ("active", "inactive", "out_of_stock", "low_stock")


def offer_search_for_seller(*, seller, query: str = "", status: str = ""):
    """The seller's offers matching every word of `query` (SKU, product title, brand or GTIN), narrowed by
    `status`: active, inactive, out_of_stock or low_stock (1 to OFFER_STOCK_LOW_THRESHOLD units)."""
    from django.db.models import Q

    offers = Offer.objects.filter(seller=seller).select_related("product", "shipping_profile")
    for word in (query or "").split()[:10]:
        offers = offers.filter(
            Q(sku__icontains=word)
            | Q(product__title__icontains=word)
            | Q(product__brand__icontains=word)
            | Q(product__gtin=word)
        )
    if status == "active":
        offers = offers.filter(is_active=True)
    elif status == "inactive":
        offers = offers.filter(is_active=False)
    elif status == "out_of_stock":
        offers = offers.filter(stock=0)
    elif status == "low_stock":
        offers = offers.filter(stock__gte=1, stock__lte=OFFER_STOCK_LOW_THRESHOLD)
    return offers.order_by("-id")


def offer_get_for_seller(*, seller, offer_id: int) -> Offer | None:
    return Offer.objects.filter(seller=seller, pk=offer_id).select_related("product", "shipping_profile").first()


def offer_stock_summary_for_seller(*, seller) -> dict[str, int]:
    from django.db.models import Count, Q

    return Offer.objects.filter(seller=seller).aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(is_active=True)),
        out_of_stock=Count("id", filter=Q(stock=0)),
        low_stock=Count("id", filter=Q(stock__gte=1, stock__lte=OFFER_STOCK_LOW_THRESHOLD)),
    )


def shipping_profile_list_for_seller(*, seller):
    from comptoir.offers.models import ShippingProfile

    return ShippingProfile.objects.filter(seller=seller).prefetch_related("rates").order_by("name", "id")


# --- Storefront reads: delivery quotes, product cards, faceted search -------------------------------
# These compose the pure shipping core for one destination country. Search itself (cards, facets, ranking)
# is the search app's; prices are compared through the pricing seam (offers/domain/pricing.py).

SEARCH_SORTS = ("relevance", "price_asc", "price_desc", "newest")
DELIVERY_DAY_BUCKETS = (3, 5, 7, 10, 14)


@dataclass(frozen=True)
class DeliveryQuote:
    """The cheapest way one offer reaches a country: shipping for one item, landed price and promise dates."""

    shipping: ShippingQuote
    landed: Money
    ship_by: dt.date
    earliest: dt.date
    latest: dt.date
    days_to_latest: int


def delivery_quote(
    *, rates: list[Rate], price: Money, handling_days: int, country: str, placed_on: dt.date
) -> DeliveryQuote | None:
    """Cheapest rate (then fastest) for one item to `country` in the offer's currency, as checkout picks it by default;
    None when the offer does not ship there."""
    candidates = [rate for rate in rates_for_country(rates, country) if rate.first_item.currency == price.currency]
    if not candidates:
        return None
    rate = min(candidates, key=lambda item: (item.first_item.amount, item.transit_days_max, item.id))
    shipping = quote(rate, 1)
    ship_by, earliest, latest = promise_dates(placed_on, handling_days, rate.transit_days_min, rate.transit_days_max)
    return DeliveryQuote(shipping, price + shipping.price, ship_by, earliest, latest, (latest - placed_on).days)


def offer_delivery_quotes(offers, *, country: str, placed_on: dt.date) -> dict[int, DeliveryQuote | None]:
    """offer id -> its DeliveryQuote to `country` (None: does not ship there). Two queries at most."""
    offers = list(offers)
    rates = shipping_rates_for_profiles({offer.shipping_profile_id for offer in offers})
    return {
        offer.pk: delivery_quote(
            rates=rates.get(offer.shipping_profile_id, []),
            price=offer.price,
            handling_days=offer.handling_days,
            country=country,
            placed_on=placed_on,
        )
        for offer in offers
    }


@dataclass(frozen=True)
class ProductCard:
    """What a product tile shows: the lowest landed price to the buyer's country and how many offers reach it."""

    product_id: int
    lowest_landed: Money | None
    offer_count: int
    fastest_latest: dt.date | None
    # The cheapest offer's own delivered price (item + shipping) in the offer's currency: when it differs from
    # `lowest_landed`'s currency, the tile's price is a conversion (shown with the rate's date).
    offer_landed: Money | None = None


def product_ids_most_offered(*, limit: int, category_ids=None, exclude_ids=()) -> list[int]:
    """Products with the most visible offers (ties: newest first)."""
    from django.db.models import Count

    offers = offer_visible_qs()
    if category_ids is not None:
        offers = offers.filter(product__category_id__in=list(category_ids))
    if exclude_ids:
        offers = offers.exclude(product_id__in=list(exclude_ids))
    return list(
        offers.values("product_id")
        .annotate(count=Count("id"))
        .order_by("-count", "-product_id")
        .values_list("product_id", flat=True)[:limit]
    )


def product_ids_newest(*, limit: int) -> list[int]:
    """Newest products that have at least one visible offer."""
    from django.db.models import Exists, OuterRef

    from comptoir.catalog.models import Product

    return list(
        Product.objects.filter(Exists(offer_visible_qs().filter(product_id=OuterRef("pk"))))
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)[:limit]
    )


def offers_of_seller_by_product(*, seller, product_ids) -> dict[int, Offer]:
    """The seller's offer on each of these products (the first by id when it has several conditions)."""
    offers: dict[int, Offer] = {}
    for offer in Offer.objects.filter(seller=seller, product_id__in=list(product_ids)).order_by("id"):
        offers.setdefault(offer.product_id, offer)
    return offers


# --- VAT per offer for one destination (the product page's "incl. X % VAT (CC)") ------------------------------------


@dataclass(frozen=True)
class OfferVat:
    """What one unit of an offer costs a consumer in the destination with its VAT (docs/TAXES.md): the tax-inclusive
    price (`price`, in the offer's currency), the rate and whose it is, who collects it, and whether import VAT and
    duties may be charged on delivery instead (DAP: nothing charged at checkout)."""

    price: Money
    rate_bp: int
    tax_country: str
    collector: str
    regime: str
    import_charges_at_delivery: bool
    # Duties (docs/TAXES.md "Duties"): the duty per unit paid at checkout (DDP), whether duties (still unknown, or left
    # to the carrier) may be charged on delivery though the VAT is charged at checkout, and the estimate of what the
    # buyer may pay on delivery (import VAT and duty) when every part of it is known.
    duty: Money | None = None
    duties_at_delivery: bool = False
    at_delivery_estimate: Money | None = None

    @property
    def rate_percent(self) -> Decimal:
        return Decimal(self.rate_bp) / 100

    @property
    def is_charged_at_checkout(self) -> bool:
        return self.collector in ("seller", "marketplace")


class OfferTaxTable:
    """The tax facts of offers for any destination (docs/TAXES.md): the dated VAT rates, the sellers charging
    destination VAT and the duty rules in force, read once; `facts(...)` builds an offer's one-unit `ParcelFacts` for a
    destination, the rates per (class, countries) computed once. Pure once built.

    The facts carry the destination's duty rules, the day and the operator's duty handling, so a quote made with them
    includes the duty checkout collects (DDP, docs/TAXES.md "Duties"): search, its cards and the featured offer show
    the same delivered total as the product page and checkout."""

    def __init__(
        self,
        *,
        dated: list,
        destination_vat: set[int],
        day: dt.date,
        duty_rules: Iterable[DutyRule] = (),
        duty_handling: DutyHandling = DutyHandling.DDP,
        tariff: TariffSchedule = EMPTY_TARIFF,
        distance_sales: Mapping[int, int] | None = None,
    ) -> None:
        self.dated, self.destination_vat, self.day = dated, destination_vat, day
        # seller id -> its distance sales counted this year (EUR cents): a unit that would itself cross EUR 10,000 is
        # priced at destination VAT, as checkout would price it (docs/TAXES.md, "The crossing sale").
        self.distance_sales = distance_sales or {}
        self.countries = frozenset(rate.country for rate in dated)
        self.duty_handling = duty_handling
        self.tariff = tariff
        self._duty_rules: dict[str, tuple[DutyRule, ...]] = {}
        for rule in duty_rules:
            self._duty_rules[rule.area] = (*self._duty_rules.get(rule.area, ()), rule)
        self._rates: dict[tuple[str, str, frozenset[str]], dict[str, int]] = {}

    def duty_rules(self, country: str) -> tuple[DutyRule, ...]:
        """The duty rules of `country`'s customs area in force on the table's day."""
        return self._duty_rules.get(customs_area(country), ())

    def facts(
        self,
        *,
        offer_id: int,
        price_amount: int,
        seller_id: int,
        seller_country: str,
        ships_from: str,
        tax_class: str,
        country: str,
        hs_code: str = "",
        origin: str = "",
        net_grams: int | None = None,
        gross_grams: int | None = None,
        millilitres: int | None = None,
        tax_category: str = "",
    ) -> ParcelFacts:
        goods_country = ships_from or seller_country
        countries = frozenset((country, seller_country, goods_country))
        key = (tax_class, tax_category, countries)
        rates = self._rates.get(key)
        if rates is None:
            rates = self._rates[key] = rates_by_country(
                self.dated, tax_class=tax_class, countries=countries, day=self.day, category=tax_category
            )
        return ParcelFacts(
            seller_country=seller_country,
            goods_country=goods_country,
            seller_charges_destination_vat=seller_id in self.destination_vat,
            parts=(
                TaxPart(
                    key=offer_id,
                    unit_price=price_amount,
                    quantity=1,
                    rates=rates,
                    hs_code=hs_code,
                    origin=origin,
                    net_grams=net_grams,
                    gross_grams=gross_grams,
                    millilitres=millilitres,
                ),
            ),
            duty_rules=self.duty_rules(country),
            tariff=self.tariff,
            day=self.day,
            duty_handling=self.duty_handling,
            seller_distance_sales_eur_cents=self.distance_sales.get(seller_id, 0),
            excise_goods=is_excise_category(tax_category),
        )

    def offer_facts(self, offer, *, country: str) -> ParcelFacts:
        """The facts of an Offer instance (its seller and product loaded) for `country`."""
        return self.facts(
            offer_id=offer.pk,
            price_amount=offer.price_amount,
            seller_id=offer.seller_id,
            seller_country=offer.seller.country,
            ships_from=offer.ships_from_country,
            tax_class=offer.product.tax_class,
            country=country,
            hs_code=offer.product.hs_code,
            origin=offer.product.country_of_origin,
            net_grams=offer.product.weight_grams,
            gross_grams=offer.product.gross_weight_grams,
            millilitres=offer.product.volume_millilitres,
            tax_category=offer.product.tax_category,
        )


def offer_tax_table(*, seller_ids: set[int], countries: set[str] | None, day: dt.date) -> OfferTaxTable | None:
    """The tax facts table for offers of `seller_ids` sold to (or from) `countries` (None: every country with a rate,
    as the search index needs), with the duty rules and the tariff rates in force and the operator's duty handling. None
    when no VAT rate is loaded (prices stay as entered). Four queries."""
    from comptoir.taxes.conf import taxes_settings
    from comptoir.taxes.selectors import (
        duty_rules_in_force,
        seller_distance_positions,
        tariff_schedule,
        vat_rates_dated,
    )

    dated = vat_rates_dated(countries=countries, day=day)
    if not dated:
        return None
    positions = seller_distance_positions(seller_ids, year=day.year)
    return OfferTaxTable(
        dated=dated,
        destination_vat={seller_id for seller_id, position in positions.items() if position.charges_destination_vat},
        day=day,
        duty_rules=duty_rules_in_force(day=day),
        duty_handling=taxes_settings().duty_handling,
        tariff=tariff_schedule(day=day),
        distance_sales={seller_id: position.counted_eur_cents for seller_id, position in positions.items()},
    )


def offers_tax_facts(offers, *, country: str, day: dt.date) -> dict[int, ParcelFacts]:
    """offer id -> its one-unit ParcelFacts for a buyer in `country` on `day` (offers with seller and product loaded),
    with the destination's duty rules (a quote from them includes the duty checkout collects); empty when no VAT rate
    is loaded. Three queries, none without offers."""
    offers = list(offers)
    if not offers:
        return {}
    countries = {country} | {offer.seller.country for offer in offers} | {offer.ships_from_country for offer in offers}
    table = offer_tax_table(seller_ids={offer.seller_id for offer in offers}, countries=countries, day=day)
    if table is None:
        return {}
    return {offer.pk: table.offer_facts(offer, country=country) for offer in offers}


def offer_vat_quotes(offers, *, country: str, day: dt.date) -> dict[int, OfferVat | None]:
    """offer id -> its OfferVat for a consumer in `country` on `day` (None: no VAT rate loaded for it, or a sale the
    engine does not model). Offers need their seller and product loaded. Three queries (the rates of the countries
    involved, the sellers' tax profiles, the destination's duty rules), none when `offers` is empty."""
    quotes = _taxed_quotes(offers, country=country, day=day, shipping_for=lambda offer: None)
    found: dict[int, OfferVat | None] = {}
    for offer_id, quoted in quotes.items():
        parcel = None if quoted is None else quoted.tax
        found[offer_id] = (
            None
            if parcel is None or quoted is None
            else OfferVat(
                price=quoted.item,
                rate_bp=parcel.rate_bp,
                tax_country=parcel.liability.tax_country or "",
                collector=parcel.liability.collector.value,
                regime=parcel.liability.regime.value,
                import_charges_at_delivery=parcel.liability.import_charges_at_delivery,
                **_offer_duty(parcel, quoted.item.currency),
            )
        )
    return found


def _taxed_quotes(offers, *, country: str, day: dt.date, shipping_for, currency: str | None = None) -> dict:
    """offer id -> its Quote (offers.domain.pricing) for one unit delivered to a consumer in `country` on `day`, priced
    with its tax facts (VAT, duties) when VAT rates are loaded, else as entered (`quote.tax` None);
    `shipping_for(offer)` gives the shipping (None: not quoted). The three queries of `offer_vat_quotes`."""
    from comptoir.offers.conf import buyer_context, exchange_rates
    from comptoir.offers.domain.pricing import TaxedPricing
    from comptoir.taxes.conf import taxes_settings
    from comptoir.taxes.domain.charge import ParcelFacts, TaxPart
    from comptoir.taxes.domain.duties import DutyKind
    from comptoir.taxes.domain.rates import rates_by_country
    from comptoir.taxes.selectors import (
        duty_rules_for,
        seller_distance_positions,
        tariff_schedule,
        vat_rates_dated,
    )

    offers = list(offers)
    if not offers:
        return {}
    countries = {country} | {offer.seller.country for offer in offers} | {offer.ships_from_country for offer in offers}
    dated = vat_rates_dated(countries=countries, day=day)
    settings = taxes_settings()
    pricing = TaxedPricing(rates=exchange_rates(day), uniform_gross=settings.uniform_gross_prices)
    # The sellers' positions against EUR 10,000 (declared or counted over, and this year's count, orders placed and
    # not yet paid included): a unit that would itself cross is shown at destination VAT, as checkout charges it.
    positions = seller_distance_positions({offer.seller_id for offer in offers}, year=day.year) if dated else {}
    duty_rules = duty_rules_for(destination=country, day=day) if dated else ()
    # The tariff is read only where a `tariff` rule is in force (one query).
    tariff = (
        tariff_schedule(day=day, area=customs_area(country))
        if any(rule.kind is DutyKind.TARIFF for rule in duty_rules)
        else EMPTY_TARIFF
    )
    found: dict[int, Quote] = {}
    for offer in offers:
        buyer = buyer_context(country=country, currency=currency or offer.currency)
        shipping = shipping_for(offer)
        if not dated:
            found[offer.pk] = pricing.quote(price=offer.price, shipping=shipping, buyer=buyer)
            continue
        rates = rates_by_country(
            dated,
            tax_class=offer.product.tax_class,
            countries={country, offer.seller.country, offer.ships_from_country},
            day=day,
            category=offer.product.tax_category,
        )
        position = positions.get(offer.seller_id)  # None: no tax profile, nothing counted
        facts = ParcelFacts(
            seller_country=offer.seller.country,
            goods_country=offer.ships_from_country or offer.seller.country,
            seller_charges_destination_vat=position is not None and position.charges_destination_vat,
            parts=(
                TaxPart(
                    key=offer.pk,
                    unit_price=offer.price_amount,
                    quantity=1,
                    rates=rates,
                    hs_code=offer.product.hs_code,
                    origin=offer.product.country_of_origin,
                    net_grams=offer.product.weight_grams,
                    gross_grams=offer.product.gross_weight_grams,
                    millilitres=offer.product.volume_millilitres,
                ),
            ),
            duty_rules=duty_rules,
            tariff=tariff,
            day=day,
            duty_handling=settings.duty_handling,
            seller_distance_sales_eur_cents=0 if position is None else position.counted_eur_cents,
            excise_goods=is_excise_category(offer.product.tax_category),
        )
        found[offer.pk] = pricing.quote(price=offer.price, shipping=shipping, buyer=buyer, tax=facts)
    return found


@dataclass(frozen=True)
class DestinationPrice:
    """What one unit of an offer costs a consumer in one country, delivered (the API's `GET /products/{id}?country=`):
    the item and the cheapest shipping there with the VAT that applies, the duty paid at checkout (DDP), their sum
    (`delivered`, None when the offer does not ship there), converted into the buyer's currency when a rate allows, and
    what may be charged on delivery (DAP) with its estimate when known."""

    country: str
    item: Money
    shipping: Money | None
    duty: Money | None
    delivered: Money | None
    delivered_in_currency: Money | None
    vat: OfferVat | None


def offer_destination_prices(
    offers, *, country: str, day: dt.date, currency: str | None = None
) -> dict[int, DestinationPrice]:
    """offer id -> its DestinationPrice in `country` on `day` (`currency`: the buyer's, for `delivered_in_currency`).
    Offers need their seller, product and shipping profile's rates loaded (`offer_list_for_product`). The queries of
    `offer_vat_quotes`."""

    def shipping_for(offer) -> Money | None:
        candidates = rates_for_country(
            [
                Rate(
                    id=row.pk,
                    zone_name=row.zone_name,
                    countries=tuple(row.countries),
                    service_level=row.service_level,
                    carrier=row.carrier,
                    first_item=Money(row.first_item_amount, row.currency),
                    additional_item=Money(row.additional_item_amount, row.currency),
                    transit_days_min=row.transit_days_min,
                    transit_days_max=row.transit_days_max,
                )
                for row in offer.shipping_profile.rates.all()
                if row.currency == offer.currency
            ],
            country,
        )
        if not candidates:
            return None
        cheapest = min(candidates, key=lambda rate: (rate.first_item.amount, rate.transit_days_max, rate.id))
        return quote(cheapest, 1).price

    offers = list(offers)
    quotes = _taxed_quotes(offers, country=country, day=day, shipping_for=shipping_for, currency=currency)
    found: dict[int, DestinationPrice] = {}
    for offer in offers:
        quoted = quotes[offer.pk]
        parcel = quoted.tax
        found[offer.pk] = DestinationPrice(
            country=country,
            item=quoted.item,
            shipping=quoted.shipping,
            duty=quoted.duty,
            delivered=quoted.delivered,
            delivered_in_currency=quoted.total if currency else None,
            vat=None
            if parcel is None
            else OfferVat(
                price=quoted.item,
                rate_bp=parcel.rate_bp,
                tax_country=parcel.liability.tax_country or "",
                collector=parcel.liability.collector.value,
                regime=parcel.liability.regime.value,
                import_charges_at_delivery=parcel.liability.import_charges_at_delivery,
                **_offer_duty(parcel, quoted.item.currency),
            ),
        )
    return found


def _offer_duty(parcel, currency: str) -> dict:
    """OfferVat's duty fields from a parcel's DutyAssessment (taxes.domain.duties)."""
    duty = parcel.duty
    if duty is None or not duty.is_imported:
        return {}
    estimate = duty.at_delivery_estimate
    return {
        # What the buyer pays for the duty at checkout: the duty with the VAT on it (ParcelTax.duty_charged).
        "duty": Money(parcel.duty_charged, currency) if parcel.duty_charged else None,
        "duties_at_delivery": duty.charges_at_delivery,
        "at_delivery_estimate": Money(estimate, currency) if estimate else None,
    }

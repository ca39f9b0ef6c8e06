from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from comptoir.core.money import Money
from comptoir.offers.domain.shipping import Rate, ShippingQuote, promise_dates, quote, rates_for_country
from comptoir.offers.models import Offer, ShippingRate
from comptoir.sellers.models import SellerStatus

if TYPE_CHECKING:
    from comptoir.catalog.models import Category


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
# These compose the pure shipping core for one destination country. The search is a plain database
# match (catalog.selectors.product_search) refined in Python; the full-text engine of the search app
# replaces `product_offer_search` behind the same signature.

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
class _OfferRow:
    offer_id: int
    product_id: int
    condition: str
    ships_from: str
    quote: DeliveryQuote


def _offer_rows(offers, *, country: str, placed_on: dt.date) -> list[_OfferRow]:
    """Visible offers (a queryset) reduced to what cards and facets need; offers that do not ship to `country` are left
    out."""
    values = list(
        offers.values_list(
            "pk",
            "product_id",
            "price_amount",
            "currency",
            "condition",
            "ships_from_country",
            "handling_days",
            "shipping_profile_id",
        )
    )
    rates = shipping_rates_for_profiles({row[7] for row in values})
    cache: dict[tuple, DeliveryQuote | None] = {}
    rows = []
    for offer_id, product_id, amount, currency, condition, ships_from, handling_days, profile_id in values:
        key = (amount, currency, handling_days, profile_id)
        if key not in cache:
            cache[key] = delivery_quote(
                rates=rates.get(profile_id, []),
                price=Money(amount, currency),
                handling_days=handling_days,
                country=country,
                placed_on=placed_on,
            )
        found = cache[key]
        if found is not None:
            rows.append(_OfferRow(offer_id, product_id, condition, ships_from, found))
    return rows


@dataclass(frozen=True)
class ProductCard:
    """What a product tile shows: the lowest landed price to the buyer's country and how many offers reach it."""

    product_id: int
    lowest_landed: Money | None
    offer_count: int
    fastest_latest: dt.date | None


def _lowest_landed_amount(card: ProductCard) -> int:
    assert card.lowest_landed is not None  # a card is built from at least one offer that reaches the buyer
    return card.lowest_landed.amount


def _cards(rows: list[_OfferRow]) -> dict[int, ProductCard]:
    grouped: dict[int, list[_OfferRow]] = {}
    for row in rows:
        grouped.setdefault(row.product_id, []).append(row)
    cards = {}
    for product_id, product_rows in grouped.items():
        cheapest = min(product_rows, key=lambda row: (row.quote.landed.amount, row.offer_id))
        cards[product_id] = ProductCard(
            product_id, cheapest.quote.landed, len(product_rows), min(row.quote.latest for row in product_rows)
        )
    return cards


def product_cards(product_ids, *, country: str, placed_on: dt.date) -> dict[int, ProductCard]:
    """product id -> ProductCard over its visible offers that ship to `country` (products without one are absent)."""
    return _cards(
        _offer_rows(offer_visible_qs().filter(product_id__in=list(product_ids)), country=country, placed_on=placed_on)
    )


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


@dataclass(frozen=True)
class SearchFilters:
    query: str = ""
    category: Category | None = None
    conditions: tuple[str, ...] = ()
    ships_from: tuple[str, ...] = ()
    price_min: int | None = None  # minor units, compared with the landed price
    price_max: int | None = None
    max_delivery_days: int | None = None
    country: str = "FR"
    sort: str = "relevance"


@dataclass
class SearchResult:
    product_ids: list[int]
    cards: dict[int, ProductCard]
    condition_counts: list[tuple[str, int]] = field(default_factory=list)
    ships_from_counts: list[tuple[str, int]] = field(default_factory=list)
    delivery_counts: list[tuple[int, int]] = field(default_factory=list)
    category_counts: dict[int, int] = field(default_factory=dict)
    price_bounds: tuple[Money, Money] | None = None


def product_offer_search(filters: SearchFilters, *, placed_on: dt.date) -> SearchResult:
    """Products with at least one visible offer shipping to `filters.country` that passes every offer filter, sorted,
    with facet counts (products per value, each facet counted under all the other filters) and ProductCards over the
    passing offers.

    Relevance: query words found in the title count twice, in the brand once; ties by number of offers, then newest."""
    from comptoir.catalog.models import Category, Product
    from comptoir.catalog.selectors import product_search

    products = product_search(query=filters.query, category=filters.category)
    rows = _offer_rows(
        offer_visible_qs().filter(product_id__in=products.values("pk")), country=filters.country, placed_on=placed_on
    )

    def passes(row: _OfferRow, skip: str = "") -> bool:
        landed = row.quote.landed.amount
        return (
            (skip == "condition" or not filters.conditions or row.condition in filters.conditions)
            and (skip == "ships_from" or not filters.ships_from or row.ships_from in filters.ships_from)
            and (skip == "price" or filters.price_min is None or landed >= filters.price_min)
            and (skip == "price" or filters.price_max is None or landed <= filters.price_max)
            and (
                skip == "delivery"
                or filters.max_delivery_days is None
                or row.quote.days_to_latest <= filters.max_delivery_days
            )
        )

    def count_products(pairs) -> dict:
        seen: dict = {}
        for value, _product_id in set(pairs):
            seen[value] = seen.get(value, 0) + 1
        return seen

    matching = [row for row in rows if passes(row)]
    cards = _cards(matching)
    info = {
        pk: (title, brand, created_at, category_id)
        for pk, title, brand, created_at, category_id in Product.objects.filter(pk__in=list(cards)).values_list(
            "pk", "title", "brand", "created_at", "category_id"
        )
    }
    conditions = count_products((row.condition, row.product_id) for row in rows if passes(row, "condition"))
    origins = count_products((row.ships_from, row.product_id) for row in rows if passes(row, "ships_from"))
    delivery = [
        (days, len({row.product_id for row in rows if passes(row, "delivery") and row.quote.days_to_latest <= days}))
        for days in DELIVERY_DAY_BUCKETS
    ]
    priced = [row.quote.landed for row in rows if passes(row, "price")]
    currencies = {money.currency for money in priced}
    bounds = (
        (min(priced, key=lambda m: m.amount), max(priced, key=lambda m: m.amount))
        if priced and len(currencies) == 1
        else None
    )

    # Category counts: products per category id of every ancestor on their path (so any level of the tree can be shown).
    paths = dict(Category.objects.values_list("pk", "path"))
    category_counts: dict[int, int] = {}
    for _title, _brand, _created, category_id in info.values():
        for part in paths.get(category_id, "").strip("/").split("/"):
            if part:
                category_counts[int(part)] = category_counts.get(int(part), 0) + 1

    words = [word.lower() for word in filters.query.split()[:10]]

    def relevance(product_id: int):
        title, brand, created_at, _category = info[product_id]
        score = sum(2 * (word in title.lower()) + (word in brand.lower()) for word in words)
        return (-score, -cards[product_id].offer_count, -created_at.timestamp(), -product_id)

    ids = list(info)
    if filters.sort == "price_asc":
        ids.sort(key=lambda pk: (_lowest_landed_amount(cards[pk]), pk))
    elif filters.sort == "price_desc":
        ids.sort(key=lambda pk: (-_lowest_landed_amount(cards[pk]), pk))
    elif filters.sort == "newest":
        ids.sort(key=lambda pk: (-info[pk][2].timestamp(), -pk))
    else:
        ids.sort(key=relevance)
    return SearchResult(
        product_ids=ids,
        cards=cards,
        condition_counts=sorted(conditions.items(), key=lambda item: -item[1]),
        ships_from_counts=sorted(origins.items(), key=lambda item: (-item[1], item[0])),
        delivery_counts=delivery,
        category_counts=category_counts,
        price_bounds=bounds,
    )

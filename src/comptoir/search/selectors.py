"""Search reads: the ranked, faceted result list for a query and the featured offer of a product.

A query reads at most `candidate_limit` documents (the best text matches, or the best quality scores when there is no
text), applies the destination and the filters to them in memory, counts the facets over them and re-ranks them with
the pure ranking core. Seller quality comes from the trust app in three queries for the whole page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Count, F, Sum

from comptoir.catalog.models import Category
from comptoir.core.money import Money, currency_exponent
from comptoir.offers.domain.shipping import add_business_days
from comptoir.offers.selectors import ProductCard, offer_delivery_quotes, offer_list_for_product, offer_visible_qs
from comptoir.search.backends import get_backend
from comptoir.search.config import search_settings
from comptoir.search.domain.explain import Explanation, explain_featured, explain_result
from comptoir.search.domain.featured import FeaturedDecision, OfferFacts, choose_featured
from comptoir.search.domain.ranking import Candidate, rank
from comptoir.search.domain.text import parse_query
from comptoir.search.models import SearchDocument

SORTS = ("relevance", "price_asc", "price_desc", "newest")
DELIVERY_DAY_BUCKETS = (3, 5, 7, 10, 14)
RATING_BUCKETS = (4.5, 4.0, 3.0)
PRICE_BREAKS_MAJOR = (10, 25, 50, 100, 200, 500)


@dataclass(frozen=True)
class SellerQuality:
    trust_score: float
    visibility_multiplier: float
    tier: str
    is_eligible_for_featured: bool
    satisfaction: float  # trust's buyer-satisfaction pillar, 0–100
    rating: float | None  # credibility-weighted mean of the detailed seller ratings (1–5), None without reviews
    rating_count: int


def seller_quality_map(seller_ids) -> dict[int, SellerQuality]:
    """seller id -> SellerQuality (trust snapshot, satisfaction pillar, mean rating); three or four queries."""
    from comptoir.trust.models import Review, ReviewStatus, SellerTrust
    from comptoir.trust.selectors import seller_trust_map

    ids = {int(seller_id) for seller_id in seller_ids if seller_id is not None}
    if not ids:
        return {}
    snapshots = seller_trust_map(ids)
    satisfaction = dict(SellerTrust.objects.filter(seller_id__in=ids).values_list("seller_id", "satisfaction"))
    mean = (F("item_as_described") + F("communication") + F("shipping_speed") + F("packaging")) * F("credibility_permille")
    ratings = {row["seller_id"]: row for row in Review.objects.filter(seller_id__in=ids, status=ReviewStatus.PUBLISHED).values("seller_id").annotate(
        weighted=Sum(mean), weight=Sum("credibility_permille"), count=Count("id"))}
    result = {}
    for seller_id in ids:
        snapshot = snapshots.get(seller_id)
        rating = ratings.get(seller_id)
        result[seller_id] = SellerQuality(
            trust_score=float(snapshot.score) if snapshot else 50.0,
            visibility_multiplier=float(snapshot.visibility_multiplier) if snapshot else 1.0,
            tier=str(snapshot.tier) if snapshot else "new",
            is_eligible_for_featured=snapshot.is_eligible_for_featured if snapshot else True,
            satisfaction=float(satisfaction.get(seller_id, 50)),
            rating=(rating["weighted"] / 4 / rating["weight"]) if rating and rating["weight"] else None,
            rating_count=rating["count"] if rating else 0,
        )
    return result


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    category_id: int | None = None
    country: str = "FR"
    conditions: tuple[str, ...] = ()
    ships_from: tuple[str, ...] = ()
    price_min: int | None = None  # minor units, compared with the lowest landed price to `country`
    price_max: int | None = None
    max_delivery_days: int | None = None  # calendar days to the latest promised delivery
    min_rating: float | None = None  # the seller of the lowest landed price
    sort: str = "relevance"


@dataclass(frozen=True)
class SearchHit:
    product_id: int
    landed: Money
    delivery_days: int  # calendar days to the latest promised delivery (fastest offer)
    seller_id: int  # seller of the lowest landed price
    seller_rating: float | None
    explanation: Explanation


@dataclass
class Facets:
    categories: dict[int, int] = field(default_factory=dict)  # category id (and every ancestor) -> products
    conditions: list[tuple[str, int]] = field(default_factory=list)
    ships_from: list[tuple[str, int]] = field(default_factory=list)
    delivery: list[tuple[int, int]] = field(default_factory=list)  # (within N days, products)
    price_ranges: list[tuple[int, int | None, int]] = field(default_factory=list)  # (from, below, products), minor units
    price_bounds: tuple[Money, Money] | None = None
    ratings: list[tuple[float, int]] = field(default_factory=list)  # (at least N stars, products)


@dataclass
class SearchPage:
    hits: list[SearchHit]
    total: int
    is_capped: bool  # the candidate limit was reached: there may be more matches than `total`
    facets: Facets
    backend: str


@dataclass(frozen=True)
class _Row:
    product_id: int
    category_id: int
    created_at: dt.datetime
    conditions: frozenset
    ships_from: frozenset
    landed: int
    currency: str
    business_days: int
    days: int
    seller_id: int
    rating: float | None
    relevance: float
    views: int
    orders: int


@lru_cache(maxsize=64)
def _calendar_days(placed_on: dt.date, business_days: int) -> int:
    return (add_business_days(placed_on, business_days) - placed_on).days


def _category_paths() -> dict[int, str]:
    return dict(Category.objects.values_list("pk", "path"))


def search_products(query: SearchQuery, *, placed_on: dt.date) -> SearchPage:
    """Products matching every word of the text (stemmed, accents folded, last word as a prefix) that reach
    `query.country` and pass every filter, ranked (or sorted), with facet counts (each facet counted under all the
    other filters) and each hit's ranking explanation."""
    config = search_settings()
    backend = get_backend()
    parsed = parse_query(query.text)
    paths = _category_paths()
    scope_ids = None
    if query.category_id is not None:
        root = paths.get(query.category_id)
        scope_ids = [pk for pk, path in paths.items() if root is not None and path.startswith(root)]
    limit = config.candidate_limit
    fields = ("product_id", "category_id", "product_created_at", "conditions", "ships_from", "delivery", "views", "orders")
    if parsed.is_empty:
        relevance: dict[int, float] = {}
        documents = SearchDocument.objects.all()
        if scope_ids is not None:
            documents = documents.filter(category_id__in=scope_ids)
        documents = list(documents.order_by("-quality", "product_id").values_list(*fields)[:limit])
        candidates_found = len(documents)
    else:
        matches = backend.match(parsed, scope_ids=scope_ids, limit=limit)
        relevance = dict(matches)
        documents = list(SearchDocument.objects.filter(product_id__in=list(relevance)).values_list(*fields)) if matches else []
        candidates_found = len(matches)

    rows = []
    for product_id, category_id, created_at, conditions, ships_from, delivery, views, orders in documents:
        entry = delivery.get(query.country) or delivery.get("*")
        if entry is None:
            continue
        landed, business_days, seller_id = entry
        rows.append((product_id, category_id, created_at, frozenset(conditions.split()), frozenset(ships_from.split()), landed, business_days, seller_id,
                     relevance.get(product_id, 0.0), views, orders))
    currencies = dict(SearchDocument.objects.filter(product_id__in=[row[0] for row in rows]).values_list("product_id", "currency")) if rows else {}
    sellers = seller_quality_map({row[7] for row in rows})
    items = [_Row(product_id, category_id, created_at, conditions, ships_from, landed, currencies.get(product_id, "EUR"), business_days,
                  _calendar_days(placed_on, business_days), seller_id, sellers[seller_id].rating if seller_id in sellers else None, score, views, orders)
             for product_id, category_id, created_at, conditions, ships_from, landed, business_days, seller_id, score, views, orders in rows]

    def passes(row: _Row, skip: str = "") -> bool:
        return ((skip == "condition" or not query.conditions or not row.conditions.isdisjoint(query.conditions))
                and (skip == "ships_from" or not query.ships_from or not row.ships_from.isdisjoint(query.ships_from))
                and (skip == "price" or query.price_min is None or row.landed >= query.price_min)
                and (skip == "price" or query.price_max is None or row.landed <= query.price_max)
                and (skip == "delivery" or query.max_delivery_days is None or row.days <= query.max_delivery_days)
                and (skip == "rating" or query.min_rating is None or (row.rating is not None and row.rating >= query.min_rating)))

    facets = _facets(items, passes, paths)
    matching = [row for row in items if passes(row)]
    candidates = []
    for row in matching:
        quality = sellers.get(row.seller_id)
        candidates.append(Candidate(
            product_id=row.product_id, category_id=row.category_id, relevance=row.relevance, views=row.views, orders=row.orders,
            delivery_days=row.business_days, landed_price=row.landed,
            seller_trust=quality.trust_score if quality else 50.0, visibility_multiplier=quality.visibility_multiplier if quality else 1.0,
            seller_tier=quality.tier if quality else "new", satisfaction=quality.satisfaction if quality else 50.0))
    ranked = rank(candidates, config=config.ranking, has_text_query=not parsed.is_empty)
    by_id = {row.product_id: row for row in matching}
    if query.sort == "price_asc":
        ranked.sort(key=lambda result: (by_id[result.product_id].landed, result.product_id))
    elif query.sort == "price_desc":
        ranked.sort(key=lambda result: (-by_id[result.product_id].landed, result.product_id))
    elif query.sort == "newest":
        ranked.sort(key=lambda result: (-by_id[result.product_id].created_at.timestamp(), -result.product_id))
    hits = [SearchHit(result.product_id, Money(by_id[result.product_id].landed, by_id[result.product_id].currency), by_id[result.product_id].days,
                      by_id[result.product_id].seller_id, by_id[result.product_id].rating, explain_result(result)) for result in ranked]
    return SearchPage(hits=hits, total=len(hits), is_capped=candidates_found >= limit, facets=facets, backend=backend.name)


def _facets(items: list[_Row], passes, paths: dict[int, str]) -> Facets:
    def count(pairs) -> dict:
        seen: dict = {}
        for value in pairs:
            seen[value] = seen.get(value, 0) + 1
        return seen

    facets = Facets()
    conditions = count(value for row in items if passes(row, "condition") for value in row.conditions)
    origins = count(value for row in items if passes(row, "ships_from") for value in row.ships_from)
    facets.conditions = sorted(conditions.items(), key=lambda item: (-item[1], item[0]))
    facets.ships_from = sorted(origins.items(), key=lambda item: (-item[1], item[0]))
    delivery_days = [row.days for row in items if passes(row, "delivery")]
    facets.delivery = [(days, sum(1 for value in delivery_days if value <= days)) for days in DELIVERY_DAY_BUCKETS]
    ratings = [row.rating for row in items if passes(row, "rating") and row.rating is not None]
    facets.ratings = [(stars, sum(1 for value in ratings if value >= stars)) for stars in RATING_BUCKETS]
    priced = [row for row in items if passes(row, "price")]
    currencies = {row.currency for row in priced}
    if priced and len(currencies) == 1:
        currency = currencies.pop()
        low = min(priced, key=lambda row: row.landed).landed
        high = max(priced, key=lambda row: row.landed).landed
        facets.price_bounds = (Money(low, currency), Money(high, currency))
        unit = 10 ** currency_exponent(currency)
        breaks = [0, *(value * unit for value in PRICE_BREAKS_MAJOR), None]
        for start, stop in zip(breaks, breaks[1:]):
            products = sum(1 for row in priced if row.landed >= start and (stop is None or row.landed < stop))
            if products:
                facets.price_ranges.append((start, stop, products))
    categories: dict[int, int] = {}
    for row in items:
        if passes(row):
            for part in paths.get(row.category_id, "").strip("/").split("/"):
                if part:
                    categories[int(part)] = categories.get(int(part), 0) + 1
    facets.categories = categories
    return facets


def search_cards(product_ids, *, country: str, placed_on: dt.date, conditions=(), ships_from=()) -> dict[int, ProductCard]:
    """ProductCards for a page of results over the visible offers that pass the offer filters (condition, origin) and
    reach `country`: the lowest landed price, the number of offers and the earliest latest-delivery date."""
    offers = offer_visible_qs().filter(product_id__in=list(product_ids))
    if conditions:
        offers = offers.filter(condition__in=list(conditions))
    if ships_from:
        offers = offers.filter(ships_from_country__in=list(ships_from))
    offers = list(offers.only("pk", "product_id", "price_amount", "currency", "handling_days", "shipping_profile_id"))
    quotes = offer_delivery_quotes(offers, country=country, placed_on=placed_on)
    grouped: dict[int, list] = {}
    for offer in offers:
        if quotes[offer.pk] is not None:
            grouped.setdefault(offer.product_id, []).append((offer, quotes[offer.pk]))
    cards = {}
    for product_id, pairs in grouped.items():
        cheapest = min(pairs, key=lambda pair: (pair[1].landed.amount, pair[0].pk))[1]
        cards[product_id] = ProductCard(product_id, cheapest.landed, len(pairs), min(quote.latest for _offer, quote in pairs))
    return cards


# --- Featured offer ---------------------------------------------------------------------------------------------

@dataclass
class FeaturedOutcome:
    decision: FeaturedDecision
    offers: dict[int, object]  # offer id -> Offer (with seller)
    quotes: dict[int, object]  # offer id -> DeliveryQuote or None
    sellers: dict[int, SellerQuality]
    explanation: dict


def featured_offer_for_product(*, product_id: int, country: str, placed_on: dt.date) -> FeaturedOutcome:
    """The featured offer among the product's visible offers for a buyer in `country`, up to three alternatives and why."""
    from comptoir.sellers.models import SellerStatus

    offers = list(offer_list_for_product(product_id))
    quotes = offer_delivery_quotes(offers, country=country, placed_on=placed_on)
    sellers = seller_quality_map({offer.seller_id for offer in offers})
    facts = []
    for offer in offers:
        quote = quotes.get(offer.pk)
        quality = sellers.get(offer.seller_id)
        facts.append(OfferFacts(
            offer_id=offer.pk, seller_id=offer.seller_id, is_seller_verified=offer.seller.status == SellerStatus.VERIFIED, stock=offer.stock,
            landed_price=quote.landed.amount if quote else None, currency=offer.currency, days_to_latest=quote.days_to_latest if quote else None,
            fulfilment_method=offer.fulfilment_method, trust_score=quality.trust_score if quality else 50.0, seller_tier=quality.tier if quality else "new",
            is_eligible_for_featured=quality.is_eligible_for_featured if quality else True))
    decision = choose_featured(facts, config=search_settings().featured)
    return FeaturedOutcome(decision, {offer.pk: offer for offer in offers}, quotes, sellers, explain_featured(decision))

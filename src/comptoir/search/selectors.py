"""Search reads: the ranked, faceted result list for a query and the featured offer of a product.

A query reads at most `candidate_limit` documents (the best text matches, or the best quality scores when there is no
text) in one SQL statement that also extracts the destination's delivery entry, applies the filters to them in memory,
counts the facets over them and re-ranks them with the pure ranking core; explanations are built only for the hits
that are shown. Seller quality comes from the trust app in three queries for the whole page."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Count, F, Sum

from comptoir.catalog.models import Category
from comptoir.compliance.selectors import offers_sellable_to
from comptoir.core.money import Money, currency_exponent
from comptoir.offers.domain.pricing import (
    BuyerContext,
    OfferTerms,
    Quote,
    compared_amounts,
    quote_offers,
    uses_tax_facts,
)
from comptoir.offers.domain.shipping import add_business_days
from comptoir.offers.selectors import (
    DeliveryQuote,
    ProductCard,
    offer_delivery_quotes,
    offer_list_for_product,
    offer_visible_qs,
    offers_tax_facts,
)
from comptoir.search.backends import get_backend
from comptoir.search.conf import buyer_context, search_language, search_pricing, search_rates, search_settings
from comptoir.search.domain.delivery import ANYWHERE, delivery_keys
from comptoir.search.domain.explain import Explanation, explain_featured, explain_result
from comptoir.search.domain.featured import FeaturedDecision, OfferFacts, choose_featured
from comptoir.search.domain.ranking import Candidate, RankingConfig, RankingContext, order, ranked_result
from comptoir.search.domain.text import parse_query

if TYPE_CHECKING:
    from comptoir.offers.models import Offer

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


def seller_quality_map(seller_ids: Iterable[int | None]) -> dict[int, SellerQuality]:
    """seller id -> SellerQuality (trust snapshot, satisfaction pillar, mean rating); three or four queries."""
    from comptoir.trust.models import Review, ReviewStatus, SellerTrust
    from comptoir.trust.selectors import seller_trust_map

    ids = {int(seller_id) for seller_id in seller_ids if seller_id is not None}
    if not ids:
        return {}
    snapshots = seller_trust_map(ids)
    satisfaction = dict(SellerTrust.objects.filter(seller_id__in=ids).values_list("seller_id", "satisfaction"))
    mean = (F("item_as_described") + F("communication") + F("shipping_speed") + F("packaging")) * F(
        "credibility_permille"
    )
    ratings = {
        row["seller_id"]: row
        for row in Review.objects.filter(seller_id__in=ids, status=ReviewStatus.PUBLISHED)
        .values("seller_id")
        .annotate(weighted=Sum(mean), weight=Sum("credibility_permille"), count=Count("id"))
    }
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
class SellerRankingTrust:
    """What the ranking formula reads from a seller's trust (the copy the index stores for browsing)."""

    trust_score: float
    visibility_multiplier: float
    satisfaction: float


NEUTRAL_RANKING_TRUST = SellerRankingTrust(trust_score=50.0, visibility_multiplier=1.0, satisfaction=50.0)


def seller_ranking_trust_map(seller_ids: Iterable[int | None]) -> dict[int, SellerRankingTrust]:
    """seller id -> SellerRankingTrust for every id asked (the neutral prior without a trust row); three queries."""
    from comptoir.trust.models import SellerTrust
    from comptoir.trust.selectors import seller_trust_map

    ids = {int(seller_id) for seller_id in seller_ids if seller_id is not None}
    if not ids:
        return {}
    snapshots = seller_trust_map(ids)
    satisfaction = dict(SellerTrust.objects.filter(seller_id__in=ids).values_list("seller_id", "satisfaction"))
    result = {}
    for seller_id in ids:
        snapshot = snapshots.get(seller_id)
        result[seller_id] = SellerRankingTrust(
            trust_score=float(snapshot.score) if snapshot else 50.0,
            visibility_multiplier=float(snapshot.visibility_multiplier) if snapshot else 1.0,
            satisfaction=float(satisfaction.get(seller_id, 50)),
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
    currency: str | None = None  # of price_min/price_max and the price sorts; None: the site's currency (search conf)
    # Option filters: ((group, (value, …)), …): a variant passes when its value of each group is one of those listed
    # (values of one group are alternatives, groups combine); a product without that group does not pass.
    options: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # The buyer's language ("de"): the text is matched against that language's index entries, analysed with its
    # stemmer (docs/SEARCH.md, "Languages"). None or a language the index lacks: the site's default language.
    language: str | None = None


class SearchHit:
    """One result. The explanation (and the Money of the landed price) are built on first access, so a query pays for
    them only on the page it shows."""

    __slots__ = (
        "_candidate",
        "_config",
        "_context",
        "_currency",
        "_explanation",
        "_landed_amount",
        "delivery_days",
        "family_id",
        "option_choices",
        "product_id",
        "score",
        "seller_id",
        "seller_rating",
        "variant_ids",
    )

    def __init__(
        self,
        *,
        product_id: int,
        landed_amount: int,
        currency: str,
        delivery_days: int,
        seller_id: int,
        seller_rating: float | None,
        score: float,
        candidate: Candidate,
        context: RankingContext,
        config: RankingConfig,
    ):
        self.product_id = product_id
        self.delivery_days = delivery_days  # calendar days to the latest promised delivery (fastest offer)
        self.seller_id = seller_id  # seller of the lowest landed price
        self.seller_rating = seller_rating
        self.score = score
        self._landed_amount, self._currency = landed_amount, currency
        self._candidate, self._context, self._config = candidate, context, config
        self._explanation: Explanation | None = None
        # A family's hit stands for its matching variants: `product_id` is the best ranked of them, the landed price
        # the lowest ("from"), `option_choices` the values they offer per group. Plain products: None, [id], {}.
        self.family_id: int | None = None
        self.variant_ids: list[int] = [product_id]
        self.option_choices: dict[str, list[str]] = {}

    @property
    def card_product_id(self) -> int:
        """The product a result card shows: the family of a variant, else the product itself."""
        return self.family_id if self.family_id is not None else self.product_id

    @property
    def landed(self) -> Money:
        return Money(self._landed_amount, self._currency)

    @property
    def explanation(self) -> Explanation:
        if self._explanation is None:
            self._explanation = explain_result(ranked_result(self._candidate, self._context, self._config))
        return self._explanation

    def __repr__(self) -> str:
        return f"SearchHit(product_id={self.product_id}, score={self.score:.4f})"


@dataclass
class Facets:
    categories: dict[int, int] = field(default_factory=dict)  # category id (and every ancestor) -> products
    conditions: list[tuple[str, int]] = field(default_factory=list)
    ships_from: list[tuple[str, int]] = field(default_factory=list)
    delivery: list[tuple[int, int]] = field(default_factory=list)  # (within N days, products)
    price_ranges: list[tuple[int, int | None, int]] = field(
        default_factory=list
    )  # (from, below, products), minor units
    price_bounds: tuple[Money, Money] | None = None
    ratings: list[tuple[float, int]] = field(default_factory=list)  # (at least N stars, products)
    # [(option group, [(value, products), …]), …]: groups of the candidates' variants, most common first.
    options: list[tuple[str, list[tuple[str, int]]]] = field(default_factory=list)


@dataclass
class SearchPage:
    hits: list[SearchHit]
    total: int
    is_capped: bool  # the candidate limit was reached: there may be more matches than `total`
    facets: Facets
    backend: str


# A candidate failing a filter carries its bit; it counts in a facet when it fails no filter but (maybe) that facet's
# own.
CONDITION, SHIPS_FROM, PRICE, DELIVERY, RATING, OPTION = 1, 2, 4, 8, 16, 32
MAX_OPTION_FACETS = 6  # option groups shown as facets
MAX_OPTION_FACET_VALUES = 24  # values per option group shown
COUNTRY_CODE = re.compile(r"[A-Z]{2}")
MAX_SCOPE_BRANCHES = 64  # categories in a browsed subtree read index branch by branch; beyond, one filtered sort


@dataclass(slots=True)
class _Row:
    product_id: int
    category_id: int
    created_at: object  # datetime (PostgreSQL) or its ISO text (SQLite): only compared with its peers
    conditions: list
    ships_from: list
    landed: int
    currency: str
    business_days: int
    days: int
    seller_id: int
    rating: float | None
    relevance: float
    views: int
    orders: int
    family_id: int | None = None
    option_values: dict = field(default_factory=dict)
    failed: int = 0  # filter bits this candidate fails
    failed_options: frozenset = frozenset()  # the option groups whose filter it fails

    @property
    def group_id(self) -> int:
        """Results and facet counts are per family: the variants of one family count once."""
        return self.family_id if self.family_id is not None else self.product_id


@lru_cache(maxsize=64)
def _calendar_days(placed_on: dt.date, business_days: int) -> int:
    return (add_business_days(placed_on, business_days) - placed_on).days


def _category_paths() -> dict[int, str]:
    return dict(Category.objects.values_list("pk", "path"))


def _destination_entry_sql(vendor: str, country: str) -> tuple[str, list]:
    """SQL for the document's delivery entry for `country` — its own, else its VAT area's ("@EU"), else "*"
    (search.domain.delivery) — without decoding the whole `delivery` object in Python. On SQLite the keys are read by
    one `json_extract` with several paths, which parses the map once and gives a JSON array (the first non-null
    element is the entry); on PostgreSQL by `->` on the jsonb."""
    keys = delivery_keys(country) if COUNTRY_CODE.fullmatch(country) else (ANYWHERE,)
    if vendor == "postgresql":
        return f"COALESCE({', '.join(['d.delivery -> %s'] * len(keys))})::text", list(keys)
    return f"json_extract(d.delivery, {', '.join(['%s'] * len(keys))})", [f'$."{key}"' for key in keys]


def _destination_entry(text: str | None, *, vendor: str, country: str) -> list | None:
    """The entry from what `_destination_entry_sql` selected (None: no key matched)."""
    if text is None:
        return None
    value = json.loads(text)
    if vendor != "postgresql" and COUNTRY_CODE.fullmatch(country):
        return next((entry for entry in value if entry is not None), None)
    return value


def _candidate_rows(parsed, *, scope_ids: list[int] | None, country: str, limit: int, backend) -> list[tuple]:
    """At most `limit` documents — the best text matches, or without text the best `quality` of the scope — with the
    destination entry for `country`, in one statement."""
    entry, params = _destination_entry_sql(connection.vendor, country)
    columns = (
        "d.product_id, d.category_id, d.product_created_at, d.conditions, d.ships_from, d.views, d.orders, "
        f"d.currency, {entry}, d.family_id, CAST(d.option_values AS TEXT)"
    )
    if scope_ids is not None and not scope_ids:
        return []
    if parsed.is_empty:
        # The ids come first (LIMIT inside a subquery), so the delivery entry is extracted for `limit` rows only, not
        # for every document of the scope before the sort.
        if scope_ids is None:
            ids_sql, ids_params = (
                "SELECT product_id AS id FROM search_searchdocument ORDER BY quality DESC, product_id LIMIT %s",
                [limit],
            )
        elif len(scope_ids) <= MAX_SCOPE_BRANCHES:
            # Each category's best `limit` straight from the (category_id, quality) index, merged: no sort of the whole
            # subtree.
            branches = " UNION ALL ".join(
                "SELECT * FROM (SELECT product_id, quality FROM search_searchdocument WHERE category_id = %s "
                f"ORDER BY quality DESC, product_id LIMIT %s) AS c{index}"
                for index in range(len(scope_ids))
            )
            ids_sql = f"SELECT product_id AS id FROM ({branches}) AS scoped ORDER BY quality DESC, product_id LIMIT %s"
            ids_params = [value for category_id in scope_ids for value in (category_id, limit)] + [limit]
        else:
            ids_sql = (
                "SELECT product_id AS id FROM search_searchdocument "
                f"WHERE category_id IN ({', '.join(['%s'] * len(scope_ids))}) "
                "ORDER BY quality DESC, product_id LIMIT %s"
            )
            ids_params = [*scope_ids, limit]
        sql = f"SELECT {columns}, 0.0 FROM ({ids_sql}) m JOIN search_searchdocument d ON d.product_id = m.id"
        params = [*params, *ids_params]
    else:
        match_sql, match_params = backend.match_sql(parsed, scope_ids=scope_ids, limit=limit)
        sql = f"SELECT {columns}, m.relevance FROM ({match_sql}) m JOIN search_searchdocument d ON d.product_id = m.id"
        params = [*params, *match_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def search_products(query: SearchQuery, *, placed_on: dt.date) -> SearchPage:
    """Products matching every word of the text (stemmed, accents folded, last word as a prefix) that reach
    `query.country` and pass every filter, ranked (or sorted), with facet counts (each facet counted under all the
    other filters) and each hit's ranking explanation (built when read).

    Work per query is bounded by `candidate_limit`: one SQL statement returns the candidates with what filters, facets
    and ranking need (the destination's entry is extracted in SQL), one more reads the sellers' quality."""
    config = search_settings()
    backend = get_backend()
    parsed = parse_query(query.text, search_language(query.language))
    paths = _category_paths()
    scope_ids = None
    if query.category_id is not None:
        root = paths.get(query.category_id)
        scope_ids = [pk for pk, path in paths.items() if root is not None and path.startswith(root)]
    limit = config.candidate_limit
    documents = _candidate_rows(parsed, scope_ids=scope_ids, country=query.country, limit=limit, backend=backend)
    candidates_found = len(documents)
    vendor = connection.vendor

    reachable = []
    for (
        product_id,
        category_id,
        created_at,
        conditions,
        ships_from,
        views,
        orders,
        currency,
        entry,
        family_id,
        option_values,
        relevance,
    ) in documents:
        entry = _destination_entry(entry, vendor=vendor, country=query.country)
        if not entry:  # no offer reaches the country, or none may be sold there (an empty entry: docs/COMPLIANCE.md)
            continue
        landed, business_days, seller_id = entry
        reachable.append(
            (
                product_id,
                category_id,
                created_at,
                conditions,
                ships_from,
                views,
                orders,
                currency,
                landed,
                business_days,
                seller_id,
                float(relevance),
                family_id,
                json.loads(option_values) if family_id is not None and option_values else {},
            )
        )
    sellers = seller_quality_map({row[10] for row in reachable})
    wanted_conditions, wanted_origins = set(query.conditions), set(query.ships_from)
    reference_currency = query.currency or config.currency
    # The index stores landed prices in the site's currency: a buyer who sees another one gets them converted with the
    # same rates as everywhere else (pricing seam), so filters, sorts and facets are in the currency shown.
    rates = search_rates() if reference_currency != config.currency else None
    items: list[_Row] = []
    for (
        product_id,
        category_id,
        created_at,
        conditions,
        ships_from,
        views,
        orders,
        currency,
        landed,
        business_days,
        seller_id,
        relevance,
        family_id,
        option_values,
    ) in reachable:
        if rates is not None and currency != reference_currency:
            converted = rates.convert(Money(landed, currency), reference_currency)
            if converted is not None:
                landed, currency = converted.amount, reference_currency
        quality = sellers.get(seller_id)
        rating = quality.rating if quality else None
        days = _calendar_days(placed_on, business_days)
        row = _Row(
            product_id,
            category_id,
            created_at,
            conditions.split(),
            ships_from.split(),
            landed,
            currency,
            business_days,
            days,
            seller_id,
            rating,
            relevance,
            views,
            orders,
            family_id,
            option_values,
        )
        failed = 0
        failed_options = frozenset(
            name for name, values in query.options if values and row.option_values.get(name) not in values
        )
        if failed_options:
            failed |= OPTION
            row.failed_options = failed_options
        if wanted_conditions and wanted_conditions.isdisjoint(row.conditions):
            failed |= CONDITION
        if wanted_origins and wanted_origins.isdisjoint(row.ships_from):
            failed |= SHIPS_FROM
        if (query.price_min is not None or query.price_max is not None) and (
            currency != reference_currency
            or (query.price_min is not None and landed < query.price_min)
            or (query.price_max is not None and landed > query.price_max)
        ):
            failed |= PRICE  # a landed price in another currency (no rate) cannot be said to be in the range
        if query.max_delivery_days is not None and days > query.max_delivery_days:
            failed |= DELIVERY
        if query.min_rating is not None and (rating is None or rating < query.min_rating):
            failed |= RATING
        row.failed = failed
        items.append(row)

    facets = _facets(items, paths, selected_options={name: set(values) for name, values in query.options if values})
    matching = [row for row in items if not row.failed]
    candidates = []
    for row in matching:
        quality = sellers.get(row.seller_id)
        candidates.append(
            Candidate(
                product_id=row.product_id,
                category_id=row.category_id,
                relevance=row.relevance,
                views=row.views,
                orders=row.orders,
                delivery_days=row.business_days,
                landed_price=row.landed,
                seller_trust=quality.trust_score if quality else 50.0,
                visibility_multiplier=quality.visibility_multiplier if quality else 1.0,
                seller_tier=quality.tier if quality else "new",
                satisfaction=quality.satisfaction if quality else 50.0,
            )
        )
    scored, context = order(candidates, config=config.ranking, has_text_query=not parsed.is_empty)
    by_id = {row.product_id: row for row in matching}
    # Landed prices are in each document's currency (the site's, through the pricing seam, unless no rate converts
    # the product's offers): documents in another currency sort after the others, never by their raw minor units.
    if query.sort == "price_asc":
        scored.sort(key=lambda pair: _price_key(by_id[pair[0].product_id], reference_currency, 1, pair[0].product_id))
    elif query.sort == "price_desc":
        scored.sort(key=lambda pair: _price_key(by_id[pair[0].product_id], reference_currency, -1, pair[0].product_id))
    elif query.sort == "newest":
        scored.sort(key=lambda pair: (by_id[pair[0].product_id].created_at, pair[0].product_id), reverse=True)
    hits = []
    group_hits: dict[int, SearchHit] = {}
    group_rows: dict[int, list[_Row]] = {}
    for row in matching:
        group_rows.setdefault(row.group_id, []).append(row)
    for candidate, score in scored:
        row = by_id[candidate.product_id]
        if row.group_id in group_hits:
            continue  # a family shows once, at the rank of its best variant
        hit = SearchHit(
            product_id=row.product_id,
            landed_amount=row.landed,
            currency=row.currency,
            delivery_days=row.days,
            seller_id=row.seller_id,
            seller_rating=row.rating,
            score=score,
            candidate=candidate,
            context=context,
            config=config.ranking,
        )
        if row.family_id is not None:
            _fold_family(hit, group_rows[row.group_id])
        group_hits[row.group_id] = hit
        hits.append(hit)
    return SearchPage(
        hits=hits, total=len(hits), is_capped=candidates_found >= limit, facets=facets, backend=backend.name
    )


def _fold_family(hit: SearchHit, rows: list[_Row]) -> None:
    """Make a variant's hit stand for its family's matching variants: their ids (best ranked first), the lowest landed
    price among those in the hit's currency ("from"), the values they offer per option group (first seen first)."""
    hit.family_id = rows[0].family_id
    hit.variant_ids = [hit.product_id, *(row.product_id for row in rows if row.product_id != hit.product_id)]
    comparable = [row for row in rows if row.currency == hit._currency]
    if comparable:
        cheapest = min(comparable, key=lambda row: (row.landed, row.product_id))
        hit._landed_amount = cheapest.landed
    choices: dict[str, list[str]] = {}
    for row in sorted(rows, key=lambda row: row.product_id):
        for name, value in row.option_values.items():
            values = choices.setdefault(name, [])
            if value not in values:
                values.append(value)
    hit.option_choices = choices


def _price_key(row: _Row, currency: str, direction: int, product_id: int) -> tuple[int, str, int, int]:
    if row.currency == currency:
        return (0, "", direction * row.landed, product_id)
    return (1, row.currency, direction * row.landed, product_id)


def _facets(items: list[_Row], paths: dict[int, str], *, selected_options: dict[str, set[str]]) -> Facets:
    """Facet counts over the candidates, each under every filter but its own (one pass per facet over at most
    `candidate_limit` rows). Counts are of results: a family counts once however many of its variants match."""

    def counted(bit: int) -> list[_Row]:
        return [row for row in items if not (row.failed & ~bit)]

    def tally(pairs: Iterable[tuple[object, int]]) -> dict:
        groups: dict[object, set[int]] = {}
        for key, group_id in pairs:
            groups.setdefault(key, set()).add(group_id)
        return {key: len(members) for key, members in groups.items()}

    facets = Facets()
    conditions = tally((value, row.group_id) for row in counted(CONDITION) for value in row.conditions)
    origins = tally((value, row.group_id) for row in counted(SHIPS_FROM) for value in row.ships_from)
    facets.conditions = sorted(conditions.items(), key=lambda item: (-item[1], item[0]))
    facets.ships_from = sorted(origins.items(), key=lambda item: (-item[1], item[0]))
    fastest: dict[int, int] = {}
    for row in counted(DELIVERY):
        fastest[row.group_id] = min(row.days, fastest.get(row.group_id, row.days))
    facets.delivery = [(days, sum(1 for value in fastest.values() if value <= days)) for days in DELIVERY_DAY_BUCKETS]
    best_rating: dict[int, float] = {}
    for row in counted(RATING):
        if row.rating is not None:
            best_rating[row.group_id] = max(row.rating, best_rating.get(row.group_id, row.rating))
    facets.ratings = [(stars, sum(1 for value in best_rating.values() if value >= stars)) for stars in RATING_BUCKETS]
    priced = counted(PRICE)
    currencies = {row.currency for row in priced}
    if priced and len(currencies) == 1:
        currency = currencies.pop()
        landed = [row.landed for row in priced]
        facets.price_bounds = (Money(min(landed), currency), Money(max(landed), currency))
        unit = 10 ** currency_exponent(currency)
        breaks = [0, *(value * unit for value in PRICE_BREAKS_MAJOR), None]
        for start, stop in itertools.pairwise(breaks):
            products = len(
                {row.group_id for row in priced if row.landed >= start and (stop is None or row.landed < stop)}
            )
            if products:
                facets.price_ranges.append((start, stop, products))
    facets.options = _option_facets(items, selected_options)
    by_category = tally((row.category_id, row.group_id) for row in items if not row.failed)
    categories: dict[int, int] = {}
    for category_id, products in by_category.items():
        for part in paths.get(category_id, "").strip("/").split("/"):
            if part:
                categories[int(part)] = categories.get(int(part), 0) + products
    facets.categories = categories
    return facets


def _option_facets(items: list[_Row], selected: dict[str, set[str]]) -> list[tuple[str, list[tuple[str, int]]]]:
    """Per option group, the families (or products) offering each value, under every filter but that group's own
    (multi-select: picking "M" still shows how many offer "L"). Groups most common first, a selected one always."""
    other_filters = ~OPTION
    families_per_group: dict[str, set[int]] = {}
    for row in items:
        if not (row.failed & other_filters):
            for name in row.option_values:
                families_per_group.setdefault(name, set()).add(row.group_id)
    names = sorted(families_per_group, key=lambda name: (-len(families_per_group[name]), name))
    shown = [name for name in names if name in selected]
    shown += [name for name in names if name not in selected][: max(0, MAX_OPTION_FACETS - len(shown))]
    result = []
    for name in sorted(shown, key=names.index):
        values: dict[str, set[int]] = {}
        for row in items:
            if row.failed & other_filters or not row.failed_options <= {name}:
                continue
            value = row.option_values.get(name)
            if value is not None:
                values.setdefault(value, set()).add(row.group_id)
        ordered = sorted(values.items(), key=lambda item: (-len(item[1]), item[0]))
        kept = [(value, len(members)) for value, members in ordered[:MAX_OPTION_FACET_VALUES]]
        kept += [
            (value, len(members))
            for value, members in ordered[MAX_OPTION_FACET_VALUES:]
            if value in selected.get(name, ())
        ]
        result.append((name, kept))
    return result


def search_cards(
    product_ids: Iterable[int],
    *,
    country: str,
    placed_on: dt.date,
    conditions: Iterable[str] = (),
    ships_from: Iterable[str] = (),
    buyer: BuyerContext | None = None,
) -> dict[int, ProductCard]:
    """ProductCards for a page of results over the visible offers that pass the offer filters (condition, origin) and
    reach `country`: the lowest delivered price for the buyer (through the pricing seam, in the buyer's currency; for
    a product whose offers none converts into it, the lowest within the currency most of them use), the number of
    offers and the earliest latest-delivery date. `buyer` defaults to a consumer in `country` paying in the site's
    currency."""
    buyer = buyer or buyer_context(country=country)
    pricing = search_pricing()
    offers_qs = offers_sellable_to(offer_visible_qs().filter(product_id__in=list(product_ids)), country)
    if conditions:
        offers_qs = offers_qs.filter(condition__in=list(conditions))
    if ships_from:
        offers_qs = offers_qs.filter(ships_from_country__in=list(ships_from))
    taxed = uses_tax_facts(pricing)
    fields = ["pk", "product_id", "price_amount", "currency", "handling_days", "shipping_profile_id"]
    if taxed:  # what the tax facts read: the seller's country, the goods' country, the product's tax class
        offers_qs = offers_qs.select_related("seller", "product")
        fields += [
            "seller_id",
            "ships_from_country",
            "seller__country",
            "product__tax_class",
            "product__tax_category",
            "product__hs_code",
            "product__country_of_origin",
            "product__weight_grams",
            "product__gross_weight_grams",
            "product__volume_millilitres",
        ]
    offers = list(offers_qs.only(*fields))
    tax_facts = offers_tax_facts(offers, country=country, day=placed_on) if taxed else {}
    deliveries = offer_delivery_quotes(offers, country=country, placed_on=placed_on)
    grouped: dict[int, list] = {}
    for offer in offers:
        delivery = deliveries[offer.pk]
        if delivery is not None:
            grouped.setdefault(offer.product_id, []).append((offer, delivery))
    cards = {}
    for product_id, pairs in grouped.items():
        quotes = quote_offers(
            (
                OfferTerms(offer.pk, offer.price, delivery.shipping.price, tax_facts.get(offer.pk))
                for offer, delivery in pairs
            ),
            buyer=buyer,
            pricing=pricing,
        )
        currency, amounts = compared_amounts(quotes)
        offer_id = min(amounts, key=lambda pk: (amounts[pk], pk))
        cards[product_id] = ProductCard(
            product_id,
            Money(amounts[offer_id], currency or buyer.currency),
            len(pairs),
            min(delivery.latest for _offer, delivery in pairs),
            quotes[offer_id].delivered,
        )
    return cards


# --- Featured offer ---------------------------------------------------------------------------------------------


@dataclass
class FeaturedOutcome:
    decision: FeaturedDecision
    offers: dict[int, Offer]  # offer id -> Offer (with seller)
    quotes: dict[int, DeliveryQuote | None]  # offer id -> the cheapest way it reaches the country (None: it does not)
    sellers: dict[int, SellerQuality]
    explanation: dict
    prices: dict[int, Quote] = field(default_factory=dict)  # offer id -> the pricing seam's Quote for the buyer


def featured_offer_for_product(
    *, product_id: int, country: str, placed_on: dt.date, buyer: BuyerContext | None = None
) -> FeaturedOutcome:
    """The featured offer among the product's visible offers for a buyer in `country`, up to three alternatives and
    why. Prices compete through the pricing seam: delivered totals in the buyer's currency (`buyer` defaults to a
    consumer in `country` paying in the site's currency); offers no rate converts are "other_currency"."""
    from comptoir.sellers.models import SellerStatus

    buyer = buyer or buyer_context(country=country)
    pricing = search_pricing()
    offers = list(offers_sellable_to(offer_list_for_product(product_id).select_related("product"), country))
    deliveries = offer_delivery_quotes(offers, country=country, placed_on=placed_on)
    # What the buyer pays at the destination: VAT-inclusive for a consumer (docs/TAXES.md), converted.
    tax_facts = offers_tax_facts(offers, country=country, day=placed_on) if uses_tax_facts(pricing) else {}
    prices = quote_offers(
        (
            OfferTerms(offer.pk, offer.price, delivery.shipping.price if delivery else None, tax_facts.get(offer.pk))
            for offer in offers
            for delivery in (deliveries.get(offer.pk),)
        ),
        buyer=buyer,
        pricing=pricing,
    )
    currency, amounts = compared_amounts(prices)
    sellers = seller_quality_map({offer.seller_id for offer in offers})
    facts = []
    for offer in offers:
        delivery = deliveries.get(offer.pk)
        price = prices[offer.pk]
        quality = sellers.get(offer.seller_id)
        landed: int | None
        if offer.pk in amounts:
            landed, landed_currency = amounts[offer.pk], currency or buyer.currency
        else:  # does not ship there (None), or in a currency the others are not compared in
            landed = price.delivered.amount if price.delivered else None
            landed_currency = offer.currency
        facts.append(
            OfferFacts(
                offer_id=offer.pk,
                seller_id=offer.seller_id,
                is_seller_verified=offer.seller.status == SellerStatus.VERIFIED,
                stock=offer.stock,
                landed_price=landed,
                currency=landed_currency,
                days_to_latest=delivery.days_to_latest if delivery else None,
                fulfilment_method=offer.fulfilment_method,
                trust_score=quality.trust_score if quality else 50.0,
                seller_tier=quality.tier if quality else "new",
                is_eligible_for_featured=quality.is_eligible_for_featured if quality else True,
            )
        )
    decision = choose_featured(facts, config=search_settings().featured, currency=currency)
    return FeaturedOutcome(
        decision,
        {offer.pk: offer for offer in offers},
        deliveries,
        sellers,
        explain_featured(decision),
        prices,
    )

"""Search writes: keeping the index in step with the catalog, offers and seller trust, recording product page views."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, F, Sum

from comptoir.catalog.models import Category, Product
from comptoir.catalog.selectors import product_text_table
from comptoir.compliance.selectors import blocked_countries_by_offer
from comptoir.core import clock
from comptoir.core.money import Money
from comptoir.offers.domain.pricing import BuyerContext, PricingStrategy, Quote, Rates, uses_tax_facts
from comptoir.offers.domain.shipping import rates_for_country
from comptoir.offers.selectors import OfferTaxTable, offer_tax_table, offer_visible_qs, shipping_rates_for_profiles
from comptoir.search.backends import get_backend
from comptoir.search.backends.base import IndexedText
from comptoir.search.conf import search_languages, search_pricing, search_rates, search_settings
from comptoir.search.domain.delivery import delivery_compact
from comptoir.search.domain.ranking import Candidate, browse_quality, seller_points
from comptoir.search.domain.text import index_words
from comptoir.search.models import ProductViewDaily, SearchDocument, SearchPriceBasis
from comptoir.taxes.domain.jurisdictions import vat_area
from comptoir.taxes.selectors import tax_rules_fingerprint

BATCH_SIZE = 2000
TRUST_REFRESH_SELLERS = 1000  # sellers per UPDATE of the trust copy (5 parameters each)


def _attribute_text(attributes) -> str:
    if not isinstance(attributes, dict):
        return ""
    values: list[str] = []
    for value in attributes.values():
        if isinstance(value, (list, tuple)):
            values.extend(str(item) for item in value)
        elif not isinstance(value, (dict, bool)) and value is not None:
            values.append(str(value))
    return " ".join(values)


ANY_COUNTRY = "ZZ"  # ISO 3166 user-assigned code: the buyer context of the "*" entry (every country no zone names)


def _product_currency(offers: list[tuple], *, rates: Rates, preferred: str) -> str:
    """The currency a product's document compares and stores prices in: the site's currency when at least one offer
    converts into it, else the currency most of its offers use (ties: alphabetical) — never chosen by comparing raw
    minor units of different currencies."""
    if any(rates.convert(Money(row[3], row[4]), preferred) is not None for row in offers):
        return preferred
    counts = Counter(row[4] for row in offers)
    return min(counts, key=lambda code: (-counts[code], code))


def _delivery_by_country(
    offers: list[tuple],
    rates: dict,
    *,
    currency: str,
    pricing: PricingStrategy,
    blocked: dict[int, set[str]] | None = None,
    tax: OfferTaxTable | None = None,
) -> dict[str, list[int]]:
    """country (or "*") -> [lowest landed, fewest business days to the latest promise, seller of the lowest landed],
    the landed prices quoted through the pricing seam for a buyer paying in `currency`; offers no rate converts into
    `currency` take no part. An offer `blocked` in a country (country rules, docs/COMPLIANCE.md) takes no part in its
    entry; such a country always gets its own entry, `[]` when no offer may be sold there.

    With a `tax` table (VAT rates loaded, a strategy that reads tax facts), each quote is what the buyer pays at the
    destination (VAT-inclusive for a consumer, docs/TAXES.md), and every country with a VAT rate that the "*" zone
    reaches gets its own entry too, unless it equals the "*" one (the lookup falls back to "*")."""
    blocked = blocked or {}
    blocked_countries = {country for offer in offers for country in blocked.get(offer[0], ())}
    countries = {country for row in offers for rate in rates.get(row[8], []) for country in rate.countries}
    taxed_extra = (tax.countries - countries) if tax is not None and "*" in countries else frozenset()
    delivery: dict[str, list[int]] = {}
    memo: dict[tuple, Quote] = {}
    for country in sorted(countries | blocked_countries, key=lambda code: code != "*") + sorted(taxed_extra):
        buyer = BuyerContext(country=ANY_COUNTRY if country == "*" else country, currency=currency)
        best: list[int] | None = None
        for (
            offer_id,
            _product_id,
            seller_id,
            price,
            offer_currency,
            _condition,
            _origin,
            handling,
            profile_id,
            seller_country,
            tax_class,
            hs_code,
            country_of_origin,
            net_grams,
            gross_grams,
            millilitres,
            tax_category,
        ) in offers:
            if country in blocked.get(offer_id, ()):
                continue
            options = [
                rate
                for rate in rates_for_country(rates.get(profile_id, []), country)
                if rate.first_item.currency == offer_currency
            ]
            if not options:
                continue
            # The rate checkout picks by default (cheapest, then fastest), as the storefront's delivery quotes do.
            rate = min(options, key=lambda item: (item.first_item.amount, item.transit_days_max, item.id))
            facts = (
                None
                if tax is None
                else tax.facts(
                    offer_id=offer_id,
                    price_amount=price,
                    seller_id=seller_id,
                    seller_country=seller_country,
                    ships_from=_origin,
                    tax_class=tax_class,
                    country=buyer.country,
                    hs_code=hs_code,
                    origin=country_of_origin,
                    net_grams=net_grams,
                    gross_grams=gross_grams,
                    millilitres=millilitres,
                    tax_category=tax_category,
                )
            )
            # The quote depends on the destination only through its VAT area (or being the seller's or the goods'
            # own country) and the rates — the duty through the customs area, which is the VAT area: computed once
            # per offer for all destinations that share them.
            memo_key = (
                None
                if facts is None
                else (
                    offer_id,
                    rate.id,
                    buyer.country
                    if buyer.country in (seller_country, facts.goods_country)
                    else vat_area(buyer.country),
                    tuple(sorted(facts.parts[0].rates.items())),
                )
            )
            quote = memo.get(memo_key) if memo_key is not None else None
            if quote is None:
                quote = pricing.quote(
                    price=Money(price, offer_currency), shipping=rate.first_item, buyer=buyer, tax=facts
                )
                if memo_key is not None:
                    memo[memo_key] = quote
            if quote.total is None:
                continue
            landed = quote.total.amount
            days = handling + rate.transit_days_max
            if best is None:
                best = [landed, days, seller_id]
            else:
                if landed < best[0]:
                    best[0], best[2] = landed, seller_id
                best[1] = min(best[1], days)
        if country in taxed_extra:
            if best is not None and best != delivery.get("*"):
                delivery[country] = best
        elif best is not None:
            delivery[country] = best
        elif country in blocked_countries:
            delivery[country] = []
    return delivery


def _category_names() -> dict[int, tuple[str, dict[str, str]]]:
    """Each category's path and its names per index language (with the English and French names, as the index held
    before it had languages, so a category stays findable by either)."""
    languages = search_languages()
    return {
        category.pk: (
            category.path,
            {
                language: " ".join(dict.fromkeys([category.name_in(language), category.name_en, category.name_fr]))
                for language in languages
            },
        )
        for category in Category.objects.only("pk", "path", "name_en", "name_fr", "names")
    }


def _index_batch(product_ids: list[int], *, categories, backend, config, since: dt.datetime) -> int:
    from comptoir.orders.models import OrderLine
    from comptoir.search.selectors import NEUTRAL_RANKING_TRUST, seller_ranking_trust_map

    products = list(
        Product.objects.filter(pk__in=product_ids).values_list(
            "pk",
            "title",
            "brand",
            "description",
            "attributes",
            "category_id",
            "created_at",
            "parent_id",
            "option_values",
        )
    )
    offers: dict[int, list[tuple]] = {}
    for row in (
        offer_visible_qs()
        .filter(product_id__in=product_ids)
        .values_list(
            "pk",
            "product_id",
            "seller_id",
            "price_amount",
            "currency",
            "condition",
            "ships_from_country",
            "handling_days",
            "shipping_profile_id",
            "seller__country",
            "product__tax_class",
            "product__hs_code",
            "product__country_of_origin",
            "product__weight_grams",
            "product__gross_weight_grams",
            "product__volume_millilitres",
            "product__tax_category",
        )
    ):
        offers.setdefault(row[1], []).append(row)
    blocked = blocked_countries_by_offer(row[0] for rows in offers.values() for row in rows)
    rates = shipping_rates_for_profiles({row[8] for rows in offers.values() for row in rows})
    exchange = search_rates()  # the published reference rates under the operator's fixed ones (offers.conf)
    pricing = search_pricing()
    # What buyers pay at each destination: VAT-inclusive for consumers, per (offer, country) at indexing time, so the
    # query reads it from the document (docs/SEARCH.md, "Prices at the destination").
    tax = (
        offer_tax_table(
            seller_ids={row[2] for rows in offers.values() for row in rows}, countries=None, day=clock.now().date()
        )
        if offers and uses_tax_facts(pricing)
        else None
    )
    views = dict(
        ProductViewDaily.objects.filter(product_id__in=product_ids, day__gte=since.date())
        .values("product_id")
        .annotate(total=Sum("views"))
        .values_list("product_id", "total")
    )
    orders = dict(
        OrderLine.objects.filter(product_id__in=product_ids, seller_order__placed_at__gte=since)
        .values("product_id")
        .annotate(total=Count("id"))
        .values_list("product_id", "total")
    )

    documents, texts = [], []
    languages = search_languages()
    # Each product's text in each language (translation, else its own; a variant its family's): one entry each.
    product_texts = product_text_table([row[0] for row in products if row[0] in offers], languages)
    for (
        pk,
        _title,
        brand,
        _description,
        _attributes,
        category_id,
        created_at,
        family_id,
        option_values,
    ) in products:
        product_offers = offers.get(pk)
        if not product_offers:
            continue
        currency = _product_currency(product_offers, rates=exchange, preferred=config.currency)
        delivery = _delivery_by_country(
            product_offers, rates, currency=currency, pricing=pricing, blocked=blocked, tax=tax
        )
        item_prices = [exchange.convert(Money(row[3], row[4]), currency) for row in product_offers]
        path, _names = categories.get(category_id, ("", {}))
        category_ids = [int(part) for part in path.strip("/").split("/") if part and int(part) in categories]
        documents.append(
            SearchDocument(
                product_id=pk,
                category_id=category_id,
                product_created_at=created_at,
                currency=currency,
                min_price=min(price.amount for price in item_prices if price is not None),
                offer_count=len(product_offers),
                conditions=" ".join(sorted({row[5] for row in product_offers})),
                ships_from=" ".join(sorted({row[6] for row in product_offers})),
                seller_ids=" ".join(str(seller) for seller in sorted({row[2] for row in product_offers})),
                min_handling_days=min(row[7] for row in product_offers),
                # Countries of a VAT area sharing an entry stored once (search.domain.delivery): a smaller map for
                # every query to read.
                delivery=delivery_compact(delivery),
                views=views.get(pk, 0) or 0,
                orders=orders.get(pk, 0),
                family_id=family_id,
                option_values=option_values if family_id is not None else {},
                indexed_at=clock.now(),
            )
        )
        for language in languages:
            text = product_texts[(pk, language)]
            category_words = " ".join(categories[category][1][language] for category in category_ids)
            texts.append(
                (
                    pk,
                    IndexedText(
                        index_words(text.title, language),
                        index_words(brand, language),
                        # A variant is found by its option values ("red shirt"); its text (and, without its own, its
                        # family's description) comes with its family's translations.
                        index_words(
                            f"{_attribute_text(text.attributes)} {_attribute_text(option_values)} {category_words}",
                            language,
                        ),
                        index_words(text.description, language),
                        language,
                    ),
                )
            )

    # Browsing without a query orders by a quality score: the ranking formula with full relevance, for the
    # destination-independent "*" zone when there is one (else the first named country). The seller's part is stored
    # apart (trust copy + base) so that `search_seller_trust_refresh` can recompute it without this function.
    sellers = seller_ranking_trust_map(
        {
            (document.delivery.get("*") or next(filter(None, document.delivery.values()), [0, 0, 0]))[2]
            for document in documents
        }
    )
    for document in documents:
        landed, days, seller_id = document.delivery.get("*") or next(
            filter(None, document.delivery.values()), [document.min_price, None, None]
        )
        trust = NEUTRAL_RANKING_TRUST if seller_id is None else sellers.get(seller_id, NEUTRAL_RANKING_TRUST)
        candidate = Candidate(
            product_id=document.product_id,
            category_id=document.category_id,
            relevance=1.0,
            views=document.views,
            orders=document.orders,
            delivery_days=days,
            landed_price=landed,
            seller_trust=trust.trust_score,
            visibility_multiplier=trust.visibility_multiplier,
            satisfaction=trust.satisfaction,
        )
        quality = browse_quality(candidate, config.ranking)
        document.quality, document.quality_base = quality.score, quality.base
        document.ranked_seller_id = seller_id
        document.seller_trust, document.seller_satisfaction, document.visibility_multiplier = (
            trust.trust_score,
            trust.satisfaction,
            trust.visibility_multiplier,
        )

    SearchDocument.objects.filter(product_id__in=product_ids).delete()
    backend.remove(product_ids)
    SearchDocument.objects.bulk_create(documents, batch_size=500)
    backend.replace(texts)
    return len(documents)


def search_index_products(*, product_ids: Iterable[int]) -> int:
    """(Re)index these products: a product with at least one visible offer gets its document and text, any other
    is removed from the index. Atomic; returns the number of products now indexed. Safe to repeat."""
    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return 0
    config = search_settings()
    since = clock.now() - dt.timedelta(days=config.conversion_window_days)
    backend = get_backend()
    categories = _category_names()
    indexed = 0
    with transaction.atomic():
        for start in range(0, len(ids), BATCH_SIZE):
            indexed += _index_batch(
                ids[start : start + BATCH_SIZE], categories=categories, backend=backend, config=config, since=since
            )
    return indexed


def search_index_sellers(*, seller_ids: Iterable[int]) -> int:
    """Reindex every product a seller offers (after a status change: suspension hides its offers)."""
    from comptoir.offers.models import Offer

    return search_index_products(
        product_ids=Offer.objects.filter(seller_id__in=list(seller_ids)).values_list("product_id", flat=True).distinct()
    )


def search_seller_trust_refresh(*, seller_ids: Iterable[int]) -> int:
    """Copy the current trust of these sellers (score, satisfaction pillar, visibility multiplier) onto the documents
    they rank (as the seller of the lowest landed price) and recompute those documents' browse `quality` from their
    stored base. Three reads of trust and one UPDATE per 1,000 sellers; the text and the other columns are not touched,
    nor are documents already holding the current copy. Idempotent; returns the number of documents updated.

    A suspended seller's documents are rebuilt without its offers by `search_index_sellers` (its status change); here
    its multiplier simply becomes 0 on whatever it still ranks."""
    from comptoir.search.selectors import seller_ranking_trust_map

    ids = sorted({int(seller_id) for seller_id in seller_ids})
    if not ids:
        return 0
    ranking = search_settings().ranking
    trusts = seller_ranking_trust_map(ids)
    updated = 0
    # No transaction of its own: each UPDATE stands alone and is idempotent (a run cut short is completed by the next
    # one).
    with connection.cursor() as cursor:
        for start in range(0, len(ids), TRUST_REFRESH_SELLERS):
            part = ids[start : start + TRUST_REFRESH_SELLERS]
            params: list = []
            for seller_id in part:
                trust = trusts[seller_id]
                params += [
                    seller_id,
                    trust.trust_score,
                    trust.satisfaction,
                    trust.visibility_multiplier,
                    seller_points(trust.trust_score, trust.satisfaction, ranking),
                ]
            row = "(CAST(%s AS BIGINT), " + ", ".join(["CAST(%s AS DOUBLE PRECISION)"] * 4) + ")"
            # Same arithmetic as `browse_quality` (multiplier × (base + points)), in double precision on both databases.
            cursor.execute(
                "WITH v (seller_id, trust, satisfaction, multiplier, points) "
                f"AS (VALUES {', '.join([row] * len(part))}) "
                "UPDATE search_searchdocument SET seller_trust = v.trust, seller_satisfaction = v.satisfaction, "
                "visibility_multiplier = v.multiplier, "
                "quality = v.multiplier * (search_searchdocument.quality_base + v.points) "
                "FROM v WHERE search_searchdocument.ranked_seller_id = v.seller_id "
                # Rows already holding this copy are not rewritten (a repeated or rolled-back-then-redelivered event
                # costs no write).
                "AND (search_searchdocument.seller_trust <> v.trust "
                "OR search_searchdocument.seller_satisfaction <> v.satisfaction "
                "OR search_searchdocument.visibility_multiplier <> v.multiplier)",
                params,
            )
            updated += max(cursor.rowcount, 0)
    return updated


@dataclass(frozen=True)
class ReindexReport:
    products_seen: int
    documents: int
    seconds: float


def search_reindex(
    *, batch_size: int = BATCH_SIZE, progress: Callable[[int, int], object] | None = None
) -> ReindexReport:
    """Rebuild the whole index from the catalog: clears it, then indexes every product in id order (one transaction
    per batch, so a large rebuild does not hold one huge transaction)."""
    started = time.perf_counter()
    backend = get_backend()
    config = search_settings()
    since = clock.now() - dt.timedelta(days=config.conversion_window_days)
    categories = _category_names()
    fingerprint = tax_rules_fingerprint()  # before the first batch: a change while it runs is re-priced later
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        backend.clear()
    product_ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    documents = 0
    for start in range(0, len(product_ids), batch_size):
        with transaction.atomic():
            documents += _index_batch(
                product_ids[start : start + batch_size],
                categories=categories,
                backend=backend,
                config=config,
                since=since,
            )
        if progress:
            progress(min(start + batch_size, len(product_ids)), len(product_ids))
    if hasattr(backend, "optimize"):
        backend.optimize()
    _price_basis_record(fingerprint)
    return ReindexReport(len(product_ids), documents, time.perf_counter() - started)


TAX_RULES = "tax_rules"


def _price_basis_record(fingerprint: str) -> None:
    SearchPriceBasis.objects.update_or_create(
        key=TAX_RULES, defaults={"fingerprint": fingerprint, "priced_at": clock.now()}
    )


def search_prices_follow_tax_rules(*, batch_size: int = BATCH_SIZE) -> int:
    """Re-price every indexed product when the VAT rates and duty rules in force today are not those the index was
    priced with (taxes.selectors.tax_rules_fingerprint): after a rate import or change, a duty rules load, an edit in
    the admin, or a rate or rule coming into force or lapsing (the scheduler asks every hour). Products are reindexed
    by `search_index_products`, one transaction per batch, so the index stays searchable throughout; the new basis is
    recorded after the last batch. Returns how many products were reindexed (0: the prices hold, or the pricing
    strategy reads no tax facts). Idempotent: a second run finds the basis current."""
    if not uses_tax_facts(search_pricing()):
        return 0
    fingerprint = tax_rules_fingerprint()
    if SearchPriceBasis.objects.filter(key=TAX_RULES, fingerprint=fingerprint).exists():
        return 0
    product_ids = list(SearchDocument.objects.order_by("product_id").values_list("product_id", flat=True))
    for start in range(0, len(product_ids), batch_size):
        search_index_products(product_ids=product_ids[start : start + batch_size])
    _price_basis_record(fingerprint)
    return len(product_ids)


def product_view_record(*, product_id: int, day: dt.date | None = None) -> None:
    """Count one product page view for `day` (today by default): one conditional UPDATE, an INSERT the first time."""
    day = day or clock.now().date()
    with transaction.atomic():
        updated = ProductViewDaily.objects.filter(product_id=product_id, day=day).update(views=F("views") + 1)
        if not updated:
            _row, created = ProductViewDaily.objects.get_or_create(
                product_id=product_id, day=day, defaults={"views": 1}
            )
            if not created:
                ProductViewDaily.objects.filter(product_id=product_id, day=day).update(views=F("views") + 1)

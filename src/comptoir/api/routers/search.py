"""Search with ranking explanations and facets; the featured offer of a product with its reasons."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Path as PathParam
from ninja import Query, Router, Schema
from pydantic import Field

from comptoir.api.routers.catalog import LANG_QUERY, request_language
from comptoir.api.routers.fx import DisplayCurrency, RateOriginOut, origin_out
from comptoir.api.schemas import (
    DEFAULT_PAGE_SIZE,
    MAX_ID,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    ConditionChoice,
    MoneyOut,
    money,
    problems,
)
from comptoir.catalog import errors as catalog_errors
from comptoir.catalog.models import Category, Product
from comptoir.catalog.selectors import products_localize
from comptoir.core import clock
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.core.money import is_known_currency
from comptoir.offers.domain.pricing import BuyerContext
from comptoir.offers.models import Condition
from comptoir.search import errors as search_errors
from comptoir.search.conf import buyer_context, search_rates, search_settings
from comptoir.search.selectors import SORTS, SearchQuery, featured_offer_for_product, search_products

router = Router(tags=["search"])

CURRENCY_DESCRIPTION = (
    "The buyer's display currency (the marketplace's by default): delivered prices are converted into it with the ECB "
    "reference rate in effect today (GET /fx/rates) and compared in it; offers no exchange rate converts into it are "
    "not compared with the others (still listed, in their own currency)."
)
CURRENCY_QUERY = Query(None, description=CURRENCY_DESCRIPTION)
SortChoice = Literal["relevance", "price_asc", "price_desc", "newest"]
SORT_QUERY = Query("relevance", description="relevance, price_asc, price_desc or newest.")
# Repeatable parameters: one Query object each (a list default built in the signature would be shared anyway).
CONDITION_QUERY = Query([], description="Repeatable.")
SHIPS_FROM_QUERY = Query([], description="Repeatable ISO country codes.")
OPTION_QUERY = Query(
    [],
    description="Repeatable option filters `<group>:<value>` (e.g. `Size:M`); values of one group are alternatives, "
    "groups combine.",
)


def _buyer(country: str, currency: str | None, errors: dict[str, str]) -> BuyerContext | None:
    """The API buyer's context from the query, or None with the problem recorded in `errors`."""
    country = country.upper()
    if not country.isalpha():
        errors["country"] = "An ISO 3166 alpha-2 country code."
    if currency is not None and not is_known_currency(currency.upper()):
        errors["currency"] = "An ISO 4217 currency code."
    if errors:
        return None
    return buyer_context(country=country, currency=currency.upper() if currency else None, channel="api")


class FactorOut(Schema):
    factor: str
    weight_percent: float = Field(description="The parameter's relative weight in the formula.")
    signal_percent: float = Field(description="How well this result does on the parameter (0–100).")
    points: float = Field(description="Its contribution to the score.")


class ExplanationOut(Schema):
    score: float
    base_score: float
    visibility_multiplier: float = Field(description="From the seller's standing: > 1 top rated, < 1 below standard.")
    seller_tier: str
    factors: list[FactorOut]


class SearchHitOut(Schema):
    product_id: int = Field(description="The product shown; for a family, its best ranked matching variant.")
    family_id: int | None = Field(
        None, description="The variant's family: a family is one result, standing for its matching variants."
    )
    variant_ids: list[int] = Field(
        description="The matching variants of a family (best ranked first), else [product_id]."
    )
    option_choices: dict[str, list[str]] = Field(description="A family's option values among its matching variants.")
    title: str
    brand: str
    category_id: int
    lowest_landed: MoneyOut = Field(
        description="Lowest price delivered to the country (item + cheapest shipping), in the buyer's currency when an "
        "exchange rate allows."
    )
    delivery_days: int = Field(description="Calendar days to the latest promised delivery of the fastest offer.")
    seller_id: int
    seller_rating: float | None
    explanation: ExplanationOut


class CountOut(Schema):
    value: str
    count: int


class PriceRangeOut(Schema):
    from_minor: int
    below_minor: int | None
    count: int


class OptionFacetOut(Schema):
    name: str = Field(description="An option group, such as Size.")
    values: list[CountOut]


class FacetsOut(Schema):
    categories: list[CountOut]
    conditions: list[CountOut]
    ships_from: list[CountOut]
    delivery_within_days: list[CountOut]
    price_ranges: list[PriceRangeOut]
    price_min: MoneyOut | None
    price_max: MoneyOut | None
    seller_rating_at_least: list[CountOut]
    options: list[OptionFacetOut] = Field(description="Option values of the matching variants (results per value).")


class SearchOut(Schema):
    query: str
    country: str
    total: int
    is_capped: bool = Field(description="The candidate limit was reached: more products may match; narrow the search.")
    page: int
    page_size: int
    results: list[SearchHitOut]
    facets: FacetsOut
    ranking_page: str = Field(description="Where the ranking parameters and weights are described.")
    currency: str = Field(description="The currency prices are compared and shown in (the display currency).")
    exchange_rate: RateOriginOut | None = Field(
        description="Where the rate converting the marketplace's prices into `currency` comes from; null when no "
        "conversion was needed or possible."
    )


@router.get(
    "/search",
    response={200: SearchOut, **problems(422)},
    auth=None,
    summary="Search products (ranked, explained, with facets)",
)
def search(
    request: HttpRequest,
    q: str = Query(
        "",
        max_length=200,
        description="Words in `lang` (accents and plurals do not matter; the last word may be a prefix).",
    ),
    lang: str | None = LANG_QUERY,
    category: int | None = Query(None, ge=1, le=MAX_ID),
    country: str = Query(
        "FR",
        min_length=2,
        max_length=2,
        description="Destination: prices are landed and delivery promised for it.",
    ),
    condition: list[ConditionChoice] = CONDITION_QUERY,
    ships_from: list[str] = SHIPS_FROM_QUERY,
    price_min: int | None = Query(None, ge=0, description="Minor units, compared with the lowest landed price."),
    price_max: int | None = Query(None, ge=0),
    delivery_days: int | None = Query(None, ge=0, le=365, description="Delivered within this many calendar days."),
    rating: float | None = Query(None, ge=1, le=5, description="Seller rating at least (stars)."),
    sort: SortChoice = SORT_QUERY,
    currency: DisplayCurrency | None = CURRENCY_QUERY,
    option: list[str] = OPTION_QUERY,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
):
    errors: dict[str, str] = {}
    buyer = _buyer(country, currency, errors)
    if category is not None and not Category.objects.filter(pk=category).exists():
        errors["category"] = "No such category."
    if sort not in SORTS:
        errors["sort"] = f"One of {', '.join(SORTS)}."
    unknown = [value for value in condition if value not in Condition.values]
    if unknown:
        errors["condition"] = f"Unknown condition: {', '.join(unknown)}."
    options: dict[str, list[str]] = {}
    for item in option:
        name, separator, value = item.partition(":")
        if not separator or not name.strip() or not value.strip() or len(item) > 120:
            errors["option"] = "Each option filter is `<group>:<value>`, such as `Size:M`."
            break
        options.setdefault(name.strip(), []).append(value.strip())
    if errors or buyer is None:
        raise ValidationError("Invalid search.", code=search_errors.INVALID_SEARCH, fields=errors)
    query = SearchQuery(
        text=q,
        category_id=category,
        country=buyer.country,
        currency=buyer.currency,
        conditions=tuple(condition),
        ships_from=tuple(value.upper() for value in ships_from),
        price_min=price_min,
        price_max=price_max,
        max_delivery_days=delivery_days,
        min_rating=rating,
        sort=sort,
        options=tuple((name, tuple(values)) for name, values in options.items()),
        # The language's index and stemmer: `lang`, else Accept-Language (docs/SEARCH.md, "Languages").
        language=request_language(lang) or get_language(),
    )
    result = search_products(query, placed_on=clock.now().date())
    window = result.hits[(page - 1) * page_size : page * page_size]
    products = Product.objects.in_bulk([hit.card_product_id for hit in window])
    products_localize(products.values(), query.language)
    facets = result.facets
    return {
        "query": q,
        "country": query.country,
        "total": result.total,
        "is_capped": result.is_capped,
        "page": page,
        "page_size": page_size,
        "results": [
            {
                "product_id": hit.product_id,
                "family_id": hit.family_id,
                "variant_ids": hit.variant_ids,
                "option_choices": hit.option_choices,
                "title": products[hit.card_product_id].display_title,
                "brand": products[hit.card_product_id].brand,
                "category_id": products[hit.card_product_id].category_id,
                "lowest_landed": hit.landed.as_dict(),
                "delivery_days": hit.delivery_days,
                "seller_id": hit.seller_id,
                "seller_rating": round(hit.seller_rating, 2) if hit.seller_rating is not None else None,
                "explanation": hit.explanation.as_dict(),
            }
            for hit in window
            if hit.card_product_id in products
        ],
        "facets": {
            "categories": [{"value": str(pk), "count": count} for pk, count in sorted(facets.categories.items())],
            "conditions": [{"value": value, "count": count} for value, count in facets.conditions],
            "ships_from": [{"value": value, "count": count} for value, count in facets.ships_from],
            "delivery_within_days": [{"value": str(days), "count": count} for days, count in facets.delivery],
            "price_ranges": [
                {"from_minor": start, "below_minor": stop, "count": count} for start, stop, count in facets.price_ranges
            ],
            "price_min": facets.price_bounds[0].as_dict() if facets.price_bounds else None,
            "price_max": facets.price_bounds[1].as_dict() if facets.price_bounds else None,
            "seller_rating_at_least": [{"value": f"{stars:.1f}", "count": count} for stars, count in facets.ratings],
            "options": [
                {"name": name, "values": [{"value": value, "count": count} for value, count in values]}
                for name, values in facets.options
            ],
        },
        "ranking_page": "/ranking",
        "currency": query.currency,
        "exchange_rate": origin_out(search_rates().origin(search_settings().currency, query.currency or "")),
    }


class FeaturedFactorOut(Schema):
    factor: str
    weight_percent: float
    signal_percent: float
    points: float


class FeaturedOfferOut(Schema):
    offer_id: int
    seller_id: int
    seller_name: str
    price: MoneyOut
    landed: MoneyOut = Field(
        description="Price delivered to the country, in the offer's currency (what checkout charges)."
    )
    landed_for_buyer: MoneyOut | None = Field(
        description="The delivered price in the buyer's currency (the one offers are compared in); null without a rate."
    )
    days_to_latest: int
    condition: str
    fulfilment_method: str
    score: float
    factors: list[FeaturedFactorOut]


class FeaturedOut(Schema):
    product_id: int
    country: str
    winner: FeaturedOfferOut | None
    alternatives: list[FeaturedOfferOut]
    ineligible: dict[str, list[str]] = Field(description="offer id -> reasons it cannot be featured.")
    weights_percent: dict[str, float]


@router.get(
    "/products/{product_id}/featured-offer",
    response={200: FeaturedOut, **problems(404, 422)},
    auth=None,
    summary="The featured offer of a product, alternatives and why",
)
def featured_offer(
    request: HttpRequest,
    product_id: int = PathParam(..., ge=1, le=MAX_ID),
    country: str = Query("FR", min_length=2, max_length=2),
    currency: DisplayCurrency | None = CURRENCY_QUERY,
):
    errors: dict[str, str] = {}
    buyer = _buyer(country, currency, errors)
    if errors or buyer is None:
        raise ValidationError("Invalid request.", code=search_errors.INVALID_SEARCH, fields=errors)
    if not Product.objects.filter(pk=product_id).exists():
        raise NotFound("No such product.", code=catalog_errors.PRODUCT_NOT_FOUND)
    outcome = featured_offer_for_product(
        product_id=product_id, country=buyer.country, placed_on=clock.now().date(), buyer=buyer
    )
    explanation = outcome.explanation

    def offer_out(item: dict) -> dict:
        offer, quote = outcome.offers[item["offer_id"]], outcome.quotes[item["offer_id"]]
        assert quote is not None, "a featured or alternative offer ships to the country (eligibility)"
        total = outcome.prices[offer.pk].total
        return {
            "offer_id": offer.pk,
            "seller_id": offer.seller_id,
            "seller_name": offer.seller.name,
            "price": money(offer.price_amount, offer.currency),
            "landed": quote.landed.as_dict(),
            "landed_for_buyer": total.as_dict() if total else None,
            "days_to_latest": quote.days_to_latest,
            "condition": offer.condition,
            "fulfilment_method": offer.fulfilment_method,
            "score": item["score"],
            "factors": item["factors"],
        }

    return {
        "product_id": product_id,
        "country": buyer.country,
        "winner": offer_out(explanation["winner"]) if explanation["winner"] else None,
        "alternatives": [offer_out(item) for item in explanation["alternatives"]],
        "ineligible": explanation["ineligible"],
        "weights_percent": explanation["weights_percent"],
    }

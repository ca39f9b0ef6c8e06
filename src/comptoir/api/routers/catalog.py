"""Catalog browsing: categories, product search, a product with every visible offer."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.http import HttpRequest
from ninja import Path as PathParam
from ninja import Query, Router, Schema
from pydantic import Field

from comptoir.api.routers.fx import DisplayCurrency, RateOriginOut, origin_out
from comptoir.api.schemas import (
    DEFAULT_PAGE_SIZE,
    MAX_ID,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    MoneyOut,
    iso,
    money,
    page_of,
    paginate,
    problems,
)
from comptoir.catalog import errors as catalog_errors
from comptoir.catalog.domain.identifiers import normalise_gtin
from comptoir.catalog.selectors import (
    category_get,
    category_list,
    product_family_variants,
    product_get,
    product_get_by_gtin,
    product_search,
    products_localize,
)
from comptoir.core import clock
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.core.money import Money
from comptoir.offers.conf import exchange_rates
from comptoir.offers.domain.pricing import Rates
from comptoir.offers.selectors import offer_destination_prices, offer_list_for_product, offer_visible_qs

CURRENCY_QUERY_DESCRIPTION = (
    "Also show prices converted into this display currency (ECB reference rate in effect today, GET /fx/rates); "
    "offers are charged in their own currency."
)
CURRENCY_QUERY = Query(None, description=CURRENCY_QUERY_DESCRIPTION)

router = Router(tags=["catalog"])


class CategoryOut(Schema):
    id: int
    slug: str
    name: str
    names: dict[str, str] = Field(default_factory=dict, description="Names in other languages, by language code.")
    name_en: str
    name_fr: str
    parent_id: int | None
    depth: int
    path: str = Field(description="Materialised path of ids, e.g. /1/7/42/.")


class ImageOut(Schema):
    url: str
    alt_text: str


class ProductSummaryOut(Schema):
    id: int
    gtin: str | None
    title: str
    brand: str
    category_id: int
    image: ImageOut | None
    prices_from: list[MoneyOut] = Field(description="The lowest visible offer price, one per currency offered.")
    offer_count: int
    price_from_in_currency: MoneyOut | None = Field(
        None,
        description="With `currency`: the lowest offer price converted into it (offers without a rate left out); "
        "null without `currency` or without any rate.",
    )


class SellerRefOut(Schema):
    id: int
    name: str
    slug: str


class ShippingOptionOut(Schema):
    zone_name: str
    countries: list[str]
    service_level: str
    carrier: str
    first_item: MoneyOut
    additional_item: MoneyOut
    transit_days_min: int
    transit_days_max: int


class OfferVatOut(Schema):
    rate: str = Field(description="The VAT rate in percent as a decimal string (22, 5.5); 0 when none is charged.")
    tax_country: str = Field(description="Whose VAT applies (ISO 3166 alpha-2).")
    collector: str = Field(description="seller, marketplace (deemed supplier), buyer (reverse charge) or customs.")
    regime: str = Field(description="The VAT regime (docs/TAXES.md), e.g. eu_import_ioss, uk_marketplace, export.")


class DestinationPriceOut(Schema):
    country: str
    item: MoneyOut = Field(description="One unit for a consumer there: incl. the VAT charged at checkout, else net.")
    shipping: MoneyOut | None = Field(description="The cheapest shipping of one unit there; null: no delivery there.")
    duty: MoneyOut | None = Field(description="Customs duty paid at checkout (delivered duty paid); null when none.")
    delivered: MoneyOut | None = Field(
        description="item + shipping + duty, in the offer's currency; null: no delivery."
    )
    delivered_in_currency: MoneyOut | None = Field(
        description="With `currency`: `delivered` converted into it; null without `currency` or without a rate."
    )
    vat: OfferVatOut | None = Field(description="The VAT decision; null when no VAT rate is loaded for the sale.")
    charges_at_delivery: bool = Field(
        description="Import VAT or duties may be charged on delivery (DAP): tell the buyer before paying."
    )
    at_delivery_estimate: MoneyOut | None = Field(
        description="The estimate of what may be charged on delivery, when every part of it is known; else null."
    )


class ProductOfferOut(Schema):
    id: int
    seller: SellerRefOut
    price: MoneyOut
    in_stock: bool
    stock: int
    condition: str
    condition_note: str
    handling_days: int
    ships_from_country: str
    fulfilment_method: str
    return_policy_days: int
    shipping: list[ShippingOptionOut]
    price_in_currency: MoneyOut | None = Field(
        None, description="With `currency`: the price converted into it; null without `currency` or without a rate."
    )
    exchange_rate: RateOriginOut | None = Field(
        None, description="Where the rate of `price_in_currency` comes from (null when none was used)."
    )
    destination: DestinationPriceOut | None = Field(
        None, description="With `country`: the price delivered there, with its VAT and duties; null without `country`."
    )


class VariantOut(Schema):
    id: int
    gtin: str | None
    title: str
    option_values: dict[str, str]


class ProductOut(Schema):
    id: int
    gtin: str | None
    title: str = Field(description="In the request's language (`lang`, else Accept-Language) when translated.")
    description: str
    brand: str
    category: CategoryOut
    attributes: dict
    language: str = Field(description="The language the product was written in.")
    text_language: str = Field(
        "", description="The language of `title`, `description` and `attributes` (a translation, else `language`)."
    )
    weight_grams: int | None = Field(description="Net weight of one unit, in grams.")
    gross_weight_grams: int | None = Field(None, description="Gross weight of one unit with its packing, in grams.")
    volume_millilitres: int | None = Field(None, description="Volume of one unit, in millilitres.")
    country_of_origin: str
    hs_code: str = Field("", description="Harmonized System code (6 to 10 digits); empty when the seller gave none.")
    images: list[ImageOut]
    created_at: str
    offers: list[ProductOfferOut] = Field(description="Every visible offer (active, verified seller), cheapest first.")
    family_id: int | None = Field(None, description="A variant's family (docs/CATALOG.md, Variants); else null.")
    option_names: list[str] = Field(
        default_factory=list, description="A family's option groups in order (e.g. Size, Colour); else empty."
    )
    option_values: dict[str, str] = Field(
        default_factory=dict, description="A variant's value per option group; else empty."
    )
    variants: list[VariantOut] = Field(
        default_factory=list, description="A family's variants in the order added (offers attach to them)."
    )


def category_out(category) -> dict:
    return {
        "id": category.pk,
        "slug": category.slug,
        "name": category.name,
        "name_en": category.name_en,
        "name_fr": category.name_fr,
        "names": category.names or {},
        "parent_id": category.parent_id,
        "depth": category.depth,
        "path": category.path,
    }


def _image_out(image) -> dict:
    return {"url": image.src, "alt_text": image.alt_text}


def _summaries(products, display_currency: str | None = None) -> list[dict]:
    prices: dict[int, dict[str, int]] = defaultdict(dict)
    counts: dict[int, int] = defaultdict(int)
    rows = (
        offer_visible_qs()
        .filter(product_id__in=[product.pk for product in products])
        .values_list("product_id", "price_amount", "currency")
    )
    for product_id, amount, currency in rows:
        counts[product_id] += 1
        if currency not in prices[product_id] or amount < prices[product_id][currency]:
            prices[product_id][currency] = amount
    result = []
    rates = exchange_rates() if display_currency else None
    products_localize(products, None)
    for product in products:
        images = list(product.images.all())
        converted = (
            [
                value
                for code, amount in prices[product.pk].items()
                for value in (rates.convert(Money(amount, code), display_currency),)
                if value is not None
            ]
            if rates is not None and display_currency
            else []
        )
        result.append(
            {
                "id": product.pk,
                "gtin": product.gtin,
                "title": product.display_title,
                "brand": product.brand,
                "category_id": product.category_id,
                "image": _image_out(images[0]) if images else None,
                "prices_from": [money(amount, currency) for currency, amount in sorted(prices[product.pk].items())],
                "offer_count": counts[product.pk],
                "price_from_in_currency": min(converted, key=lambda value: value.amount).as_dict()
                if converted
                else None,
            }
        )
    return result


def _destination_out(price) -> dict | None:
    if price is None:
        return None
    vat = price.vat

    def amount(value):
        return value.as_dict() if value is not None else None

    return {
        "country": price.country,
        "item": price.item.as_dict(),
        "shipping": amount(price.shipping),
        "duty": amount(price.duty),
        "delivered": amount(price.delivered),
        "delivered_in_currency": amount(price.delivered_in_currency),
        "vat": None
        if vat is None
        else {
            "rate": format(vat.rate_percent.normalize(), "f"),
            "tax_country": vat.tax_country,
            "collector": vat.collector,
            "regime": vat.regime,
        },
        "charges_at_delivery": bool(
            vat is not None
            and (vat.duties_at_delivery or (not vat.is_charged_at_checkout and vat.import_charges_at_delivery))
        ),
        "at_delivery_estimate": amount(vat.at_delivery_estimate) if vat is not None else None,
    }


def _offer_out(offer, currency: str | None = None, rates: Rates | None = None, destination=None) -> dict:
    converted = rates.convert(offer.price, currency) if rates is not None and currency else None
    return {
        "destination": _destination_out(destination),
        "price_in_currency": converted.as_dict() if converted is not None else None,
        "exchange_rate": origin_out(rates.origin(offer.currency, currency))
        if rates is not None and currency and converted is not None
        else None,
        "id": offer.pk,
        "seller": {"id": offer.seller_id, "name": offer.seller.name, "slug": offer.seller.slug},
        "price": money(offer.price_amount, offer.currency),
        "in_stock": offer.stock > 0,
        "stock": offer.stock,
        "condition": offer.condition,
        "condition_note": offer.condition_note,
        "handling_days": offer.handling_days,
        "ships_from_country": offer.ships_from_country,
        "fulfilment_method": offer.fulfilment_method,
        "return_policy_days": offer.return_policy_days,
        "shipping": [
            {
                "zone_name": rate.zone_name,
                "countries": rate.countries,
                "service_level": rate.service_level,
                "carrier": rate.carrier,
                "first_item": money(rate.first_item_amount, rate.currency),
                "additional_item": money(rate.additional_item_amount, rate.currency),
                "transit_days_min": rate.transit_days_min,
                "transit_days_max": rate.transit_days_max,
            }
            for rate in offer.shipping_profile.rates.all()
        ],
    }


def product_out(product, currency: str | None = None, language: str | None = None, country: str | None = None) -> dict:
    """The product with its text in `language` (the request's when None; docs/LANGUAGES.md fallback); with `country`,
    each offer's price delivered there with its VAT and duties (offers.selectors.offer_destination_prices)."""
    rates = exchange_rates() if currency else None
    products_localize([product], language)
    offers = list(offer_list_for_product(product.pk))
    for offer in offers:
        offer.product = product  # the tax facts read the product's class and HS code: no query per offer
    destinations = (
        offer_destination_prices(offers, country=country, day=clock.now().date(), currency=currency) if country else {}
    )
    return {
        "id": product.pk,
        "gtin": product.gtin,
        "title": product.display_title,
        "description": product.display_description,
        "brand": product.brand,
        "category": category_out(product.category),
        "attributes": product.display_attributes,
        "language": product.language,
        "text_language": product.display_language,
        "weight_grams": product.weight_grams,
        "gross_weight_grams": product.gross_weight_grams,
        "volume_millilitres": product.volume_millilitres,
        "country_of_origin": product.country_of_origin,
        "hs_code": product.hs_code,
        "images": [_image_out(image) for image in product.images.all()],
        "created_at": iso(product.created_at),
        "offers": [_offer_out(offer, currency, rates, destinations.get(offer.pk)) for offer in offers],
        "family_id": product.parent_id,
        "option_names": product.option_names or [],
        "option_values": product.option_values or {},
        "variants": [
            {
                "id": variant.pk,
                "gtin": variant.gtin,
                "title": variant.display_title,
                "option_values": variant.option_values,
            }
            for variant in _localized(list(product_family_variants(product.pk)) if product.is_family else [], language)
        ],
    }


def _localized(products: list, language: str | None) -> list:
    products_localize(products, language)
    return products


LANG_QUERY = Query(
    None,
    pattern=r"^[a-zA-Z]{2,8}([-_][a-zA-Z0-9]{1,8})?$",
    description="The language of the product text (en, fr, de, es, it); default: Accept-Language, else English.",
)


def request_language(lang: str | None) -> str | None:
    """The `lang` parameter's base language when the site speaks it, else None (the request's: Accept-Language)."""
    code = (lang or "").lower().replace("_", "-").split("-")[0]
    return code if code in {language for language, _name in settings.LANGUAGES} else None


@router.get("/categories", response=list[CategoryOut], auth=None, summary="List categories")
def categories(request: HttpRequest):
    """The whole category tree, in tree order (each node's path is its ancestors' ids)."""
    return [category_out(category) for category in category_list()]


@router.get(
    "/products", response={200: page_of(ProductSummaryOut), **problems(422)}, auth=None, summary="Search products"
)
def products(
    request: HttpRequest,
    q: str = Query(
        "",
        max_length=200,
        description="Words that must all appear (case-insensitive) in the title, brand or description.",
    ),
    category: int | None = Query(None, ge=1, le=MAX_ID, description="A category id; its subcategories are included."),
    include_unavailable: bool = Query(False, description="Also list products without any visible offer."),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
    currency: DisplayCurrency | None = CURRENCY_QUERY,
):
    """Simple search over the shared catalog. By default only products with at least one visible offer."""
    category_object = None
    if category is not None:
        category_object = category_get(category)
        if category_object is None:
            raise ValidationError(
                "Unknown category.", code=catalog_errors.CATEGORY_NOT_FOUND, fields={"category": "No such category."}
            )
    found = product_search(
        query=q, category=category_object, with_offers_in=None if include_unavailable else offer_visible_qs()
    )
    return paginate(
        found, page=page, page_size=page_size, present=lambda products: _summaries(products, display_currency=currency)
    )


@router.get(
    "/products/by-gtin/{gtin}",
    response={200: ProductOut, **problems(404, 422)},
    auth=None,
    summary="Find a product by GTIN",
)
def product_by_gtin(
    request: HttpRequest,
    gtin: str = PathParam(..., max_length=40, pattern=r"^[0-9 -]{1,40}$"),
    currency: DisplayCurrency | None = CURRENCY_QUERY,
    lang: str | None = LANG_QUERY,
):
    """GTIN-8, UPC-A (12), EAN-13 or GTIN-14; the check digit is verified."""
    _normalised, error = normalise_gtin(gtin)
    if error:
        raise ValidationError("Invalid GTIN.", code=catalog_errors.INVALID_GTIN, fields={"gtin": error})
    product = product_get_by_gtin(gtin)
    if product is None:
        raise NotFound("No product has this GTIN.", code=catalog_errors.PRODUCT_NOT_FOUND)
    return product_out(product_get(product.pk), currency, request_language(lang))


@router.get(
    "/products/{product_id}",
    response={200: ProductOut, **problems(404, 422)},
    auth=None,
    summary="A product with all its offers",
)
def product_detail(
    request: HttpRequest,
    product_id: int = PathParam(..., ge=1, le=MAX_ID),
    currency: DisplayCurrency | None = CURRENCY_QUERY,
    lang: str | None = LANG_QUERY,
    country: str | None = Query(
        None,
        pattern=r"^[A-Za-z]{2}$",
        description="A delivery country (ISO 3166 alpha-2): each offer's `destination` gives its price delivered there "
        "for a consumer, with the VAT that applies and the customs duty paid at checkout or owed on delivery.",
    ),
):
    """The product and its offers; with `country`, their prices for that destination (docs/TAXES.md)."""
    product = product_get(product_id)
    if product is None:
        raise NotFound("No such product.", code=catalog_errors.PRODUCT_NOT_FOUND)
    return product_out(product, currency, request_language(lang), country.upper() if country else None)

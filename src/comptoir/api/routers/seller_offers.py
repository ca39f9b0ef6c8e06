"""A seller's catalog side: offers, stock, shipping profiles, new catalog products.
Every read and write is scoped to the authenticated seller; another seller's ids are 404."""

from __future__ import annotations

import re
from typing import Annotated

from django.http import HttpRequest
from ninja import Path as PathParam
from ninja import Query, Router, Schema
from pydantic import Field, StrictStr

from comptoir.api.idempotency import run_idempotent
from comptoir.api.routers.catalog import ProductOut, product_out
from comptoir.api.schemas import (
    DEFAULT_PAGE_SIZE,
    MAX_ID,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    BodyId,
    BodyInt,
    ConditionChoice,
    CountryCode,
    CurrencyCode,
    FulfilmentMethodChoice,
    InputSchema,
    JsonInt,
    MoneyOut,
    StrictBool,
    between,
    iso,
    length,
    money,
    page_of,
    paginate,
    problems,
)
from comptoir.api.security import seller_auth, seller_principal
from comptoir.catalog.selectors import product_get
from comptoir.catalog.services import product_create
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.core.idempotency import validate_key
from comptoir.core.money import Money, validate_currency
from comptoir.offers import errors as offer_errors
from comptoir.offers.bulk import MAX_BULK_ITEMS, OfferBulkItem, offer_bulk_update
from comptoir.offers.models import Condition, FulfilmentMethod, Offer, ShippingProfile
from comptoir.offers.selectors import offer_list_for_seller
from comptoir.offers.services import (
    MAX_HANDLING_DAYS,
    MAX_STOCK,
    offer_create,
    offer_stock_bulk_set,
    offer_stock_set,
    offer_update,
    shipping_profile_create,
)

router = Router(tags=["seller: offers"])

READ = seller_auth("offers:read")
WRITE = seller_auth("offers:write")
PRICE_PATTERN = re.compile(r"^[0-9]{1,12}(\.[0-9]{1,4})?$")
Price = Annotated[StrictStr, Field(max_length=17, pattern=PRICE_PATTERN.pattern)]
PriceAmount = Annotated[JsonInt, between(1, MAX_ID)]
Stock = Annotated[JsonInt, between(0, MAX_STOCK)]
HandlingDays = Annotated[JsonInt, between(0, MAX_HANDLING_DAYS)]
ReturnPolicyDays = Annotated[JsonInt, between(0, 365)]
Dimension = Annotated[JsonInt, between(1, 10_000_000)]
PRICE_DESCRIPTION = (
    "Give the unit price either as `price_amount`, an integer in minor units (1234 = 12.34 EUR), or as `price`, "
    'a decimal string in major units ("12.34"); not both. It must be positive, at most the marketplace maximum '
    "(1,000,000 major units by default) and have no more decimals than the currency."
)

FULFILMENT_METHOD_DESCRIPTION = (
    f"One of {', '.join(FulfilmentMethod.values)}. `{FulfilmentMethod.MARKETPLACE}` is set by the marketplace's "
    "operators only (403 `fulfilment_method_reserved`); an offer they marked keeps it through your other changes."
)


class OfferOut(Schema):
    id: int
    sku: str
    product_id: int
    product_title: str
    price: MoneyOut
    stock: int
    condition: str
    condition_note: str
    handling_days: int
    ships_from_country: str
    fulfilment_method: str
    shipping_profile_id: int
    return_policy_days: int
    is_active: bool
    created_at: str
    updated_at: str


class OfferCreateIn(InputSchema):
    product_id: BodyId
    sku: Annotated[StrictStr, length(100, 1)]
    price_amount: PriceAmount | None = Field(None, description=PRICE_DESCRIPTION)
    price: Price | None = Field(None, description=PRICE_DESCRIPTION)
    currency: CurrencyCode = Field(description="ISO 4217 code, e.g. EUR.")
    stock: Stock = Field(description="0 to 1,000,000.")
    shipping_profile_id: BodyId
    condition: ConditionChoice = Field("new", description=f"One of {', '.join(Condition.values)}.")
    condition_note: Annotated[StrictStr, length(300)] = ""
    handling_days: HandlingDays = Field(1, description=f"Business days, 0 to {MAX_HANDLING_DAYS}.")
    ships_from_country: CountryCode | None = Field(None, description="ISO 3166 alpha-2; default: the seller's country.")
    fulfilment_method: FulfilmentMethodChoice = Field("merchant", description=FULFILMENT_METHOD_DESCRIPTION)
    return_policy_days: ReturnPolicyDays = Field(14, description="0 to 365.")


class OfferUpdateIn(InputSchema):
    """Only the fields sent are changed; null is refused."""

    price_amount: PriceAmount | None = Field(None, description=PRICE_DESCRIPTION)
    price: Price | None = Field(None, description=PRICE_DESCRIPTION)
    currency: CurrencyCode | None = None
    stock: Stock | None = None
    condition_note: Annotated[StrictStr, length(300)] | None = None
    handling_days: HandlingDays | None = None
    shipping_profile_id: BodyId | None = None
    is_active: StrictBool | None = None
    return_policy_days: ReturnPolicyDays | None = Field(None, description="0 to 365.")
    fulfilment_method: FulfilmentMethodChoice | None = Field(None, description=FULFILMENT_METHOD_DESCRIPTION)


class StockIn(InputSchema):
    stock: Stock = Field(description="The new number of units on hand, 0 to 1,000,000.")


class BulkStockIn(InputSchema):
    stock: dict[Annotated[StrictStr, length(100, 1)], Stock] = Field(
        min_length=1, max_length=1000, description="SKU -> units. All or nothing: one bad SKU refuses the batch."
    )


class BulkOfferItemIn(InputSchema):
    sku: Annotated[StrictStr, length(100, 1)]
    price_amount: PriceAmount | None = Field(None, description=PRICE_DESCRIPTION)
    price: Price | None = Field(None, description=PRICE_DESCRIPTION)
    currency: CurrencyCode | None = Field(
        None, description="ISO 4217 code; default: the offer's. Its shipping profile needs a rate in it."
    )
    stock: Stock | None = Field(None, description="Units on hand, 0 to 1,000,000.")
    is_active: StrictBool | None = None


class BulkOffersIn(InputSchema):
    items: list[BulkOfferItemIn] = Field(
        min_length=1,
        max_length=MAX_BULK_ITEMS,
        description=f"1 to {MAX_BULK_ITEMS:,} offers by SKU, each SKU once; omitted fields are kept.",
    )


class BulkOffersOut(Schema):
    items: int = Field(description="Items received.")
    updated: int = Field(description="Offers changed.")
    unchanged: int = Field(description="Offers already as asked (not written).")
    price_changed: int
    stock_changed: int
    activation_changed: int
    out_of_stock_offer_ids: list[int] = Field(description="Offers this update took from some stock to none.")


class ShippingRateIn(InputSchema):
    zone_name: Annotated[StrictStr, length(60, 1)] = "Zone"
    countries: list[Annotated[StrictStr, Field(min_length=1, max_length=2, pattern=r"^([A-Za-z]{2}|\*)$")]] = Field(
        min_length=1, max_length=300, description='ISO 3166 alpha-2 codes, or ["*"] for the rest of the world.'
    )
    service_level: Annotated[StrictStr, length(20, 1)] = Field(
        "standard", description="standard, express, economy …", pattern=r"\S"
    )
    carrier: Annotated[StrictStr, length(60)] = ""
    currency: CurrencyCode
    first_item_amount: Annotated[JsonInt, between(0, MAX_ID)] = Field(description="Minor units for the first item.")
    additional_item_amount: Annotated[JsonInt, between(0, MAX_ID)] = Field(
        0, description="Minor units for each further item."
    )
    transit_days_min: Annotated[JsonInt, between(0, 90)]
    transit_days_max: Annotated[JsonInt, between(0, 90)] = Field(description="transit_days_min to 90.")


class ShippingProfileIn(InputSchema):
    name: Annotated[StrictStr, length(100, 1)]
    rates: list[ShippingRateIn] = Field(min_length=1, max_length=50)


class ShippingRateOut(Schema):
    id: int
    zone_name: str
    countries: list[str]
    service_level: str
    carrier: str
    first_item: MoneyOut
    additional_item: MoneyOut
    transit_days_min: int
    transit_days_max: int


class ShippingProfileOut(Schema):
    id: int
    name: str
    rates: list[ShippingRateOut]


class ProductCreateIn(InputSchema):
    title: Annotated[StrictStr, length(300, 1)]
    category_id: BodyId
    description: Annotated[StrictStr, length(20000)] = ""
    brand: Annotated[StrictStr, length(120)] = ""
    gtin: Annotated[StrictStr, Field(max_length=20, pattern=r"^([0-9 -]{8,20})?$")] | None = Field(
        None,
        description=(
            "GTIN-8, UPC-A, EAN-13 or GTIN-14 (check digit verified). A product with the same GTIN must not exist yet."
        ),
    )
    attributes: dict[Annotated[StrictStr, length(100)], Annotated[StrictStr, length(500)] | BodyInt | StrictBool] = (
        Field(default_factory=dict)
    )
    language: Annotated[StrictStr, length(8, 2)] = Field("en", description="A language code such as en or fr.")
    weight_grams: Dimension | None = Field(None, description="Net weight of one unit (the goods), in grams.")
    gross_weight_grams: Dimension | None = Field(
        None,
        description=(
            "Gross weight of one unit with its packing, in grams (at least the net weight): what a duty per kg or "
            "100 kg gross is levied on (Switzerland's tariff). Without it such a duty is unknown."
        ),
    )
    volume_millilitres: Dimension | None = Field(
        None, description="Volume of one unit in millilitres (liquids): what a duty per litre is levied on."
    )
    length_mm: Dimension | None = None
    width_mm: Dimension | None = None
    height_mm: Dimension | None = None
    country_of_origin: Annotated[StrictStr, Field(max_length=2, pattern="^([A-Za-z]{2})?$")] = ""
    hs_code: Annotated[StrictStr, Field(max_length=10, pattern="^([0-9]{6,10})?$")] = ""
    image_urls: list[Annotated[StrictStr, length(500, 1)]] = Field(default_factory=list, max_length=20)


def offer_out(offer) -> dict:
    return {
        "id": offer.pk,
        "sku": offer.sku,
        "product_id": offer.product_id,
        "product_title": offer.product.title,
        "price": money(offer.price_amount, offer.currency),
        "stock": offer.stock,
        "condition": offer.condition,
        "condition_note": offer.condition_note,
        "handling_days": offer.handling_days,
        "ships_from_country": offer.ships_from_country,
        "fulfilment_method": offer.fulfilment_method,
        "shipping_profile_id": offer.shipping_profile_id,
        "return_policy_days": offer.return_policy_days,
        "is_active": offer.is_active,
        "created_at": iso(offer.created_at),
        "updated_at": iso(offer.updated_at),
    }


def shipping_profile_out(profile) -> dict:
    return {
        "id": profile.pk,
        "name": profile.name,
        "rates": [
            {
                "id": rate.pk,
                "zone_name": rate.zone_name,
                "countries": rate.countries,
                "service_level": rate.service_level,
                "carrier": rate.carrier,
                "first_item": money(rate.first_item_amount, rate.currency),
                "additional_item": money(rate.additional_item_amount, rate.currency),
                "transit_days_min": rate.transit_days_min,
                "transit_days_max": rate.transit_days_max,
            }
            for rate in profile.rates.all()
        ],
    }


def _seller_offer(seller, offer_id: int) -> Offer:
    offer = offer_list_for_seller(seller).filter(pk=offer_id).first()
    if offer is None:
        raise NotFound("No such offer.", code=offer_errors.OFFER_NOT_FOUND)
    return offer


def _price_in_minor_units(
    *, price_amount: int | None, price: str | None, currency: str | None, required: bool
) -> int | None:
    """Resolve the two ways of sending a price into minor units (the services check range and currency)."""
    if price_amount is not None and price is not None:
        raise ValidationError(
            "Send either price_amount or price, not both.",
            code=offer_errors.INVALID_OFFER,
            fields={"price": "Send either price_amount (minor units) or price (decimal string), not both."},
        )
    if price is None:
        if price_amount is None and required:
            raise ValidationError(
                "A price is required.",
                code=offer_errors.INVALID_OFFER,
                fields={"price_amount": "Send price_amount or price."},
            )
        return price_amount
    if not PRICE_PATTERN.match(price):
        raise ValidationError(
            "Invalid price.",
            code=offer_errors.INVALID_OFFER,
            fields={"price": 'A positive decimal string in major units with a dot, e.g. "12.34".'},
        )
    currency = validate_currency(currency or "")
    try:
        return Money.from_decimal(price, currency).amount
    except ValidationError as error:
        raise ValidationError(
            error.message,
            code=offer_errors.INVALID_OFFER,
            fields={"price": next(iter(error.fields.values()), error.message)},
        ) from error


@router.get(
    "/seller/offers", response={200: page_of(OfferOut), **problems(401, 403, 422)}, auth=READ, summary="List my offers"
)
def offers(
    request: HttpRequest,
    sku: str | None = Query(None, max_length=100),
    product_id: int | None = Query(None, ge=1, le=MAX_ID),
    is_active: bool | None = None,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
):
    found = offer_list_for_seller(seller_principal(request).seller)
    if sku is not None:
        found = found.filter(sku=sku)
    if product_id is not None:
        found = found.filter(product_id=product_id)
    if is_active is not None:
        found = found.filter(is_active=is_active)
    return paginate(found, page=page, page_size=page_size, present=lambda rows: [offer_out(offer) for offer in rows])


@router.post(
    "/seller/offers/bulk",
    response={200: BulkOffersOut, **problems(401, 403, 409, 422)},
    auth=WRITE,
    summary="Update price, stock and visibility of many offers by SKU",
    description=(
        f"Up to {MAX_BULK_ITEMS:,} of your offers in one call, all or nothing: a single bad item (unknown SKU, "
        "duplicate SKU, value out of range, a currency the offer's shipping profile has no rate in) refuses the "
        "whole request with 422 and `errors` keyed `items[<index>].<field>` (the first 200), and nothing is written. "
        "An `Idempotency-Key` header is required: a retry with the same key and body returns the first answer "
        "(`Idempotent-Replayed: true`) without applying anything twice. " + PRICE_DESCRIPTION
    ),
)
def offers_bulk(request: HttpRequest, payload: BulkOffersIn):
    principal = seller_principal(request)
    validate_key(request.headers.get("Idempotency-Key"), required=True)
    items = [OfferBulkItem(**item.model_dump()) for item in payload.items]

    def action():
        outcome = offer_bulk_update(seller=principal.seller, actor=principal.actor, items=items)
        return 200, {
            "items": outcome.items,
            "updated": outcome.updated,
            "unchanged": outcome.unchanged,
            "price_changed": outcome.price_changed,
            "stock_changed": outcome.stock_changed,
            "activation_changed": outcome.activation_changed,
            "out_of_stock_offer_ids": list(outcome.out_of_stock_offer_ids),
        }

    return run_idempotent(
        request,
        actor_key=principal.actor_key,
        scope="offer.bulk_update",
        payload=[item.__dict__ for item in items],
        action=action,
    )


@router.post(
    "/seller/offers",
    response={201: OfferOut, **problems(401, 403, 422)},
    auth=WRITE,
    summary="Create an offer",
    description="Offer an existing catalog product. " + PRICE_DESCRIPTION,
)
def offer_add(request: HttpRequest, payload: OfferCreateIn):
    principal = seller_principal(request)
    data = payload.model_dump()
    price_amount = _price_in_minor_units(
        price_amount=data.pop("price_amount"), price=data.pop("price"), currency=data["currency"], required=True
    )

    def action():
        offer = offer_create(seller=principal.seller, actor=principal.actor, price_amount=price_amount, **data)
        return 201, offer_out(_seller_offer(principal.seller, offer.pk))

    return run_idempotent(
        request, actor_key=principal.actor_key, scope="offer.create", payload=payload.model_dump(), action=action
    )


@router.get(
    "/seller/offers/{offer_id}",
    response={200: OfferOut, **problems(401, 403, 404, 422)},
    auth=READ,
    summary="One of my offers",
)
def offer_detail(request: HttpRequest, offer_id: int = PathParam(..., ge=1, le=MAX_ID)):
    return offer_out(_seller_offer(seller_principal(request).seller, offer_id))


@router.patch(
    "/seller/offers/{offer_id}",
    response={200: OfferOut, **problems(401, 403, 404, 422)},
    auth=WRITE,
    summary="Change an offer",
    description="Send only the fields to change; null is refused. " + PRICE_DESCRIPTION,
)
def offer_change(request: HttpRequest, payload: OfferUpdateIn, offer_id: int = PathParam(..., ge=1, le=MAX_ID)):
    principal = seller_principal(request)
    changes = payload.model_dump(exclude_unset=True)
    nulls = sorted(name for name, value in changes.items() if value is None)
    if nulls:
        raise ValidationError(
            "Fields may not be null.",
            code=offer_errors.INVALID_OFFER,
            fields=dict.fromkeys(nulls, "May not be null; omit the field to keep it."),
        )
    if not changes:
        raise ValidationError(
            "Nothing to change.", code=offer_errors.INVALID_OFFER, fields={"body": "Send at least one field."}
        )
    offer = _seller_offer(principal.seller, offer_id)
    if "price" in changes:
        changes["price_amount"] = _price_in_minor_units(
            price_amount=changes.get("price_amount"),
            price=changes.pop("price"),
            currency=changes.get("currency", offer.currency),
            required=False,
        )

    def action():
        offer_update(seller=principal.seller, actor=principal.actor, offer_id=offer.pk, changes=changes)
        return 200, offer_out(_seller_offer(principal.seller, offer.pk))

    return run_idempotent(
        request,
        actor_key=principal.actor_key,
        scope="offer.update",
        payload=payload.model_dump(exclude_unset=True),
        action=action,
    )


@router.put(
    "/seller/offers/{offer_id}/stock",
    response={200: OfferOut, **problems(401, 403, 404, 422)},
    auth=WRITE,
    summary="Set an offer's stock",
)
def offer_stock(request: HttpRequest, payload: StockIn, offer_id: int = PathParam(..., ge=1, le=MAX_ID)):
    principal = seller_principal(request)
    offer = _seller_offer(principal.seller, offer_id)

    def action():
        offer_stock_set(seller=principal.seller, actor=principal.actor, offer_id=offer.pk, stock=payload.stock)
        return 200, offer_out(_seller_offer(principal.seller, offer.pk))

    return run_idempotent(
        request, actor_key=principal.actor_key, scope="offer.stock_set", payload=payload.model_dump(), action=action
    )


@router.post(
    "/seller/stock",
    response={200: list[OfferOut], **problems(401, 403, 422)},
    auth=WRITE,
    summary="Set stock of many offers by SKU",
)
def stock_bulk(request: HttpRequest, payload: BulkStockIn):
    """All or nothing: an unknown SKU or a bad quantity refuses the whole batch (422, one message per SKU)."""
    principal = seller_principal(request)

    def action():
        changed = offer_stock_bulk_set(seller=principal.seller, actor=principal.actor, stock_by_sku=payload.stock)
        ids = [offer.pk for offer in changed]
        return 200, [
            offer_out(offer) for offer in offer_list_for_seller(principal.seller).filter(pk__in=ids).order_by("sku")
        ]

    return run_idempotent(
        request,
        actor_key=principal.actor_key,
        scope="offer.stock_bulk_set",
        payload=payload.model_dump(),
        action=action,
    )


@router.get(
    "/seller/shipping-profiles",
    response={200: list[ShippingProfileOut], **problems(401, 403, 422)},
    auth=READ,
    summary="List my shipping profiles",
)
def shipping_profiles(request: HttpRequest):
    seller = seller_principal(request).seller
    profiles = ShippingProfile.objects.filter(seller=seller).prefetch_related("rates").order_by("id")
    return [shipping_profile_out(profile) for profile in profiles]


@router.post(
    "/seller/shipping-profiles",
    response={201: ShippingProfileOut, **problems(401, 403, 422)},
    auth=WRITE,
    summary="Create a shipping profile",
)
def shipping_profile_add(request: HttpRequest, payload: ShippingProfileIn):
    """Each rate prices one destination zone: first_item_amount + additional_item_amount × (items − 1), in minor
    units."""
    principal = seller_principal(request)

    def action():
        profile = shipping_profile_create(
            seller=principal.seller,
            actor=principal.actor,
            name=payload.name,
            rates=[rate.model_dump() for rate in payload.rates],
        )
        profile = ShippingProfile.objects.prefetch_related("rates").get(pk=profile.pk)
        return 201, shipping_profile_out(profile)

    return run_idempotent(
        request,
        actor_key=principal.actor_key,
        scope="shipping_profile.create",
        payload=payload.model_dump(),
        action=action,
    )


@router.post(
    "/seller/products",
    response={201: ProductOut, **problems(401, 403, 422)},
    auth=WRITE,
    summary="Add a product to the catalog",
)
def product_add(request: HttpRequest, payload: ProductCreateIn):
    """Create a shared catalog entry to attach offers to. Search by GTIN first: one product per GTIN."""
    principal = seller_principal(request)

    def action():
        product = product_create(seller=principal.seller, actor=principal.actor, **payload.model_dump())
        return 201, product_out(product_get(product.pk))

    return run_idempotent(
        request, actor_key=principal.actor_key, scope="product.create", payload=payload.model_dump(), action=action
    )

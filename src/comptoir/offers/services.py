"""Offers and shipping profiles. A seller only ever touches its own rows: every service takes the
seller and filters by it, so another seller's id simply does not exist for it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, TypeGuard

from django.db import IntegrityError, transaction
from django.db.models import F

from comptoir.catalog.models import Product
from comptoir.catalog.selectors import product_is_family
from comptoir.catalog.services import product_create
from comptoir.core import clock
from comptoir.core.events import publish, publish_on_commit
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.core.money import Money, currency_exponent, is_known_currency
from comptoir.core.permissions import require_operator
from comptoir.core.services import audit_record
from comptoir.offers import errors
from comptoir.offers.conf import offers_settings
from comptoir.offers.events import OfferChanged, OffersRanOutOfStock
from comptoir.offers.models import Condition, FulfilmentMethod, Offer, ShippingProfile, ShippingRate
from comptoir.sellers.domain.trader import normalise_country

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.sellers.models import Seller

MAX_STOCK = 1_000_000
MAX_HANDLING_DAYS = 30
# Fields no subscriber of OfferChanged reads (the search index and the listing completeness ignore stock): a change of
# these alone publishes nothing, so stock updates stay cheap.
UNPUBLISHED_FIELDS = frozenset({"stock"})


def _offer_changed(offer: Offer) -> None:
    """Publish OfferChanged inside the writer's transaction: the search index is rewritten in that same transaction
    (a rolled-back write leaves it untouched, a committed one is searchable at once); subscribers with work for after
    the commit (trust's listing completeness) register it with on_commit themselves."""
    publish(OfferChanged(seller_id=offer.seller_id, offer_id=offer.pk, at=clock.now()))


def offers_ran_out_of_stock(*, seller_id: int, offer_ids: list[int]) -> None:
    """Publish, for after the commit, that these offers of `seller_id` went from some stock to none (webhooks)."""
    if offer_ids:
        publish_on_commit(OffersRanOutOfStock(seller_id=seller_id, offer_ids=tuple(sorted(offer_ids)), at=clock.now()))


def _normalise_currency(currency: Any) -> Any:
    """Currency codes are accepted in any case ('eur' is EUR), like core.money.validate_currency."""
    return currency.strip().upper() if isinstance(currency, str) else currency


def _validate_price(
    amount: object, currency: object, field_errors: dict[str, str], field: str = "price_amount"
) -> None:
    if not isinstance(currency, str) or not is_known_currency(currency):
        field_errors["currency"] = f"'{currency}' is not an ISO 4217 currency code."
        return
    if isinstance(amount, bool) or not isinstance(amount, int):
        field_errors[field] = "A whole number of minor units (cents)."
        return
    maximum = offers_settings().max_unit_price_major * 10 ** currency_exponent(currency)
    if amount <= 0:
        field_errors[field] = "The price must be positive."
    elif amount > maximum:
        field_errors[field] = f"The price may not exceed {Money(maximum, currency).format()}."


def _validate_stock(stock: object, field_errors: dict[str, str]) -> None:
    if isinstance(stock, bool) or not isinstance(stock, int) or stock < 0 or stock > MAX_STOCK:
        field_errors["stock"] = f"A whole number from 0 to {MAX_STOCK}."


def _is_whole_number_between(value: object, low: int, high: int) -> TypeGuard[int]:
    return not isinstance(value, bool) and isinstance(value, int) and low <= value <= high


def _validate_profile_currency(profile: ShippingProfile | None, currency: object, field_errors: dict[str, str]) -> None:
    """Checkout only quotes rates in the order's currency, so a profile without a rate in the offer's
    currency would make the offer impossible to buy."""
    if profile is None or "currency" in field_errors:
        return
    if not profile.rates.filter(currency=currency).exists():
        field_errors["shipping_profile_id"] = f"This shipping profile has no rate in {currency}."


def _require_fulfilment_method_allowed(
    actor: User | None, fulfilment_method: object, *, current: str | None = None
) -> None:
    """Marketplace fulfilment does not exist yet, and an offer fulfilled by the marketplace earns the featured-offer
    bonus: only an operator may mark an offer so (PermissionDenied, `FULFILMENT_METHOD_RESERVED`). An offer already
    marked keeps its method through the seller's other edits, and the seller may always go back to fulfilling it."""
    if fulfilment_method == FulfilmentMethod.MARKETPLACE and current != FulfilmentMethod.MARKETPLACE:
        require_operator(
            actor,
            message="Only an operator can mark an offer as fulfilled by the marketplace.",
            code=errors.FULFILMENT_METHOD_RESERVED,
        )


def offer_terms_errors(
    *,
    seller: Seller,
    sku: object,
    price_amount: object,
    currency: object,
    stock: object,
    condition: object = Condition.NEW,
    condition_note: object = "",
    handling_days: object = 1,
    ships_from_country: str | None = None,
    fulfilment_method: object = FulfilmentMethod.MERCHANT,
    return_policy_days: object = 14,
) -> tuple[str | None, dict[str, str]]:
    """The checks of a new offer's terms that need no database: (the ships-from country, field errors). Shared by
    `offer_create` and `offer_bulk_create` (offers.bulk), so an offer is held to one rule whichever door it comes
    through; the database checks (the product, the shipping profile and its currencies, duplicates) are theirs."""
    field_errors: dict[str, str] = {}
    if not isinstance(sku, str) or not sku.strip() or len(sku.strip()) > 100:
        field_errors["sku"] = "A SKU of 1 to 100 characters is required."
    if not isinstance(condition_note, str) or len(condition_note) > 300:
        field_errors["condition_note"] = "At most 300 characters."
    _validate_price(price_amount, currency, field_errors)
    _validate_stock(stock, field_errors)
    if condition not in Condition.values:
        field_errors["condition"] = f"One of {', '.join(Condition.values)}."
    if fulfilment_method not in FulfilmentMethod.values:
        field_errors["fulfilment_method"] = f"One of {', '.join(FulfilmentMethod.values)}."
    if not _is_whole_number_between(handling_days, 0, MAX_HANDLING_DAYS):
        field_errors["handling_days"] = f"0 to {MAX_HANDLING_DAYS} business days."
    if not _is_whole_number_between(return_policy_days, 0, 365):
        field_errors["return_policy_days"] = "0 to 365 days."
    ships_from = normalise_country(ships_from_country or seller.country)
    if ships_from is None:
        field_errors["ships_from_country"] = "Use an ISO 3166 two-letter country code."
    return ships_from, field_errors


def shipping_profile_create(
    *, seller: Seller, actor: User | None, name: str, rates: list[dict[str, Any]]
) -> ShippingProfile:
    """Create a shipping profile with its rates, all or nothing. `rates`: [{zone_name, countries, service_level,
    carrier, currency, first_item_amount, additional_item_amount, transit_days_min, transit_days_max}]. Raises
    ValidationError with every field error."""
    field_errors: dict[str, str] = {}
    if not isinstance(name, str) or len(name.strip()) > 100:
        field_errors["name"] = "At most 100 characters."
    if not isinstance(rates, list) or not all(isinstance(rate, dict) for rate in rates):
        raise ValidationError(
            "Invalid shipping profile.",
            code=errors.INVALID_SHIPPING_PROFILE,
            fields={"rates": "A list of rate objects."},
        )
    rates = [{**rate, "currency": _normalise_currency(rate.get("currency", ""))} for rate in rates]
    if not rates:
        field_errors["rates"] = "At least one rate is required."
    for index, rate in enumerate(rates):
        countries = rate.get("countries") or []
        if (
            not isinstance(countries, list)
            or not countries
            or any(code != "*" and normalise_country(code) is None for code in countries)
        ):
            field_errors[f"rates[{index}].countries"] = "ISO country codes, or '*' for the rest of the world."
        for key, max_length in (("zone_name", 60), ("service_level", 20), ("carrier", 60)):
            value = rate.get(key, "")
            if not isinstance(value, str) or len(value) > max_length:
                field_errors[f"rates[{index}].{key}"] = f"At most {max_length} characters."
        if (
            not isinstance(rate.get("service_level", "standard"), str)
            or not rate.get("service_level", "standard").strip()
        ):
            field_errors[f"rates[{index}].service_level"] = "A service level such as standard or express."
        for key in ("first_item_amount", "additional_item_amount"):
            value = rate.get(key, 0)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                field_errors[f"rates[{index}].{key}"] = "A non-negative whole number of minor units."
        if not isinstance(rate["currency"], str) or not is_known_currency(rate["currency"]):
            field_errors[f"rates[{index}].currency"] = "An ISO 4217 currency code."
        low, high = rate.get("transit_days_min"), rate.get("transit_days_max")
        if not (_is_whole_number_between(low, 0, 90) and _is_whole_number_between(high, 0, 90) and low <= high):
            field_errors[f"rates[{index}].transit_days"] = "0 ≤ min ≤ max ≤ 90."
    if field_errors:
        raise ValidationError("Invalid shipping profile.", code=errors.INVALID_SHIPPING_PROFILE, fields=field_errors)
    with transaction.atomic():
        profile = ShippingProfile.objects.create(seller=seller, name=name.strip() or "Standard")
        ShippingRate.objects.bulk_create(
            [
                ShippingRate(
                    profile=profile,
                    zone_name=rate.get("zone_name") or "Zone",
                    countries=[code if code == "*" else code.upper() for code in rate["countries"]],
                    service_level=rate.get("service_level", "standard"),
                    carrier=rate.get("carrier", ""),
                    currency=rate["currency"],
                    first_item_amount=rate["first_item_amount"],
                    additional_item_amount=rate.get("additional_item_amount", 0),
                    transit_days_min=rate["transit_days_min"],
                    transit_days_max=rate["transit_days_max"],
                )
                for rate in rates
            ]
        )
        audit_record(actor=actor, action="shipping_profile.created", target=profile, seller_id=seller.pk)
    return profile


def offer_create(
    *,
    seller: Seller,
    actor: User | None,
    product_id: int,
    sku: str,
    price_amount: int,
    currency: str,
    stock: int,
    shipping_profile_id: int,
    condition: str = Condition.NEW,
    condition_note: str = "",
    handling_days: int = 1,
    ships_from_country: str | None = None,
    fulfilment_method: str = FulfilmentMethod.MERCHANT,
    return_policy_days: int = 14,
) -> Offer:
    """Create an offer of `seller` on an existing product: a plain product or a variant, never a product family
    (field error on `product_id`). Raises ValidationError with every field error, and
    PermissionDenied (`FULFILMENT_METHOD_RESERVED`) when anyone but an operator asks for marketplace fulfilment."""
    _require_fulfilment_method_allowed(actor, fulfilment_method)
    currency = _normalise_currency(currency)
    ships_from, field_errors = offer_terms_errors(
        seller=seller,
        sku=sku,
        price_amount=price_amount,
        currency=currency,
        stock=stock,
        condition=condition,
        condition_note=condition_note,
        handling_days=handling_days,
        ships_from_country=ships_from_country,
        fulfilment_method=fulfilment_method,
        return_policy_days=return_policy_days,
    )
    product = Product.objects.filter(pk=product_id).first() if isinstance(product_id, int) else None
    if product is None:
        field_errors["product_id"] = "Unknown product."
    elif product_is_family(product):
        # A family is not an article: a buyer buys a size and a colour. Families are created as such and never
        # become plain products again, so this check cannot race with the family's own writes.
        field_errors["product_id"] = "This product is a family: offer one of its variants."
    profile = (
        ShippingProfile.objects.filter(pk=shipping_profile_id, seller=seller).first()
        if isinstance(shipping_profile_id, int)
        else None
    )
    if profile is None:
        field_errors["shipping_profile_id"] = "Unknown shipping profile."
    _validate_profile_currency(profile, currency, field_errors)
    if field_errors:
        raise ValidationError("The offer is invalid.", code=errors.INVALID_OFFER, fields=field_errors)
    assert product is not None and profile is not None and ships_from is not None  # else a field error was raised
    try:
        with transaction.atomic():
            offer = Offer.objects.create(
                seller=seller,
                product=product,
                sku=sku.strip(),
                price_amount=price_amount,
                currency=currency,
                stock=stock,
                condition=condition,
                condition_note=condition_note or "",
                handling_days=handling_days,
                ships_from_country=ships_from,
                fulfilment_method=fulfilment_method,
                shipping_profile=profile,
                return_policy_days=return_policy_days,
            )
            audit_record(actor=actor, action="offer.created", target=offer, seller_id=seller.pk)
            _offer_changed(offer)
    except IntegrityError as error:
        raise ValidationError(
            "You already have this offer.",
            code=errors.OFFER_DUPLICATE,
            fields={"sku": "SKU already used, or you already offer this product in this condition."},
        ) from error
    return offer


OFFER_EDITABLE_FIELDS = {
    "price_amount",
    "currency",
    "stock",
    "condition_note",
    "handling_days",
    "shipping_profile_id",
    "is_active",
    "return_policy_days",
    "fulfilment_method",
}


def offer_update(*, seller: Seller, actor: User | None, offer_id: int, changes: dict[str, Any]) -> Offer:
    """Change an offer's terms. Unknown fields are refused; the row is locked while checked and written. Raises
    NotFound for another seller's offer, ValidationError with every field error, PermissionDenied
    (`FULFILMENT_METHOD_RESERVED`) when anyone but an operator marks the offer as fulfilled by the marketplace."""
    unknown = set(changes) - OFFER_EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            "Unknown fields.",
            code=errors.INVALID_OFFER,
            fields=dict.fromkeys(sorted(unknown), "Cannot be changed."),
        )
    with transaction.atomic():
        offer = Offer.objects.select_for_update().filter(pk=offer_id, seller=seller).first()
        if offer is None:
            raise NotFound("No such offer.", code=errors.OFFER_NOT_FOUND)
        if "fulfilment_method" in changes:
            _require_fulfilment_method_allowed(actor, changes["fulfilment_method"], current=offer.fulfilment_method)
        field_errors: dict[str, str] = {}
        if "currency" in changes:
            changes = {**changes, "currency": _normalise_currency(changes["currency"])}
        price_amount = changes.get("price_amount", offer.price_amount)
        currency = changes.get("currency", offer.currency)
        if "price_amount" in changes or "currency" in changes:
            _validate_price(price_amount, currency, field_errors)
        if "stock" in changes:
            _validate_stock(changes["stock"], field_errors)
        if "handling_days" in changes:
            value = changes["handling_days"]
            if isinstance(value, bool) or not isinstance(value, int) or not (0 <= value <= MAX_HANDLING_DAYS):
                field_errors["handling_days"] = f"0 to {MAX_HANDLING_DAYS} business days."
        if "fulfilment_method" in changes and changes["fulfilment_method"] not in FulfilmentMethod.values:
            field_errors["fulfilment_method"] = f"One of {', '.join(FulfilmentMethod.values)}."
        if "is_active" in changes and not isinstance(changes["is_active"], bool):
            field_errors["is_active"] = "true or false."
        if "return_policy_days" in changes and not _is_whole_number_between(changes["return_policy_days"], 0, 365):
            field_errors["return_policy_days"] = "0 to 365 days."
        if "condition_note" in changes and (
            not isinstance(changes["condition_note"], str) or len(changes["condition_note"]) > 300
        ):
            field_errors["condition_note"] = "At most 300 characters."
        profile: ShippingProfile | None = offer.shipping_profile
        if "shipping_profile_id" in changes:
            profile_id = changes["shipping_profile_id"]
            profile = (
                ShippingProfile.objects.filter(pk=profile_id, seller=seller).first()
                if _is_whole_number_between(profile_id, 1, 2**63 - 1)
                else None
            )
            if profile is None:
                field_errors["shipping_profile_id"] = "Unknown shipping profile."
        if "currency" in changes or "shipping_profile_id" in changes:
            _validate_profile_currency(profile, currency, field_errors)
        if field_errors:
            raise ValidationError("The offer is invalid.", code=errors.INVALID_OFFER, fields=field_errors)
        before = {name: getattr(offer, name) for name in changes}
        for name, value in changes.items():
            setattr(offer, name, value)
        offer.save(update_fields=[*changes.keys(), "updated_at"])
        audit_record(
            actor=actor,
            action="offer.updated",
            target=offer,
            seller_id=seller.pk,
            data={"before": before, "after": changes},
        )
        if set(changes) - UNPUBLISHED_FIELDS:
            _offer_changed(offer)
        if "stock" in changes and before["stock"] > 0 and offer.stock == 0:
            offers_ran_out_of_stock(seller_id=seller.pk, offer_ids=[offer.pk])
    return offer


def offer_stock_set(*, seller: Seller, actor: User | None, offer_id: int, stock: int) -> Offer:
    """Set one offer's units on hand (see `offer_update`)."""
    return offer_update(seller=seller, actor=actor, offer_id=offer_id, changes={"stock": stock})


def offer_stock_bulk_set(*, seller: Seller, actor: User | None, stock_by_sku: dict[str, int]) -> list[Offer]:
    """Set stock for many offers by SKU, all or nothing. Unknown SKUs or bad values refuse the whole batch."""
    field_errors: dict[str, str] = {}
    for sku, stock in stock_by_sku.items():
        if isinstance(stock, bool) or not isinstance(stock, int) or not (0 <= stock <= MAX_STOCK):
            field_errors[sku] = f"A whole number from 0 to {MAX_STOCK}."
    with transaction.atomic():
        offers = list(
            Offer.objects.select_for_update().filter(seller=seller, sku__in=list(stock_by_sku)).order_by("pk")
        )
        found = {offer.sku for offer in offers}
        for sku in stock_by_sku:
            if sku not in found:
                field_errors[sku] = "Unknown SKU."
        if field_errors:
            raise ValidationError(
                "Some stock updates are invalid; nothing was changed.", code=errors.INVALID_OFFER, fields=field_errors
            )
        depleted = [offer.pk for offer in offers if offer.stock > 0 and stock_by_sku[offer.sku] == 0]
        for offer in offers:
            offer.stock = stock_by_sku[offer.sku]
            offer.save(update_fields=["stock", "updated_at"])
        offers_ran_out_of_stock(seller_id=seller.pk, offer_ids=depleted)
        audit_record(
            actor=actor, action="offer.stock_bulk_set", target=seller, seller_id=seller.pk, data={"stock": stock_by_sku}
        )
    return offers


def offer_stock_adjust(*, seller: Seller, actor: User | None, offer_id: int, delta: int) -> Offer:
    """Add or remove units atomically (F() update); refuses to go below zero."""
    if isinstance(delta, bool) or not isinstance(delta, int):
        raise ValidationError(
            "delta must be a whole number.", code=errors.INVALID_OFFER, fields={"delta": "A whole number."}
        )
    with transaction.atomic():
        updated = Offer.objects.filter(pk=offer_id, seller=seller, stock__gte=-delta if delta < 0 else 0).update(
            stock=F("stock") + delta
        )
        if updated != 1:
            if not Offer.objects.filter(pk=offer_id, seller=seller).exists():
                raise NotFound("No such offer.", code=errors.OFFER_NOT_FOUND)
            raise ValidationError(
                "Not enough stock.", code=errors.INSUFFICIENT_STOCK, fields={"delta": "Stock cannot go below zero."}
            )
        offer = Offer.objects.get(pk=offer_id)
        audit_record(
            actor=actor, action="offer.stock_adjusted", target=offer, seller_id=seller.pk, data={"delta": delta}
        )
        if delta < 0 and offer.stock == 0:
            offers_ran_out_of_stock(seller_id=seller.pk, offer_ids=[offer.pk])
    return offer


def offer_fulfilment_method_set(*, actor: User | None, offer_id: int, fulfilment_method: str) -> Offer:
    """Operators only: set how any seller's offer is fulfilled (the one way to mark an offer as fulfilled by the
    marketplace until marketplace fulfilment exists). Raises PermissionDenied (`operator_required`), NotFound and
    ValidationError (an unknown method); audited like every offer change."""
    require_operator(actor, message="Only an operator can change how an offer is fulfilled.")
    with transaction.atomic():
        offer = Offer.objects.select_related("seller").filter(pk=offer_id).first()
        if offer is None:
            raise NotFound("No such offer.", code=errors.OFFER_NOT_FOUND)
        return offer_update(
            seller=offer.seller, actor=actor, offer_id=offer.pk, changes={"fulfilment_method": fulfilment_method}
        )


@dataclass(frozen=True)
class NewProduct:
    """A catalog product a seller creates together with its first offer (`offer_create_with_product`)."""

    title: str
    category_id: int
    brand: str = ""
    gtin: str | None = None
    description: str = ""
    language: str = "en"
    hs_code: str = ""  # Harmonized System code (6 to 10 digits): the duty on imports reads it (docs/TAXES.md)
    country_of_origin: str = ""
    # Per unit: a specific duty (per kg, per 100 kg gross, per litre) reads them (docs/TAXES.md).
    weight_grams: int | None = None
    gross_weight_grams: int | None = None
    volume_millilitres: int | None = None


@dataclass(frozen=True)
class OfferTerms:
    """A seller's terms for one offer, as `offer_create` takes them."""

    sku: str
    price_amount: int
    currency: str
    stock: int
    shipping_profile_id: int
    condition: str = Condition.NEW
    condition_note: str = ""
    handling_days: int = 1
    ships_from_country: str | None = None
    fulfilment_method: str = FulfilmentMethod.MERCHANT
    return_policy_days: int = 14


def offer_create_with_product(*, seller: Seller, actor: User | None, product: NewProduct, terms: OfferTerms) -> Offer:
    """Create a product the catalog does not have yet and `seller`'s offer on it: both or neither. Raises the
    product's ValidationError (code `catalog.errors.INVALID_PRODUCT`, its field names) before anything is written,
    or the offer's errors (as `offer_create`), in which case the product is not kept either."""
    with transaction.atomic():
        created = product_create(
            title=product.title,
            category_id=product.category_id,
            brand=product.brand,
            gtin=product.gtin,
            description=product.description,
            language=product.language,
            hs_code=product.hs_code,
            country_of_origin=product.country_of_origin,
            weight_grams=product.weight_grams,
            gross_weight_grams=product.gross_weight_grams,
            volume_millilitres=product.volume_millilitres,
            seller=seller,
            actor=actor,
        )
        return offer_create(seller=seller, actor=actor, product_id=created.pk, **asdict(terms))

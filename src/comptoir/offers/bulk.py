"""Price and stock of many offers in one operation (the bulk offers endpoint: a seller's ERP syncing 10,000 SKUs).

`offer_bulk_update` checks every item first and writes nothing when one is wrong (each error names the item's index
and field); otherwise it applies them in one transaction with set-based SQL: the seller's rows are locked in
primary-key order (as checkout's stock taking, so the two queue behind each other and never deadlock), then updated
with set-based statements (PostgreSQL: one `UPDATE … FROM unnest(arrays)`; SQLite >= 3.33: one
`UPDATE … FROM (VALUES …)` per thousand offers) instead of one per offer. The guarantees of the one-offer services
hold: stock within 0..MAX_STOCK (and CHECK (stock >= 0)), prices positive and within the marketplace maximum, a
currency only where the offer's shipping profile has a rate in it, one audit row, and the events subscribers rely
on — batched: one `OffersChanged` for the offers whose price, currency or visibility changed (one reindexing task),
one `OffersRanOutOfStock` on commit for those that reached 0.

`offer_bulk_create` is the creating counterpart (shop imports): `offer_create`'s checks, read once per batch, one
INSERT."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from comptoir.catalog.models import Product
from comptoir.core import clock
from comptoir.core.events import publish
from comptoir.core.exceptions import ValidationError
from comptoir.core.money import Money, is_known_currency
from comptoir.core.services import audit_record
from comptoir.offers import errors
from comptoir.offers.events import OffersChanged
from comptoir.offers.models import Condition, Offer, ShippingProfile, ShippingRate
from comptoir.offers.services import (
    MAX_STOCK,
    _normalise_currency,
    _validate_price,
    offer_terms_errors,
    offers_ran_out_of_stock,
)

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.sellers.models import Seller

MAX_BULK_ITEMS = 10_000
# Errors listed in one refusal: enough to fix a file, not a 10,000-entry answer.
MAX_REPORTED_ERRORS = 200
# Offers per UPDATE statement: 5 parameters each stays far below SQLite's 32,766 and PostgreSQL's 65,535.
UPDATE_CHUNK = 1000


@dataclass(frozen=True)
class OfferBulkItem:
    """One line of a bulk update: the offer's SKU and the fields to set (None: unchanged). The price is given either
    in minor units (`price_amount`) or as a decimal string in major units (`price`), in `currency` when given, else
    in the offer's currency."""

    sku: str
    price_amount: int | None = None
    price: str | None = None
    currency: str | None = None
    stock: int | None = None
    is_active: bool | None = None


@dataclass(frozen=True)
class OfferBulkOutcome:
    items: int
    updated: int  # offers whose row changed
    unchanged: int  # offers already as asked
    price_changed: int  # price or currency
    stock_changed: int
    activation_changed: int
    out_of_stock_offer_ids: tuple[int, ...]  # went from some stock to none


@dataclass(frozen=True)
class _Current:
    offer_id: int
    price_amount: int
    currency: str
    stock: int
    is_active: bool
    shipping_profile_id: int
    product_id: int


def _item_errors(index: int, item: OfferBulkItem, seen: dict[str, int], field_errors: dict[str, str]) -> None:
    """Checks that need no database: shape, ranges, duplicates."""
    prefix = f"items[{index}]"
    if not isinstance(item.sku, str) or not item.sku.strip() or len(item.sku) > 100:
        field_errors[f"{prefix}.sku"] = "A SKU of 1 to 100 characters."
        return
    if item.sku in seen:
        field_errors[f"{prefix}.sku"] = f"Duplicate of items[{seen[item.sku]}]."
        return
    seen[item.sku] = index
    if all(value is None for value in (item.price_amount, item.price, item.currency, item.stock, item.is_active)):
        field_errors[prefix] = "Nothing to change: send price_amount or price, currency, stock or is_active."
    if item.price_amount is not None and item.price is not None:
        field_errors[f"{prefix}.price"] = "Send either price_amount (minor units) or price (decimal string), not both."
    if item.stock is not None and (
        isinstance(item.stock, bool) or not isinstance(item.stock, int) or not 0 <= item.stock <= MAX_STOCK
    ):
        field_errors[f"{prefix}.stock"] = f"A whole number from 0 to {MAX_STOCK}."
    if item.is_active is not None and not isinstance(item.is_active, bool):
        field_errors[f"{prefix}.is_active"] = "true or false."
    if item.currency is not None and (
        not isinstance(item.currency, str) or not is_known_currency(item.currency.strip().upper())
    ):
        field_errors[f"{prefix}.currency"] = f"'{item.currency}' is not an ISO 4217 currency code."


def _lock_current(seller: Seller, skus: list[str]) -> dict[str, _Current]:
    """The seller's offers among `skus`, locked in primary-key order (no ORM instances: 10,000 tuples). The SKUs travel
    as one parameter (an array on PostgreSQL, JSON on SQLite): a 10,000-parameter IN list costs more to build, parse
    and plan than the lookup itself."""
    columns = ("sku", "id", "price_amount", "currency", "stock", "is_active", "shipping_profile_id", "product_id")
    quote = connection.ops.quote_name
    parameter: list[str] | str
    if connection.vendor == "postgresql":
        skus_in, parameter, lock = "= ANY(%s)", skus, " FOR UPDATE"
    else:
        # SQLite has no arrays: the SKUs travel as one JSON parameter. Its writers are serialised (BEGIN IMMEDIATE).
        skus_in, parameter, lock = "IN (SELECT value FROM json_each(%s))", json.dumps(skus), ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(column) for column in columns)} FROM {quote(Offer._meta.db_table)} "
            f'WHERE "seller_id" = %s AND "sku" {skus_in} ORDER BY "id"{lock}',
            [seller.pk, parameter],
        )
        rows = cursor.fetchall()
    return {row[0]: _Current(*row[1:]) for row in rows}


def _new_price(index: int, item: OfferBulkItem, current: _Current, field_errors: dict[str, str]) -> tuple[int, str]:
    currency = item.currency.strip().upper() if item.currency is not None else current.currency
    amount = current.price_amount
    prefix = f"items[{index}]"
    if item.price is not None:
        try:
            amount = Money.from_decimal(item.price, currency).amount
        except (ValidationError, ArithmeticError, ValueError, TypeError):
            field_errors[f"{prefix}.price"] = 'A positive decimal string in major units with a dot, e.g. "12.34".'
            return amount, currency
    elif item.price_amount is not None:
        amount = item.price_amount
    if item.price is not None or item.price_amount is not None or item.currency is not None:
        item_errors: dict[str, str] = {}
        _validate_price(amount, currency, item_errors)
        for field, message in item_errors.items():
            field_errors[f"{prefix}.{'price' if field == 'price_amount' and item.price is not None else field}"] = (
                message
            )
    return amount, currency


def _profiles_without_rate(pairs: set[tuple[int, str]]) -> set[tuple[int, str]]:
    """The (shipping profile, currency) pairs with no rate in that currency (checkout could not quote them)."""
    if not pairs:
        return set()
    found = set(
        ShippingRate.objects.filter(
            profile_id__in={profile for profile, _ in pairs}, currency__in={currency for _, currency in pairs}
        )
        .values_list("profile_id", "currency")
        .distinct()
    )
    return pairs - found


def _refuse(field_errors: dict[str, str]) -> ValidationError:
    count = len(field_errors)
    listed = dict(list(field_errors.items())[:MAX_REPORTED_ERRORS])
    message = f"{count} error(s) in the items; nothing was changed."
    if count > MAX_REPORTED_ERRORS:
        message += f" The first {MAX_REPORTED_ERRORS} are listed."
    return ValidationError(message, code=errors.INVALID_OFFER, fields=listed)


def _update_rows(rows: list[tuple[int, int, str, int, bool]]) -> None:
    """Write (id, price_amount, currency, stock, is_active) rows set-based: on PostgreSQL one
    `UPDATE … FROM unnest(five arrays)` for them all (five parameters, whatever the count); on SQLite one
    `UPDATE … FROM (VALUES …)` per chunk of UPDATE_CHUNK rows."""
    quote = connection.ops.quote_name
    table = quote(Offer._meta.db_table)
    updated_at = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if rows:
                ids, amounts, currencies, stocks, actives = (list(column) for column in zip(*rows, strict=True))
                cursor.execute(
                    f'UPDATE {table} AS o SET "price_amount" = v.price_amount, "currency" = v.currency, '
                    f'"stock" = v.stock, "is_active" = v.is_active, "updated_at" = %s '
                    "FROM unnest(%s::bigint[], %s::bigint[], %s::varchar[], %s::integer[], %s::boolean[]) "
                    "AS v(id, price_amount, currency, stock, is_active) WHERE o.id = v.id",
                    [updated_at, ids, amounts, currencies, stocks, actives],
                )
            return
        for start in range(0, len(rows), UPDATE_CHUNK):
            chunk = rows[start : start + UPDATE_CHUNK]
            params: list[Any] = [updated_at]
            for row in chunk:
                params.extend(row)
            # SQLite names the columns of a VALUES list column1, column2, …
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f'UPDATE {table} SET "price_amount" = v.column2, "currency" = v.column3, "stock" = v.column4, '
                f'"is_active" = v.column5, "updated_at" = %s FROM (VALUES {values}) AS v '
                f"WHERE {table}.id = v.column1",
                params,
            )


def offer_bulk_update(*, seller: Seller, actor: User | None, items: Sequence[OfferBulkItem]) -> OfferBulkOutcome:
    """Set price, currency, stock and visibility of up to MAX_BULK_ITEMS of `seller`'s offers by SKU, all or nothing.

    Raises ValidationError (`invalid_offer`) naming each bad item as `items[<index>].<field>` — an unknown SKU
    (another seller's SKU is unknown too), a duplicate, a value out of range, a currency without a shipping rate —
    and writes nothing. Items already as asked are counted as unchanged and not written. Atomic; the caller makes
    the request idempotent (the API stores the outcome under the Idempotency-Key)."""
    if not 1 <= len(items) <= MAX_BULK_ITEMS:
        raise ValidationError(
            f"Send 1 to {MAX_BULK_ITEMS} items.",
            code=errors.INVALID_OFFER,
            fields={"items": f"1 to {MAX_BULK_ITEMS} items."},
        )
    field_errors: dict[str, str] = {}
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        _item_errors(index, item, seen, field_errors)
    if field_errors:
        raise _refuse(field_errors)
    with transaction.atomic():
        current_by_sku = _lock_current(seller, list(seen))
        rows: list[tuple[int, int, str, int, bool]] = []
        currency_checks: dict[tuple[int, str], list[int]] = {}
        price_changed = stock_changed = activation_changed = 0
        changed_visible: list[int] = []
        changed_products: set[int] = set()
        depleted: list[int] = []
        for index, item in enumerate(items):
            current = current_by_sku.get(item.sku)
            if current is None:
                field_errors[f"items[{index}].sku"] = "Unknown SKU."
                continue
            amount, currency = _new_price(index, item, current, field_errors)
            stock = current.stock if item.stock is None else item.stock
            is_active = current.is_active if item.is_active is None else item.is_active
            if currency != current.currency:
                currency_checks.setdefault((current.shipping_profile_id, currency), []).append(index)
            new = (current.offer_id, amount, currency, stock, is_active)
            if new == (current.offer_id, current.price_amount, current.currency, current.stock, current.is_active):
                continue
            rows.append(new)
            price_changed += (amount, currency) != (current.price_amount, current.currency)
            stock_changed += stock != current.stock
            activation_changed += is_active != current.is_active
            if (amount, currency, is_active) != (current.price_amount, current.currency, current.is_active):
                changed_visible.append(current.offer_id)
                changed_products.add(current.product_id)
            if current.stock > 0 and stock == 0:
                depleted.append(current.offer_id)
        for profile_id, currency in _profiles_without_rate(set(currency_checks)):
            for index in currency_checks[(profile_id, currency)]:
                field_errors[f"items[{index}].currency"] = f"The offer's shipping profile has no rate in {currency}."
        if field_errors:
            raise _refuse(dict(sorted(field_errors.items(), key=lambda entry: _index_of(entry[0]))))
        _update_rows(rows)
        audit_record(
            actor=actor,
            action="offer.bulk_updated",
            target=seller,
            seller_id=seller.pk,
            data={
                "items": len(items),
                "updated": len(rows),
                "price_changed": price_changed,
                "stock_changed": stock_changed,
                "activation_changed": activation_changed,
                # The request itself is the client's; its digest ties this row to it without storing 10,000 lines.
                "items_sha256": hashlib.sha256(
                    json.dumps([item.__dict__ for item in items], sort_keys=True, default=str).encode()
                ).hexdigest(),
            },
        )
        if changed_visible:
            publish(
                OffersChanged(
                    seller_id=seller.pk,
                    offer_ids=tuple(changed_visible),
                    product_ids=tuple(sorted(changed_products)),
                    at=clock.now(),
                )
            )
        offers_ran_out_of_stock(seller_id=seller.pk, offer_ids=depleted)
    return OfferBulkOutcome(
        items=len(items),
        updated=len(rows),
        unchanged=len(items) - len(rows),
        price_changed=price_changed,
        stock_changed=stock_changed,
        activation_changed=activation_changed,
        out_of_stock_offer_ids=tuple(sorted(depleted)),
    )


def _index_of(field: str) -> int:
    """items[12].sku -> 12 (errors are reported in item order)."""
    try:
        return int(field.split("[", 1)[1].split("]", 1)[0])
    except (IndexError, ValueError):
        return -1


@dataclass(frozen=True)
class OfferDraft:
    """One offer to create (`offer_bulk_create`): the product it is on and the seller's terms, as `offer_create`
    takes them."""

    product_id: int
    sku: str
    price_amount: int
    currency: str
    stock: int
    shipping_profile_id: int
    condition: str = Condition.NEW
    handling_days: int = 1
    ships_from_country: str | None = None
    return_policy_days: int = 14
    is_active: bool = True


def offer_bulk_create(*, seller: Seller, actor: User | None, drafts: Sequence[OfferDraft]) -> list[Offer]:
    """Create up to MAX_BULK_ITEMS offers of `seller`, all or nothing, and return them (with their ids). The rules are
    `offer_create`'s (the same check of the terms, `offer_terms_errors`): a known plain product or variant, never a
    family; one of the seller's shipping profiles with a rate in the offer's currency; a SKU the seller does not use
    yet and one offer per product and condition, in the database and within the batch. Marketplace fulfilment is
    not offered here (merchant only). Raises ValidationError (`invalid_offer`) naming each bad draft as
    `items[<index>].<field>` and writes nothing then. One audit row, one `OffersChanged` for the batch."""
    if not 1 <= len(drafts) <= MAX_BULK_ITEMS:
        raise ValidationError(
            f"Send 1 to {MAX_BULK_ITEMS} offers.",
            code=errors.INVALID_OFFER,
            fields={"items": f"1 to {MAX_BULK_ITEMS} offers."},
        )
    field_errors: dict[str, str] = {}
    checked: list[tuple[str, str]] = []  # (currency, ships from) per draft
    skus: dict[str, int] = {}
    pairs: dict[tuple[int, str], int] = {}
    for index, draft in enumerate(drafts):
        currency = _normalise_currency(draft.currency)
        ships_from, own_errors = offer_terms_errors(
            seller=seller,
            sku=draft.sku,
            price_amount=draft.price_amount,
            currency=currency,
            stock=draft.stock,
            condition=draft.condition,
            handling_days=draft.handling_days,
            ships_from_country=draft.ships_from_country,
            return_policy_days=draft.return_policy_days,
        )
        if not isinstance(draft.is_active, bool):
            own_errors["is_active"] = "true or false."
        if "sku" not in own_errors:
            sku = draft.sku.strip()
            if sku in skus:
                own_errors["sku"] = f"The same SKU as items[{skus[sku]}]."
            skus.setdefault(sku, index)
        pair = (draft.product_id, draft.condition)
        if pair in pairs:
            own_errors["product_id"] = f"The same product and condition as items[{pairs[pair]}]."
        pairs.setdefault(pair, index)
        field_errors.update({f"items[{index}].{name}": message for name, message in own_errors.items()})
        checked.append((currency, ships_from or ""))
    with transaction.atomic():
        products = {
            pk: bool(option_names) and parent_id is None
            for pk, option_names, parent_id in Product.objects.filter(
                pk__in={draft.product_id for draft in drafts if isinstance(draft.product_id, int)}
            ).values_list("pk", "option_names", "parent_id")
        }
        profile_ids = {draft.shipping_profile_id for draft in drafts if isinstance(draft.shipping_profile_id, int)}
        rates = set(
            ShippingRate.objects.filter(profile__seller=seller, profile_id__in=profile_ids).values_list(
                "profile_id", "currency"
            )
        )
        profiles = {profile_id for profile_id, _ in rates}
        if profile_ids - profiles:  # a profile without rates is still the seller's (its error says so)
            profiles |= set(
                ShippingProfile.objects.filter(seller=seller, pk__in=profile_ids - profiles).values_list(
                    "pk", flat=True
                )
            )
        used_skus = set(Offer.objects.filter(seller=seller, sku__in=list(skus)).values_list("sku", flat=True))
        used_pairs = set(
            Offer.objects.filter(seller=seller, product_id__in=list(products)).values_list("product_id", "condition")
        )
        offers: list[Offer] = []
        for index, (draft, (currency, ships_from)) in enumerate(zip(drafts, checked, strict=True)):
            prefix = f"items[{index}]"
            is_family = products.get(draft.product_id)
            if is_family is None:
                field_errors[f"{prefix}.product_id"] = "Unknown product."
            elif is_family:
                field_errors[f"{prefix}.product_id"] = "This product is a family: offer one of its variants."
            elif (draft.product_id, draft.condition) in used_pairs:
                field_errors[f"{prefix}.product_id"] = "You already offer this product in this condition."
            if draft.shipping_profile_id not in profiles:
                field_errors[f"{prefix}.shipping_profile_id"] = "Unknown shipping profile."
            elif (draft.shipping_profile_id, currency) not in rates:
                field_errors[f"{prefix}.shipping_profile_id"] = f"This shipping profile has no rate in {currency}."
            if isinstance(draft.sku, str) and draft.sku.strip() in used_skus:
                field_errors[f"{prefix}.sku"] = "SKU already used."
            if field_errors:
                continue  # the batch is refused: no need to build the rest
            offers.append(
                Offer(
                    seller=seller,
                    product_id=draft.product_id,
                    sku=draft.sku.strip(),
                    price_amount=draft.price_amount,
                    currency=currency,
                    stock=draft.stock,
                    condition=draft.condition,
                    handling_days=draft.handling_days,
                    ships_from_country=ships_from,
                    shipping_profile_id=draft.shipping_profile_id,
                    return_policy_days=draft.return_policy_days,
                    is_active=draft.is_active,
                )
            )
        if field_errors:
            raise _refuse(dict(sorted(field_errors.items(), key=lambda entry: _index_of(entry[0]))))
        try:
            with transaction.atomic():
                Offer.objects.bulk_create(offers)
        except IntegrityError as error:
            raise ValidationError(
                "An offer of the batch was created meanwhile; nothing was created.",
                code=errors.OFFER_DUPLICATE,
                fields={"items": str(error)[:200]},
            ) from error
        audit_record(
            actor=actor,
            action="offer.bulk_created",
            target=seller,
            seller_id=seller.pk,
            data={"count": len(offers), "first_id": offers[0].pk, "last_id": offers[-1].pk},
        )
        publish(
            OffersChanged(
                seller_id=seller.pk,
                offer_ids=tuple(offer.pk for offer in offers),
                product_ids=tuple(sorted({offer.product_id for offer in offers})),
                at=clock.now(),
            )
        )
    return offers

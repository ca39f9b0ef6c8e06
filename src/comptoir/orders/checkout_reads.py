"""The checkout's one read: the offers being bought, with everything the pure checkout needs, in one statement.

Each offer row carries, as correlated subqueries evaluated by the database in the same statement:

- `category_commission_bp`: the commission of the deepest category on the product's category path (itself or
  an ancestor) that sets one — the inheritance rule of `catalog.selectors.category_commission_bp`, expressed on
  the materialised path ('/1/7/42/' starts with every ancestor's path);
- `shipping_rates_json`: the offer's shipping profile's rates as a JSON array.

Nothing is cached between requests, so an operator's change of a commission rate or a tariff is seen by the
very next checkout; what is saved is the round trips (three statements become one). What is kept per process
is only the compiled SQL text of this statement (per number of offers), never data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import connection
from django.db.models import CharField, ExpressionWrapper, F, IntegerField, OuterRef, Subquery, TextField, Value
from django.db.models.aggregates import StringAgg
from django.db.models.functions import Cast, JSONObject

from comptoir.catalog.models import Category
from comptoir.core.money import Money
from comptoir.offers.domain.shipping import Rate
from comptoir.offers.models import Offer, ShippingRate

_RATE_FIELDS = (
    "id",
    "zone_name",
    "countries",
    "service_level",
    "carrier",
    "currency",
    "first_item_amount",
    "additional_item_amount",
    "transit_days_min",
    "transit_days_max",
)


def _category_commission_subquery():
    ancestors = (
        Category.objects.filter(commission_rate_bp__isnull=False)
        .annotate(descendant_path=ExpressionWrapper(OuterRef("product__category__path"), output_field=CharField()))
        .filter(descendant_path__startswith=F("path"))
        .order_by("-depth")
        .values("commission_rate_bp")[:1]
    )
    return Subquery(ancestors, output_field=IntegerField())


def _shipping_rates_subquery():
    rates = (
        ShippingRate.objects.filter(profile_id=OuterRef("shipping_profile_id"))
        .order_by()
        .values("profile_id")
        .annotate(
            rates=StringAgg(
                Cast(JSONObject(**{name: name for name in _RATE_FIELDS}), output_field=TextField()),
                delimiter=Value(","),
                output_field=TextField(),
            )
        )
        .values("rates")
    )
    return Subquery(rates, output_field=CharField())


@dataclass(frozen=True)
class CheckoutProduct:
    title: str


@dataclass(frozen=True)
class CheckoutSeller:
    status: str
    commission_rate_bp: int | None
    settlement_currency: str = ""


@dataclass(frozen=True)
class CheckoutOffer:
    """What checkout reads of an offer (the attribute names of Offer, so the service reads it the same way)."""

    pk: int
    seller_id: int
    product_id: int
    sku: str
    price_amount: int
    currency: str
    is_active: bool
    handling_days: int
    shipping_profile_id: int
    product: CheckoutProduct
    seller: CheckoutSeller
    category_commission_bp: int | None
    shipping_rates_json: str | None

    @property
    def price(self) -> Money:
        return Money(self.price_amount, self.currency)


_COLUMNS = (
    "pk",
    "seller_id",
    "product_id",
    "sku",
    "price_amount",
    "currency",
    "is_active",
    "handling_days",
    "shipping_profile_id",
    "product__title",
    "seller__status",
    "seller__commission_rate_bp",
    "category_commission_bp",
    "shipping_rates_json",
    "seller__settlement_currency",
)
_SENTINEL = -7_300_000_000  # ids the compiled statement's placeholders are recognised by
_compiled: dict[tuple[str, int], tuple[str, list, list[int]]] = {}


def _statement(count: int) -> tuple[str, list, list[int]]:
    """The SQL for `count` offer ids, compiled by the ORM once per process and database: compiling this query
    (two correlated subqueries) cost more worker CPU than running it. Only the ids change between calls."""
    key = (connection.alias, count)
    if key not in _compiled:
        sentinels = [_SENTINEL - index for index in range(count)]
        queryset = (
            Offer.objects.filter(pk__in=sentinels)
            .annotate(
                category_commission_bp=_category_commission_subquery(), shipping_rates_json=_shipping_rates_subquery()
            )
            .order_by("pk")
            .values_list(*_COLUMNS)
        )
        sql, compiled_params = queryset.query.sql_with_params()
        params = list(compiled_params)
        positions = [
            index
            for index, value in enumerate(params)
            if isinstance(value, int) and _SENTINEL - count < value <= _SENTINEL
        ]
        if len(positions) != count:
            raise RuntimeError("could not locate the offer ids in the compiled checkout statement")
        _compiled[key] = (sql, params, positions)
    return _compiled[key]


def offers_for_checkout(offer_ids) -> list[CheckoutOffer]:
    """The offers with their product's title, their seller's status and commission override, the commission their
    category path sets (None: none does) and their shipping rates as JSON, in primary-key order. One statement."""
    ids = sorted(offer_ids)
    sql, template, positions = _statement(len(ids))
    params = list(template)
    for position, offer_id in zip(positions, ids, strict=True):
        params[position] = offer_id
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        CheckoutOffer(
            pk=row[0],
            seller_id=row[1],
            product_id=row[2],
            sku=row[3],
            price_amount=row[4],
            currency=row[5],
            is_active=bool(row[6]),
            handling_days=row[7],
            shipping_profile_id=row[8],
            product=CheckoutProduct(row[9]),
            seller=CheckoutSeller(row[10], row[11], row[14]),
            category_commission_bp=row[12],
            shipping_rates_json=row[13],
        )
        for row in rows
    ]


def shipping_rates_of(offers: list[CheckoutOffer]) -> dict[int, list[Rate]]:
    """profile_id -> its rates, from the offers' `shipping_rates_json` annotation."""
    rates: dict[int, list[Rate]] = {}
    for offer in offers:
        if offer.shipping_profile_id in rates:
            continue
        rows = json.loads(f"[{offer.shipping_rates_json or ''}]")
        rows.sort(key=lambda row: row["id"])
        rates[offer.shipping_profile_id] = [
            Rate(
                id=row["id"],
                zone_name=row["zone_name"],
                countries=tuple(_json_value(row["countries"])),
                service_level=row["service_level"],
                carrier=row["carrier"],
                first_item=Money(row["first_item_amount"], row["currency"]),
                additional_item=Money(row["additional_item_amount"], row["currency"]),
                transit_days_min=row["transit_days_min"],
                transit_days_max=row["transit_days_max"],
            )
            for row in rows
        ]
    return rates


def _json_value(value):
    # SQLite's json_object embeds a JSON column's text as a string; PostgreSQL embeds the value itself.
    return json.loads(value) if isinstance(value, str) else value

"""The checkout's one read: the offers being bought, with everything the pure checkout needs, in one statement.

Each offer row carries, as correlated subqueries evaluated by the database in the same statement:

- `category_commission_bp`: the commission of the deepest category on the product's category path (itself or
  an ancestor) that sets one — the inheritance rule of `catalog.selectors.category_commission_bp`, expressed on
  the materialised path ('/1/7/42/' starts with every ancestor's path);
- `shipping_rates_json`: the offer's shipping profile's rates as a JSON array;
- `vat_rates_json`: the VAT rates (every dated row, of the product's tax class and of the standard class) of the
  seller's country, the goods' country and the destination, as a JSON array (docs/TAXES.md): the tax strategy picks
  the one in force on the day; with the seller's tax profile (`charges_destination_vat`), the same statement gives
  checkout every fact the VAT needs;
- `distance_sales_eur_cents`: the seller's intra-EU distance sales counted this calendar year (taxes.SellerDistanceSale,
  EUR cents), so that the sale crossing the EUR 10,000 threshold is itself taxed at destination (Art. 59c);
- `duty_rules_json`: the customs duty rules of the destination's customs area (taxes.DutyRule, every dated row) as a
  JSON array, with the product's HS code: what the duty of an imported parcel needs (docs/TAXES.md "Duties");
- `tariff_rates_json`: the operator's tariff rates of the destination's customs area whose HS prefix the product's
  HS code starts with (taxes.TariffRate, every dated row), with the product's country of origin: what a `tariff`
  duty rule reads (docs/TAXES.md "Tariff rates").

Nothing is cached between requests, so an operator's change of a commission rate or a tariff is seen by the
very next checkout; what is saved is the round trips (three statements become one). What is kept per process
is only the compiled SQL text of this statement (per number of offers), never data.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.aggregates import StringAgg, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, JSONObject, Substr

from comptoir.catalog.models import Category
from comptoir.compliance.models import OfferMarketBlock
from comptoir.core import clock
from comptoir.core.db import fixed_cursor
from comptoir.core.money import Money
from comptoir.offers.domain.shipping import Rate
from comptoir.offers.models import Offer, ShippingRate
from comptoir.taxes.domain import distance_sales
from comptoir.taxes.domain.duties import CustomsValue, DutyKind, DutyRule, TariffRate, customs_area, specific_duty_from
from comptoir.taxes.domain.rates import DatedRate, TaxClass
from comptoir.taxes.models import DutyRule as DutyRuleRow
from comptoir.taxes.models import SellerDistanceSale, SellerTaxProfile, VatRate
from comptoir.taxes.models import TariffRate as TariffRateRow

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


_VAT_FIELDS = ("country", "tax_class", "rate_bp", "valid_from", "valid_to", "source", "category")
_DESTINATION_SENTINEL = "~destination~"  # the compiled statement's placeholder for the destination country
_DESTINATION_USES = 2  # the VAT rates read and the country rules' blocks


_NO_CATEGORY = RawSQL("''", (), output_field=CharField())


def _vat_rates_subquery():
    rates = (
        VatRate.objects.filter(
            Q(country=OuterRef("seller__country"))
            | Q(country=OuterRef("ships_from_country"))
            | Q(country=Value(_DESTINATION_SENTINEL)),
            # The product's class and the standard rate, and the rows of the product's tax category. The empty
            # category is a literal in the SQL, not a bound parameter: both unique indexes are partial on
            # `category = ''`, and SQLite re-prepares a statement on every execution when a bound value decides
            # whether a partial index applies (0.25 ms per offer read, measured).
            Q(category=_NO_CATEGORY) | Q(category=OuterRef("product__tax_category")),
            Q(tax_class=OuterRef("product__tax_class"))
            | Q(tax_class=Value(TaxClass.STANDARD.value))
            | ~Q(category=_NO_CATEGORY),
        )
        .order_by()
        .annotate(one=Value(1, output_field=IntegerField()))
        .values("one")
        .annotate(
            rates=StringAgg(
                Cast(JSONObject(**{name: name for name in _VAT_FIELDS}), output_field=TextField()),
                delimiter=Value(","),
                output_field=TextField(),
            )
        )
        .values("rates")
    )
    return Subquery(rates, output_field=CharField())


_DUTY_FIELDS = (
    "area",
    "kind",
    "currency",
    "amount",
    "value_limit",
    "valid_from",
    "valid_to",
    "source",
    "marketplace_collected_only",
    "customs_value",
)
_AREA_SENTINEL = "~area~"  # the compiled statement's placeholder for the destination's customs area
_TARIFF_AREA_SENTINEL = "~tariff-area~"  # the same area, for the tariff rates
_TARIFF_FIELDS = (
    "area",
    "hs_prefix",
    "origin",
    "rate_bp",
    "valid_from",
    "valid_to",
    "source",
    "specific_amount",
    "specific_currency",
    "specific_unit",
    "specific_kind",
)


def _duty_rules_subquery():
    rules = (
        DutyRuleRow.objects.filter(area=Value(_AREA_SENTINEL))
        .order_by()
        .annotate(one=Value(1, output_field=IntegerField()))
        .values("one")
        .annotate(
            rules=StringAgg(
                Cast(JSONObject(**{name: name for name in _DUTY_FIELDS}), output_field=TextField()),
                delimiter=Value(","),
                output_field=TextField(),
            )
        )
        .values("rules")
    )
    return Subquery(rules, output_field=CharField())


def _tariff_rates_subquery():
    """The tariff rates of the destination's area whose prefix starts the product's HS code (a product without one
    matches none): the prefix is one of the code's 2 to 10 leading digits, a look-up the (area, hs_prefix, …) index of
    the unique constraint can serve (not measured on a full tariff); only the rows that can apply travel."""
    rates = (
        TariffRateRow.objects.filter(
            area=Value(_TARIFF_AREA_SENTINEL),
            hs_prefix__in=[Substr(OuterRef("product__hs_code"), 1, length) for length in range(2, 11)],
        )
        .order_by()
        .annotate(one=Value(1, output_field=IntegerField()))
        .values("one")
        .annotate(
            rates=StringAgg(
                Cast(JSONObject(**{name: name for name in _TARIFF_FIELDS}), output_field=TextField()),
                delimiter=Value(","),
                output_field=TextField(),
            )
        )
        .values("rates")
    )
    return Subquery(rates, output_field=CharField())


def _restricted_subquery():
    """Whether the offer may not be sold to the destination (country rules, docs/COMPLIANCE.md): read with the
    offer, so that checkout spends no statement of its own on it while nothing is blocked."""
    return Exists(OfferMarketBlock.objects.filter(offer_id=OuterRef("pk"), country=Value(_DESTINATION_SENTINEL)))


_DECLARED_OVER = 9999  # a declaration of destination VAT holds whatever the year


def _destination_vat_subquery():
    """The last year in which the seller charges destination VAT on its intra-EU distance sales: any year when it
    declares so, else the marketplace's count (`counted_over_through_year`); compared with the order's year in Python
    (taxes.domain.distance_sales), so the compiled statement does not depend on the date."""
    return Subquery(
        SellerTaxProfile.objects.filter(seller_id=OuterRef("seller_id"))
        .annotate(
            over_through=Case(
                When(charges_destination_vat=True, then=Value(_DECLARED_OVER)),
                default=Coalesce(F("counted_over_through_year"), Value(0)),
                output_field=IntegerField(),
            )
        )
        .values("over_through")[:1],
        output_field=IntegerField(),
    )


_YEAR_SENTINEL = -7_200_000_001  # the compiled statement's placeholder for the current calendar year


def _distance_sales_subquery():
    """The seller's intra-EU distance sales counted this year (EUR cents, net of VAT; 0 when none): the year is a
    placeholder, so the compiled statement does not depend on the date."""
    return Coalesce(
        Subquery(
            SellerDistanceSale.objects.filter(seller_id=OuterRef("seller_id"), year=Value(_YEAR_SENTINEL))
            .order_by()
            .values("seller_id")
            .annotate(total=Sum("net_eur_cents"))
            .values("total")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class CheckoutProduct:
    title: str
    tax_class: str = TaxClass.STANDARD.value
    hs_code: str = ""
    country_of_origin: str = ""
    # Per unit (None: not given): what a specific tariff duty is levied on (docs/TAXES.md "Specific duties").
    weight_grams: int | None = None
    gross_weight_grams: int | None = None
    volume_millilitres: int | None = None
    tax_category: str = ""


@dataclass(frozen=True)
class CheckoutSeller:
    status: str
    commission_rate_bp: int | None
    settlement_currency: str = ""
    country: str = ""
    charges_destination_vat: bool = False
    distance_sales_eur_cents: int = 0  # counted this calendar year (taxes.SellerDistanceSale)


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
    ships_from_country: str = ""
    vat_rates_json: str | None = None
    restricted: bool = False
    duty_rules_json: str | None = None
    tariff_rates_json: str | None = None

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
    "ships_from_country",
    "product__tax_class",
    "seller__country",
    "charges_destination_vat",
    "vat_rates_json",
    "restricted",
    "product__hs_code",
    "duty_rules_json",
    "distance_sales_eur_cents",
    "tariff_rates_json",
    "product__country_of_origin",
    "product__weight_grams",
    "product__gross_weight_grams",
    "product__volume_millilitres",
    "product__tax_category",
)
_SENTINEL = -7_300_000_000  # ids the compiled statement's placeholders are recognised by
_compiled: dict[tuple[str, int], tuple[str, list, list[int]]] = {}


def _statement(count: int) -> tuple[str, list, list[int]]:
    """The SQL for `count` offer ids, compiled by the ORM once per process and database: compiling this query
    (four correlated subqueries) cost more worker CPU than running it. Only the ids and the destination change between
    calls (the destination's placeholder is found by its sentinel value, like the ids)."""
    key = (connection.alias, count)
    if key not in _compiled:
        sentinels = [_SENTINEL - index for index in range(count)]
        queryset = (
            Offer.objects.filter(pk__in=sentinels)
            .annotate(
                category_commission_bp=_category_commission_subquery(),
                shipping_rates_json=_shipping_rates_subquery(),
                charges_destination_vat=_destination_vat_subquery(),
                vat_rates_json=_vat_rates_subquery(),
                restricted=_restricted_subquery(),
                duty_rules_json=_duty_rules_subquery(),
                distance_sales_eur_cents=_distance_sales_subquery(),
                tariff_rates_json=_tariff_rates_subquery(),
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
        destinations = [index for index, value in enumerate(params) if value == _DESTINATION_SENTINEL]
        if len(destinations) != _DESTINATION_USES:
            raise RuntimeError("could not locate the destination in the compiled checkout statement")
        areas = [index for index, value in enumerate(params) if value == _AREA_SENTINEL]
        if len(areas) != 1:
            raise RuntimeError("could not locate the customs area in the compiled checkout statement")
        years = [index for index, value in enumerate(params) if value == _YEAR_SENTINEL]
        if len(years) != 1:
            raise RuntimeError("could not locate the year in the compiled checkout statement")
        tariff_areas = [index for index, value in enumerate(params) if value == _TARIFF_AREA_SENTINEL]
        if len(tariff_areas) != 1:
            raise RuntimeError("could not locate the tariff's customs area in the compiled checkout statement")
        positions += destinations + areas + years + tariff_areas
        _compiled[key] = (sql, params, positions)
    return _compiled[key]


def offers_for_checkout(offer_ids, *, destination: str = "") -> list[CheckoutOffer]:
    """The offers with their product's title and tax class, their seller's status, country, commission override and
    tax profile, the commission their category path sets (None: none does), their shipping rates and the VAT rates of
    the seller's, the goods' and the `destination` country as JSON, and whether the country rules forbid selling it to
    `destination` (`restricted`), in primary-key order. One statement."""
    ids = sorted(offer_ids)
    sql, template, positions = _statement(len(ids))
    params = list(template)
    area = customs_area(destination) if destination else ""
    year = clock.now().year
    values = [*ids, *[destination.upper()] * _DESTINATION_USES, area, year, area]
    for position, value in zip(positions, values, strict=True):
        params[position] = value
    with fixed_cursor(connection) as cursor:
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
            product=CheckoutProduct(
                row[9], row[16], row[21] or "", row[25] or "", row[26], row[27], row[28], row[29] or ""
            ),
            seller=CheckoutSeller(
                row[10], row[11], row[14], row[17], charges_destination_vat(row[18], year=year), int(row[23] or 0)
            ),
            category_commission_bp=row[12],
            shipping_rates_json=row[13],
            ships_from_country=row[15],
            vat_rates_json=row[19],
            restricted=bool(row[20]),
            duty_rules_json=row[22],
            tariff_rates_json=row[24],
        )
        for row in rows
    ]


def charges_destination_vat(over_through_year: int | None, *, year: int) -> bool:
    """The seller's declaration or the marketplace's count, read as one year (`_destination_vat_subquery`)."""
    return distance_sales.charges_destination_vat(
        declared=False, counted_over_through_year=over_through_year or None, year=year
    )


def vat_rates_of(offer: CheckoutOffer) -> list[DatedRate]:
    """The dated VAT rates read with the offer (`vat_rates_json`)."""
    return list(dated_rates_from_json(offer.vat_rates_json or ""))


def duty_rules_of(offer: CheckoutOffer) -> tuple[DutyRule, ...]:
    """The duty rules of the destination's customs area read with the offer (`duty_rules_json`)."""
    return _duty_rules(offer.duty_rules_json or "")


def tariff_rates_of(offer: CheckoutOffer) -> tuple[TariffRate, ...]:
    """The tariff rates that can apply to the offer's product in the destination's area (`tariff_rates_json`)."""
    return _tariff_rates(offer.tariff_rates_json or "")


# The three parsers below are kept per process by the JSON text the statement returned (a few distinct texts: the
# offers of one set of countries and tax class read the same rates), so a checkout parses each text once at most; a
# changed rate is a different text. Their values are frozen dataclasses in tuples: nothing can change a cached one.
@functools.lru_cache(maxsize=512)
def dated_rates_from_json(text: str) -> tuple[DatedRate, ...]:
    """The dated VAT rates of a `vat_rates_json` text (what `vat_rates_of` reads)."""
    rows = json.loads(f"[{text}]")
    return tuple(
        DatedRate(
            country=row["country"],
            tax_class=TaxClass(row["tax_class"]),
            rate_bp=int(row["rate_bp"]),
            valid_from=dt.date.fromisoformat(str(row["valid_from"])[:10]),
            valid_to=None if row["valid_to"] is None else dt.date.fromisoformat(str(row["valid_to"])[:10]),
            source=row["source"],
            category=row.get("category") or "",
        )
        for row in rows
    )


@functools.lru_cache(maxsize=512)
def _duty_rules(text: str) -> tuple[DutyRule, ...]:
    rows = json.loads(f"[{text}]")
    return tuple(
        DutyRule(
            area=row["area"],
            kind=DutyKind(row["kind"]),
            currency=row["currency"],
            amount=int(row["amount"]),
            value_limit=None if row["value_limit"] is None else int(row["value_limit"]),
            valid_from=dt.date.fromisoformat(str(row["valid_from"])[:10]),
            valid_to=None if row["valid_to"] is None else dt.date.fromisoformat(str(row["valid_to"])[:10]),
            source=row["source"],
            marketplace_collected_only=bool(row["marketplace_collected_only"]),
            customs_value=CustomsValue(row.get("customs_value") or CustomsValue.CIF.value),
        )
        for row in rows
    )


@functools.lru_cache(maxsize=512)
def _tariff_rates(text: str) -> tuple[TariffRate, ...]:
    # A specific amount is a JSON number: read as a Decimal, never a float (quantized to the column's 4 places).
    rows = json.loads(f"[{text}]", parse_float=Decimal)
    return tuple(
        TariffRate(
            area=row["area"],
            hs_prefix=row["hs_prefix"],
            origin=row["origin"],
            rate_bp=int(row["rate_bp"]),
            valid_from=dt.date.fromisoformat(str(row["valid_from"])[:10]),
            valid_to=None if row["valid_to"] is None else dt.date.fromisoformat(str(row["valid_to"])[:10]),
            source=row["source"],
            specific=specific_duty_from(
                None if row.get("specific_amount") is None else Decimal(row["specific_amount"]).quantize(_FOUR_PLACES),
                row.get("specific_currency") or "",
                row.get("specific_unit") or "",
                row.get("specific_kind") or "",
            ),
        )
        for row in rows
    )


_FOUR_PLACES = Decimal("0.0001")


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

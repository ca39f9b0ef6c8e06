"""Reads of carts, orders and seller orders. Every read is scoped to its owner: a buyer's selectors
filter by buyer and a seller's by seller, so another party's number simply does not exist."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Prefetch, Q

from comptoir.core.money import Money
from comptoir.offers.domain.pricing import Rates
from comptoir.orders.domain.checkout import LineTaxFacts
from comptoir.orders.models import (
    CartLine,
    CreditNote,
    CreditNoteKind,
    CreditNoteLine,
    Dispute,
    Order,
    OrderLine,
    OrderStatus,
    OrderTaxLine,
    ReturnRequest,
    ReturnRequestLine,
    SellerOrder,
    SellerReturnPolicy,
    TaxLineKind,
)

# A checkout whose payment never succeeded (declined, or still being attempted) is an attempt, not an order: the
# buyer's and the seller's order lists leave it out (the operator's console and admin still show it). A buyer still
# sees an order whose payment is held for review (their money is on hold); a seller sees an order once it is paid,
# the first moment they can act on it.
BUYER_VISIBLE_ORDER_STATUSES = (OrderStatus.PAID, OrderStatus.PAYMENT_REVIEW)
SELLER_VISIBLE = Q(order__status=OrderStatus.PAID)


def cart_lines_for_buyer(buyer) -> list[CartLine]:
    return list(
        CartLine.objects.filter(cart__buyer=buyer)
        .select_related("offer__product", "offer__seller")
        .order_by("added_at", "id")
    )


@dataclass(frozen=True)
class CartLineRow:
    """A cart line with what the buyer is shown of its offer (`cart_line_rows`)."""

    offer_id: int
    product_id: int
    title: str
    seller_id: int
    seller_name: str
    seller_status: str
    quantity: int
    price_amount: int
    currency: str
    is_active: bool
    stock: int


_CART_ROW_COLUMNS = (
    "offer_id",
    "offer__product_id",
    "offer__product__title",
    "offer__seller_id",
    "offer__seller__name",
    "offer__seller__status",
    "quantity",
    "offer__price_amount",
    "offer__currency",
    "offer__is_active",
    "offer__stock",
)
_CART_BUYER_SENTINEL = -7_400_000_001  # the compiled statement's buyer placeholder is recognised by this value
_cart_rows_sql: dict[str, tuple[str, list, int]] = {}


def cart_line_rows(buyer) -> list[CartLineRow]:
    """The buyer's cart lines in the order they were added (`cart_lines_for_buyer`'s rows and order) as plain rows:
    one statement whose SQL the ORM compiles once per process and database (compiling it cost the cart's API
    answers more CPU than running it)."""
    cached = _cart_rows_sql.get(connection.alias)
    if cached is None:
        queryset = (
            CartLine.objects.filter(cart__buyer_id=_CART_BUYER_SENTINEL)
            .order_by("added_at", "id")
            .values_list(*_CART_ROW_COLUMNS)
        )
        compiled_sql, compiled_params = queryset.query.sql_with_params()
        template = list(compiled_params)
        if template.count(_CART_BUYER_SENTINEL) != 1:
            raise RuntimeError("could not locate the buyer in the compiled cart statement")
        cached = _cart_rows_sql[connection.alias] = (compiled_sql, template, template.index(_CART_BUYER_SENTINEL))
    sql, params, position = cached
    params = list(params)
    params[position] = buyer.pk
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        CartLineRow(
            offer_id=row[0],
            product_id=row[1],
            title=row[2],
            seller_id=row[3],
            seller_name=row[4],
            seller_status=row[5],
            quantity=row[6],
            price_amount=row[7],
            currency=row[8],
            is_active=bool(row[9]),  # SQLite returns booleans as 0 and 1
            stock=row[10],
        )
        for row in rows
    ]


def cart_has_offer(*, buyer, offer_id: int) -> bool:
    return CartLine.objects.filter(cart__buyer=buyer, offer_id=offer_id).exists()


def _return_lines_prefetch() -> Prefetch:
    return Prefetch(
        "return_request__lines",
        queryset=ReturnRequestLine.objects.select_related("order_line").order_by("order_line_id"),
    )


def seller_order_return_request(seller_order: SellerOrder) -> ReturnRequest | None:
    """The seller order's return request (loaded with it by the selectors here), or None."""
    try:
        return seller_order.return_request
    except ReturnRequest.DoesNotExist:
        return None


def _tax_lines_prefetch() -> Prefetch:
    return Prefetch("tax_lines", queryset=OrderTaxLine.objects.order_by("id"))


def _seller_orders_prefetch() -> Prefetch:
    return Prefetch(
        "seller_orders",
        queryset=SellerOrder.objects.select_related("seller", "return_request")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("id")),
            _return_lines_prefetch(),
            _tax_lines_prefetch(),
        )
        .order_by("number"),
    )


def order_list_for_buyer(buyer):
    """The buyer's orders, newest first; checkout attempts whose payment failed or never ended are left out."""
    return (
        Order.objects.filter(buyer=buyer, status__in=BUYER_VISIBLE_ORDER_STATUSES)
        .prefetch_related(_seller_orders_prefetch())
        .order_by("-placed_at", "-id")
    )


def order_get_for_buyer(*, buyer, number: str) -> Order | None:
    return Order.objects.filter(buyer=buyer, number=number).prefetch_related(_seller_orders_prefetch()).first()


def seller_order_get_for_buyer(*, buyer, number: str) -> SellerOrder | None:
    return (
        SellerOrder.objects.filter(order__buyer=buyer, number=number)
        .select_related("order", "seller", "return_request")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("id")),
            _return_lines_prefetch(),
            Prefetch("tax_lines", queryset=OrderTaxLine.objects.order_by("id")),
        )
        .first()
    )


def seller_order_service_levels(*, order_id: int) -> dict[int, str]:
    """seller id -> the delivery service level chosen for that seller's parcel in this order."""
    return dict(SellerOrder.objects.filter(order_id=order_id).values_list("seller_id", "shipping_service_level"))


def seller_order_list_for_seller(*, seller, status: str | None = None):
    """The seller's paid seller orders, newest first (optionally of one status); unpaid checkout attempts are not
    orders to the seller."""
    seller_orders = (
        SellerOrder.objects.filter(SELLER_VISIBLE, seller=seller)
        .select_related("order", "seller", "return_request")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("id")),
            _return_lines_prefetch(),
            _tax_lines_prefetch(),
        )
    )
    if status:
        seller_orders = seller_orders.filter(status=status)
    return seller_orders.order_by("-placed_at", "-id")


def seller_order_get_for_seller(*, seller, number: str, details: bool = True) -> SellerOrder | None:
    """One of the seller's paid seller orders; None for another seller's number or an unpaid attempt. `details`: with
    its lines, return lines and tax lines prefetched (False: the row alone, for a caller that only needs its id)."""
    found = SellerOrder.objects.filter(SELLER_VISIBLE, seller=seller, number=number).select_related(
        "order", "seller", "return_request"
    )
    if details:
        found = found.prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("id")),
            _return_lines_prefetch(),
            _tax_lines_prefetch(),
        )
    return found.first()


def return_request_for_seller_order(seller_order: SellerOrder) -> ReturnRequest | None:
    """The seller order's return request with its lines (and their order lines), or None."""
    return (
        ReturnRequest.objects.filter(seller_order=seller_order)
        .prefetch_related(
            Prefetch("lines", queryset=ReturnRequestLine.objects.select_related("order_line").order_by("order_line_id"))
        )
        .first()
    )


def seller_return_policy(*, seller) -> SellerReturnPolicy | None:
    return SellerReturnPolicy.objects.filter(seller=seller).first()


def dispute_list_for_seller_order(seller_order: SellerOrder) -> list[Dispute]:
    return list(Dispute.objects.filter(seller_order=seller_order).order_by("id"))


# --- Seller center reads (always scoped to one seller) ---------------------------------------------

# Statuses in which the seller has the next move, with that move.
SELLER_ACTION_STATUSES = ("placed", "accepted", "return_requested", "returned")


def seller_order_action_queue(*, seller, limit: int = 50):
    """Seller orders waiting for the seller: to accept, to ship, returns to receive and to refund,
    oldest promise first (the ones already late come first)."""
    return (
        SellerOrder.objects.filter(seller=seller, status__in=SELLER_ACTION_STATUSES)
        .select_related("order")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("id")))
        .order_by("ship_by", "placed_at", "id")[:limit]
    )


def seller_order_status_counts(*, seller) -> dict[str, int]:
    from django.db.models import Count

    return dict(
        SellerOrder.objects.filter(SELLER_VISIBLE, seller=seller)
        .values_list("status")
        .annotate(count=Count("id"))
        .order_by()
    )


def seller_order_late_count(*, seller, today) -> int:
    """Orders not yet handed to the carrier whose ship-by date has passed."""
    return SellerOrder.objects.filter(seller=seller, status__in=("placed", "accepted"), ship_by__lt=today).count()


def seller_order_weekly_totals(*, seller, since) -> list[dict]:
    """Per ISO week (Monday) since `since`: number of paid seller orders and their value per currency
    (orders still awaiting payment or cancelled are left out). Rows: {week, currency, orders, amount}."""
    from django.db.models import Count, Sum
    from django.db.models.functions import TruncWeek

    rows = (
        SellerOrder.objects.filter(seller=seller, placed_at__gte=since)
        .exclude(status__in=("awaiting_payment", "cancelled"))
        .annotate(week=TruncWeek("placed_at"))
        .values("week", "currency")
        .annotate(orders=Count("id"), amount=Sum("total_amount"))
        .order_by("week")
    )
    return [
        {
            "week": row["week"].date() if hasattr(row["week"], "date") else row["week"],
            "currency": row["currency"],
            "orders": row["orders"],
            "amount": row["amount"] or 0,
        }
        for row in rows
    ]


def seller_order_events(seller_order: SellerOrder):
    from comptoir.orders.models import SellerOrderEvent

    return list(SellerOrderEvent.objects.filter(seller_order=seller_order).order_by("created_at", "id"))


# --- Storefront reads (always scoped to one buyer) -------------------------------------------------


def cart_item_count(*, buyer) -> int:
    """Units in the buyer's cart (the header's cart counter)."""
    from django.db.models import Sum

    return CartLine.objects.filter(cart__buyer=buyer).aggregate(total=Sum("quantity"))["total"] or 0


def cart_line_quantity(*, buyer, offer_id: int) -> int:
    """Units of one offer already in the buyer's cart (0 when absent)."""
    return CartLine.objects.filter(cart__buyer=buyer, offer_id=offer_id).values_list("quantity", flat=True).first() or 0


def order_get_for_buyer_with_history(*, buyer, number: str) -> Order | None:
    """A buyer's order with its seller orders, their lines, events (oldest first) and disputes; None for anyone else's
    number."""
    from comptoir.orders.models import SellerOrderEvent

    seller_orders = (
        SellerOrder.objects.select_related("seller")
        .order_by("number")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("id")),
            Prefetch("events", queryset=SellerOrderEvent.objects.order_by("created_at", "id")),
            Prefetch("disputes", queryset=Dispute.objects.order_by("id")),
            Prefetch("tax_lines", queryset=OrderTaxLine.objects.order_by("id")),
            Prefetch(
                "return_request__lines",
                queryset=ReturnRequestLine.objects.select_related("order_line").order_by("order_line_id"),
            ),
        )
        .select_related("return_request")
    )
    return (
        Order.objects.filter(buyer=buyer, number=number)
        .prefetch_related(Prefetch("seller_orders", queryset=seller_orders))
        .first()
    )


def product_ids_best_selling(*, since, limit: int) -> list[int]:
    """Products by units sold on paid orders since `since` (cancelled and unpaid seller orders left out)."""
    from django.db.models import Sum

    return list(
        OrderLine.objects.filter(seller_order__placed_at__gte=since)
        .exclude(seller_order__status__in=("awaiting_payment", "cancelled"))
        .values("product_id")
        .annotate(units=Sum("quantity"))
        .order_by("-units", "-product_id")
        .values_list("product_id", flat=True)[:limit]
    )


@dataclass(frozen=True)
class ShippingChoice:
    """One service level a seller offers to the destination, priced for the seller's whole parcel."""

    service_level: str
    carrier: str
    price: Money
    earliest: dt.date
    latest: dt.date


@dataclass
class CartSellerGroup:
    """The cart lines of one seller, shipped together: what the cart and checkout show per seller."""

    seller: object
    lines: list[CartLine]
    items: Money
    choices: list[ShippingChoice]
    selected: ShippingChoice | None  # None: the seller does not ship to the destination
    # Duties (docs/TAXES.md "Duties"): the duty checkout will charge (DDP), whether import VAT or duties may be charged
    # on delivery instead (DAP, told before paying) and the estimate of that when it is known.
    duty: Money | None = None
    charges_at_delivery: bool = False
    at_delivery_estimate: Money | None = None

    @property
    def total(self) -> Money | None:
        if not self.selected:
            return None
        total = self.items + self.selected.price
        return total + self.duty if self.duty is not None else total


@dataclass
class CartSummary:
    groups: list[CartSellerGroup]
    currency: str | None  # None when the cart is empty or mixes currencies (and is not charged in one currency)
    item_count: int
    # Set when the order will be charged in `currency` whatever its offers' currencies (the buyer's presentment
    # currency): each seller's items and total are converted as checkout converts them (orders.domain.presentment).
    rates: Rates | None = None

    def _charged(self, amount: Money) -> Money | None:
        if amount.currency == self.currency or self.rates is None or self.currency is None:
            return amount
        return self.rates.convert(amount, self.currency)

    @property
    def items(self) -> Money | None:
        if not self.currency:
            return None
        parts = [self._charged(group.items) for group in self.groups]
        if any(part is None or part.currency != self.currency for part in parts):
            return None
        return Money(sum(part.amount for part in parts if part is not None), self.currency)

    @property
    def duty(self) -> Money | None:
        """The customs duties checkout will charge (DDP), None when there are none."""
        if not self.currency:
            return None
        parts = [self._charged(group.duty) for group in self.groups if group.duty is not None]
        if not parts or any(part is None or part.currency != self.currency for part in parts):
            return None
        return Money(sum(part.amount for part in parts if part is not None), self.currency)

    @property
    def shipping(self) -> Money | None:
        items, total, duty = self.items, self.total, self.duty
        if items is None or total is None:
            return None
        return total - items - duty if duty is not None else total - items

    @property
    def total(self) -> Money | None:
        if not self.currency or any(group.selected is None for group in self.groups):
            return None
        parts = [self._charged(group.total) for group in self.groups if group.total is not None]
        if any(part is None or part.currency != self.currency for part in parts):
            return None
        return Money(sum(part.amount for part in parts if part is not None), self.currency)

    @property
    def is_converted(self) -> bool:
        return any(group.items.currency != self.currency for group in self.groups)

    @property
    def is_shippable(self) -> bool:
        return (
            bool(self.groups)
            and self.currency is not None
            and all(group.selected is not None for group in self.groups)
            and (self.rates is None or self.total is not None)
        )


def _cart_tax_facts(lines: list[CartLine], *, country: str, day: dt.date) -> dict[int, LineTaxFacts]:
    """offer id -> its tax facts for a consumer in `country` (as checkout reads them), for the cart's priced totals.
    Three queries (the rates of the countries involved, the sellers' tax profiles, the destination's duty rules), a
    fourth (the area's tariff rates) when a `tariff` duty rule is in force there; none for an empty cart."""
    from comptoir.taxes.conf import taxes_settings
    from comptoir.taxes.domain.categories import is_excise_category
    from comptoir.taxes.domain.duties import DutyKind, customs_area
    from comptoir.taxes.domain.rates import rates_by_country
    from comptoir.taxes.selectors import (
        DistancePosition,
        duty_rules_for,
        seller_distance_positions,
        tariff_rates_in_force,
        vat_rates_dated,
    )

    if not lines:
        return {}
    offers = [line.offer for line in lines]
    countries = {country} | {offer.seller.country for offer in offers} | {offer.ships_from_country for offer in offers}
    dated = vat_rates_dated(countries=countries, day=day)
    if not dated:
        return {}
    positions = seller_distance_positions({offer.seller_id for offer in offers})
    unknown = DistancePosition(charges_destination_vat=False, counted_eur_cents=0)
    duty_rules = duty_rules_for(destination=country, day=day)
    # Only a `tariff` rule reads the tariff: its rates are not read when none is in force (one query fewer).
    tariff_rates = (
        tariff_rates_in_force(day=day, area=customs_area(country))
        if any(rule.kind is DutyKind.TARIFF for rule in duty_rules)
        else ()
    )
    handling = taxes_settings().duty_handling
    return {
        offer.pk: LineTaxFacts(
            hs_code=offer.product.hs_code,
            duty_rules=duty_rules,
            origin=offer.product.country_of_origin,
            tariff_rates=tariff_rates,
            net_grams=offer.product.weight_grams,
            gross_grams=offer.product.gross_weight_grams,
            millilitres=offer.product.volume_millilitres,
            day=day,
            duty_handling=handling,
            seller_country=offer.seller.country,
            goods_country=offer.ships_from_country or offer.seller.country,
            seller_charges_destination_vat=positions.get(offer.seller_id, unknown).charges_destination_vat,
            seller_distance_sales_eur_cents=positions.get(offer.seller_id, unknown).counted_eur_cents,
            rates=rates_by_country(
                dated,
                tax_class=offer.product.tax_class,
                countries={country, offer.seller.country, offer.ships_from_country},
                day=day,
                category=offer.product.tax_category,
            ),
            excise_goods=is_excise_category(offer.product.tax_category),
        )
        for offer in offers
    }


def _cart_duty(parcel, currency: str) -> dict:
    """CartSellerGroup's duty fields from a parcel's DutyAssessment (taxes.domain.duties)."""
    duty = parcel.duty
    if duty is None or not duty.is_imported:
        return {}
    estimate = duty.at_delivery_estimate
    return {
        # What the buyer pays for the duty at checkout: the duty with the VAT on it (ParcelTax.duty_charged).
        "duty": Money(parcel.duty_charged, currency) if parcel.duty_charged else None,
        "charges_at_delivery": duty.charges_at_delivery,
        "at_delivery_estimate": Money(estimate, currency) if estimate else None,
    }


def cart_summary_for_buyer(
    *,
    buyer,
    country: str,
    placed_on: dt.date,
    service_levels: dict[int, str] | None = None,
    charge_currency: str | None = None,
) -> CartSummary:
    """The buyer's cart grouped by seller, with each seller's shipping options to `country` and the selected one
    (`service_levels[seller_id]` when offered, else the cheapest: the rule checkout applies, through the same pure
    core). With `charge_currency` (the buyer's presentment currency when the marketplace charges in it), the totals
    are in it, converted per seller at today's rates, whatever currencies the offers are priced in."""
    from comptoir.offers.conf import pricing_strategy
    from comptoir.offers.domain.shipping import promise_dates, quote, rates_for_country
    from comptoir.offers.selectors import shipping_rates_for_profiles
    from comptoir.orders.domain.checkout import CheckoutProblem, LineInput, build_checkout

    lines = list(
        CartLine.objects.filter(cart__buyer=buyer)
        .select_related("offer__product", "offer__seller")
        .order_by("offer__seller__name", "offer_id")
    )
    rates = shipping_rates_for_profiles({line.offer.shipping_profile_id for line in lines})
    tax_facts = _cart_tax_facts(lines, country=country, day=placed_on)
    by_seller: dict[int, list[CartLine]] = {}
    for line in lines:
        by_seller.setdefault(line.offer.seller_id, []).append(line)
    currencies = {line.offer.currency for line in lines}
    groups = []
    for seller_id, seller_lines in by_seller.items():
        seller_lines.sort(key=lambda line: line.offer_id)
        currency = seller_lines[0].offer.currency
        items = Money(
            sum(line.offer.price_amount * line.quantity for line in seller_lines if line.offer.currency == currency),
            currency,
        )
        item_count = sum(line.quantity for line in seller_lines)
        handling = max(line.offer.handling_days for line in seller_lines)
        # As at checkout: the parcel ships on the profile of the seller's first line (by offer id).
        candidates = [
            rate
            for rate in rates_for_country(rates.get(seller_lines[0].offer.shipping_profile_id, []), country)
            if rate.first_item.currency == currency
        ]
        choices = []
        for level in sorted({rate.service_level for rate in candidates}):
            rate = min(
                (rate for rate in candidates if rate.service_level == level),
                key=lambda rate: (rate.first_item.amount, rate.id),
            )
            _ship_by, earliest, latest = promise_dates(
                placed_on, handling, rate.transit_days_min, rate.transit_days_max
            )
            choices.append(ShippingChoice(level, rate.carrier, quote(rate, item_count).price, earliest, latest))
        choices.sort(key=lambda choice: (choice.price.amount, choice.latest))
        selected = None
        duty_fields: dict = {}
        try:
            draft = build_checkout(
                lines=[
                    LineInput(
                        line.offer_id,
                        seller_id,
                        line.offer.product_id,
                        line.offer.product.title,
                        line.offer.sku,
                        line.offer.price,
                        line.quantity,
                        0,
                        line.offer.handling_days,
                        line.offer.shipping_profile_id,
                        tax_facts.get(line.offer_id),
                    )
                    for line in seller_lines
                ],
                rates_by_profile=rates,
                destination_country=country,
                service_levels={seller_id: (service_levels or {})[seller_id]}
                if (service_levels or {}).get(seller_id) in {c.service_level for c in choices}
                else {},
                placed_on=placed_on,
                pricing=pricing_strategy(),
            )
            part = draft.seller_orders[0]
            if part.tax is not None:  # what checkout will charge: the items and shipping with the buyer's VAT
                items = part.items
                duty_fields = _cart_duty(part.tax, part.currency)
            selected = ShippingChoice(
                part.shipping.service_level,
                part.shipping.carrier,
                part.shipping.price,
                part.deliver_by_earliest,
                part.deliver_by,
            )
        except CheckoutProblem:
            selected = None
        groups.append(
            CartSellerGroup(seller_lines[0].offer.seller, seller_lines, items, choices, selected, **duty_fields)
        )
    if charge_currency is not None and groups:
        from comptoir.offers.conf import exchange_rates

        return CartSummary(groups, charge_currency, sum(line.quantity for line in lines), exchange_rates())
    return CartSummary(
        groups=groups,
        currency=currencies.pop() if len(currencies) == 1 else None,
        item_count=sum(line.quantity for line in lines),
    )


@dataclass(frozen=True)
class VatTableRow:
    tax_country: str
    rate_bp: int
    net: Money
    vat: Money
    gross: Money

    @property
    def rate_percent(self) -> Decimal:
        return Decimal(self.rate_bp) / 100


@dataclass(frozen=True)
class VatTable:
    """A seller order's VAT breakdown, as its invoice shows it: one row per country and rate (highest rate first), the
    regime and who collects (docs/TAXES.md)."""

    rows: list[VatTableRow]
    regime: str
    collector: str
    net: Money
    vat: Money
    # Customs duty the buyer paid at checkout (DDP, a "duty" tax line), net of VAT. Its VAT (the taxable amount includes
    # the duty, Art. 86 Dir. 2006/112/EC) is in the rows; a duty line of an order placed before it was taxed is not.
    duty: Money | None = None
    duty_vat: Money | None = None

    @property
    def is_reverse_charge(self) -> bool:
        return self.collector == "buyer"

    @property
    def is_collected_by_marketplace(self) -> bool:
        return self.collector == "marketplace"

    @property
    def import_charges_at_delivery(self) -> bool:
        return self.collector == "customs"


def seller_order_vat_table(seller_order: SellerOrder) -> VatTable | None:
    """The VAT table of a seller order from its tax lines (prefetched by the order selectors: no query then); None for
    an order priced without VAT."""
    every = list(seller_order.tax_lines.all())
    lines = [line for line in every if line.kind != TaxLineKind.DUTY]
    duties = [line for line in every if line.kind == TaxLineKind.DUTY]
    if not lines:
        return None
    currency = lines[0].currency
    sums: dict[tuple[str, int], list[int]] = {}
    for line in [*lines, *(duty for duty in duties if duty.rate_bp)]:
        totals = sums.setdefault((line.tax_country, line.rate_bp), [0, 0, 0])
        totals[0] += line.net_amount
        totals[1] += line.vat_amount
        totals[2] += line.gross_amount
    rows = [
        VatTableRow(country, rate, Money(net, currency), Money(vat, currency), Money(gross, currency))
        for (country, rate), (net, vat, gross) in sorted(sums.items(), key=lambda item: (-item[0][1], item[0][0]))
    ]
    return VatTable(
        rows=rows,
        regime=lines[0].regime,
        collector=lines[0].collector,
        net=Money(sum(line.net_amount for line in lines), currency),
        vat=Money(sum(line.vat_amount for line in lines), currency),
        duty=Money(sum(line.net_amount for line in duties), currency) if duties else None,
        duty_vat=Money(seller_order_duty_vat(seller_order), currency) if duties else None,
    )


def seller_order_net_amount(seller_order: SellerOrder) -> int:
    """What the seller order brings the seller at release, as the ledger books it (checkout.services.release): the
    total the buyer paid, minus the commission, the VAT the marketplace collects as deemed supplier (with the VAT on the
    duty) and the customs duty it collects (DDP), before refunds and chargebacks. Minor units of its currency."""
    duty = seller_order.duty_amount - seller_order_duty_vat(seller_order)
    return seller_order.total_amount - seller_order.commission_amount - seller_order.marketplace_vat_amount - duty


def seller_order_duty_vat(seller_order: SellerOrder) -> int:
    """The VAT on the customs duty collected at checkout (its "duty" tax line), in the seller order's currency: part of
    `marketplace_vat_amount` and of `duty_amount` alike (the buyer paid the duty with its VAT). 0 without a duty; no
    query when the tax lines are prefetched, one otherwise."""
    if not seller_order.duty_amount:
        return 0
    return sum(line.vat_amount for line in seller_order.tax_lines.all() if line.kind == TaxLineKind.DUTY)


@dataclass(frozen=True)
class CreditedBeforeRelease:
    """What the credit notes of chargebacks before the release gave back of a seller order (minor units)."""

    gross: int
    marketplace_vat: int  # the VAT the marketplace collected on the lines they credit (with the VAT on the duty)
    duty: int  # the customs duty they credit, without its VAT


def seller_order_chargebacks_credited_before_release(
    seller_order: SellerOrder, *, marketplace_collector: str = "marketplace"
) -> CreditedBeforeRelease:
    """The sums of the chargeback credit notes written before the seller order's release (one query): the release
    books to the marketplace's liabilities only the VAT and duty they did not credit."""
    gross = marketplace_vat = duty = 0
    for kind, collector, net, vat, line_gross in CreditNoteLine.objects.filter(
        credit_note__seller_order=seller_order,
        credit_note__kind=CreditNoteKind.CHARGEBACK,
        credit_note__after_release=False,
    ).values_list("kind", "collector", "net_amount", "vat_amount", "gross_amount"):
        gross += line_gross
        if collector == marketplace_collector:
            marketplace_vat += vat
        if kind == TaxLineKind.DUTY:
            duty += net
    return CreditedBeforeRelease(gross=gross, marketplace_vat=marketplace_vat, duty=duty)


def credit_notes_for_seller_order(seller_order: SellerOrder) -> list[CreditNote]:
    """The seller order's credit notes, oldest first, with their lines and the order lines they credit (two
    queries)."""
    return list(
        CreditNote.objects.filter(seller_order=seller_order)
        .order_by("pk")
        .prefetch_related(
            Prefetch("lines", queryset=CreditNoteLine.objects.select_related("order_line").order_by("pk"))
        )
    )

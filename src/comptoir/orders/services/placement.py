"""Order placement: checkout input checked, a priced draft built from offers, and `order_place`, which writes an
order awaiting payment from a draft. Payment is not the orders app's business: `comptoir.checkout` charges and
applies the outcome."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache, partial
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from django.db import router

from comptoir.compliance.services import offers_check_destination
from comptoir.core.db import insert_chain, new_instance
from comptoir.core.events import publish_on_commit
from comptoir.core.exceptions import Conflict, NotFound, ValidationError
from comptoir.core.money import Money
from comptoir.currencies.selectors import ReferenceRates
from comptoir.offers.conf import pricing_strategy
from comptoir.offers.domain.pricing import BuyerKind
from comptoir.offers.locks import offer_stock_take
from comptoir.orders import errors
from comptoir.orders.checkout_reads import (
    CheckoutOffer,
    dated_rates_from_json,
    duty_rules_of,
    offers_for_checkout,
    shipping_rates_of,
    tariff_rates_of,
)
from comptoir.orders.conf import orders_settings
from comptoir.orders.domain.checkout import (
    CheckoutDraft,
    CheckoutProblem,
    LineInput,
    LineTaxFacts,
    SellerOrderDraft,
    build_checkout,
)
from comptoir.orders.domain.presentment import build_checkout_converted
from comptoir.orders.domain.state_machine import Action, Actor, Status, transition
from comptoir.orders.events import SellerOrderTransitioned
from comptoir.orders.models import (
    Order,
    OrderLine,
    OrderStatus,
    OrderTaxLine,
    SellerOrder,
    SellerOrderEvent,
    TaxLineKind,
)
from comptoir.orders.services.cart import validate_quantity
from comptoir.orders.services.numbers import new_order_number
from comptoir.orders.services.presentment import (
    charge_columns_of_order,
    charge_columns_of_seller_order,
    order_presentment,
)
from comptoir.sellers.domain.trader import normalise_country
from comptoir.sellers.models import SellerStatus
from comptoir.taxes.conf import taxes_settings
from comptoir.taxes.domain.categories import is_excise_category
from comptoir.taxes.domain.charge import collected_by_marketplace
from comptoir.taxes.domain.distance_sales import COUNT_DECIDED_REASONS
from comptoir.taxes.domain.duties import DutyHandling, rules_in_force
from comptoir.taxes.domain.liability import Collector
from comptoir.taxes.domain.rates import rates_by_country
from comptoir.taxes.models import SellerDistanceSale

if TYPE_CHECKING:
    from comptoir.accounts.models import User

ADDRESS_FIELDS = ("name", "street", "postal_code", "city", "country")


def address_clean(address: Any) -> dict:
    """The shipping address trimmed, its country normalised to ISO 3166 alpha-2; ValidationError (field names
    `shipping_address.<name>`) when a required part is missing or too long."""
    if not isinstance(address, dict):
        raise ValidationError(
            "A shipping address is required.", code=errors.INVALID_ADDRESS, fields={"shipping_address": "Required."}
        )
    problems = {}
    for name in ADDRESS_FIELDS:
        value = address.get(name)
        if not isinstance(value, str) or not value.strip():
            problems[f"shipping_address.{name}"] = "Required."
        elif len(value) > 200:
            problems[f"shipping_address.{name}"] = "At most 200 characters."
    country = normalise_country(address.get("country", "")) if "shipping_address.country" not in problems else None
    if "shipping_address.country" not in problems and country is None:
        problems["shipping_address.country"] = "Use an ISO 3166 two-letter country code."
    if problems:
        raise ValidationError("The shipping address is incomplete.", code=errors.INVALID_ADDRESS, fields=problems)
    clean = {name: address[name].strip() for name in ADDRESS_FIELDS}
    clean["country"] = country
    for optional in ("phone", "street2", "region"):
        if isinstance(address.get(optional), str) and address[optional].strip():
            clean[optional] = address[optional].strip()[:200]
    return clean


def lines_parse(lines: Any) -> dict[int, int]:
    """offer_id -> quantity from checkout lines ({"offer_id", "quantity"}), quantities of one offer summed.
    ValidationError on an empty list, a bad offer id or a quantity out of range."""
    if not isinstance(lines, list) or not lines:
        raise ValidationError(
            "There is nothing to check out.", code=errors.EMPTY_CART, fields={"lines": "Add at least one offer."}
        )
    quantities: dict[int, int] = {}
    for index, line in enumerate(lines):
        offer_id = line.get("offer_id") if isinstance(line, dict) else None
        if isinstance(offer_id, bool) or not isinstance(offer_id, int):
            raise ValidationError(
                "Invalid line.", code=errors.INVALID_LINE, fields={f"lines[{index}].offer_id": "An offer id."}
            )
        validate_quantity(line.get("quantity"), field=f"lines[{index}].quantity")
        quantities[offer_id] = quantities.get(offer_id, 0) + line["quantity"]
        validate_quantity(quantities[offer_id], field=f"lines[{index}].quantity")
    return quantities


def shipping_choices_parse(shipping_choices: dict[Any, Any] | None) -> dict[int, str]:
    """seller_id -> service level; ValidationError when a key is not a seller id."""
    choices = {}
    for seller_key, level in (shipping_choices or {}).items():
        try:
            choices[int(seller_key)] = str(level)
        except (TypeError, ValueError) as error:
            raise ValidationError(
                "Invalid shipping choice.",
                code=errors.INVALID_SHIPPING_CHOICE,
                fields={"shipping": "Map seller ids to a service level."},
            ) from error
    return choices


def _commission_rates(offers: list[CheckoutOffer]) -> dict[int, int]:
    """offer_id -> basis points: the seller's override, else the category's own or inherited rate (read with the
    offers by `offers_for_checkout`), else the marketplace default."""
    default = orders_settings().default_commission_bp
    return {
        offer.pk: offer.seller.commission_rate_bp
        if offer.seller.commission_rate_bp is not None
        else offer.category_commission_bp
        if offer.category_commission_bp is not None
        else default
        for offer in offers
    }


def _line_tax_facts(
    offer: CheckoutOffer, destination: str, day: dt.date, duty_handling: DutyHandling
) -> LineTaxFacts | None:
    """The offer's tax facts for a sale to `destination` on `day`, with its HS code and the destination's duty rules
    in force; None when no VAT rate is loaded for any of its countries (the line is then priced as entered)."""
    if not offer.vat_rates_json:
        return None
    rules = duty_rules_of(offer)
    return LineTaxFacts(
        hs_code=offer.product.hs_code,
        duty_rules=rules_in_force(rules, area=rules[0].area, day=day) if rules else (),
        origin=offer.product.country_of_origin,
        tariff_rates=tuple(rate for rate in tariff_rates_of(offer) if rate.in_force(day)),
        net_grams=offer.product.weight_grams,
        gross_grams=offer.product.gross_weight_grams,
        millilitres=offer.product.volume_millilitres,
        day=day,
        duty_handling=duty_handling,
        seller_country=offer.seller.country,
        goods_country=offer.ships_from_country or offer.seller.country,
        seller_charges_destination_vat=offer.seller.charges_destination_vat,
        seller_distance_sales_eur_cents=offer.seller.distance_sales_eur_cents,
        rates=_rates_in_force(
            offer.vat_rates_json,
            offer.product.tax_class,
            frozenset((offer.seller.country, offer.ships_from_country, destination)),
            day,
            offer.product.tax_category,
        ),
        excise_goods=is_excise_category(offer.product.tax_category),
    )


@lru_cache(maxsize=1024)
def _rates_in_force(
    vat_rates_json: str, tax_class: str, countries: frozenset[str], day: dt.date, category: str = ""
) -> Mapping[str, int]:
    """country -> rate of the offer's class in force on `day` (`rates_by_country` over the rates read with the offer),
    kept per process by the rates' JSON text, class, countries and day: the offers of a checkout, and of the next
    ones, mostly share them. Read-only (a MappingProxyType over the cached dict)."""
    return MappingProxyType(
        rates_by_country(
            dated_rates_from_json(vat_rates_json), tax_class=tax_class, countries=countries, day=day, category=category
        )
    )


def order_draft_price(
    *,
    quantities: dict[int, int],
    country: str,
    service_levels: dict[int, str],
    placed_on: dt.date,
    charge_currency: str | None = None,
    business_buyer: bool = False,
    refuse_restricted: bool = False,
) -> CheckoutDraft:
    """Price `quantities` (offer_id -> units) delivered to `country`: lines, shipping per seller, commission,
    promise dates. Reads offers, takes nothing. Raises NotFound (an offer unknown, inactive or of a seller not
    verified; `extra["offer_ids"]`) and ValidationError (no shipping to the country, an unknown service level,
    several currencies, no exchange rate).

    `charge_currency` (the buyer's presentment currency when the operator charges in it): the order is charged in
    it, offers of several currencies allowed, each seller order settled in its seller's currency at a frozen rate
    (orders.domain.presentment). Without it, one currency per order, as the offers are priced (a seller with a
    settlement currency of its own is still settled in it).

    VAT (docs/TAXES.md): each line carries its tax facts, read in the same statement (`offers_for_checkout`); the
    pricing strategy prices the parcel for a consumer, or for a business when `business_buyer` (the caller checked
    a VAT number of the destination).

    `refuse_restricted` (checkout): raise Conflict (`offer_restricted_for_destination`, compliance.services) when the
    country rules forbid selling one of the offers to `country`; read in the same statement, so a checkout spends
    nothing on it unless an offer is blocked."""
    offers = offers_for_checkout(quantities, destination=country)
    found = {offer.pk: offer for offer in offers}
    restricted = [offer.pk for offer in offers if offer.restricted]
    if refuse_restricted and restricted:
        offers_check_destination(offer_ids=restricted, country=country)
    unavailable = [
        offer_id
        for offer_id in quantities
        if offer_id not in found
        or not found[offer_id].is_active
        or found[offer_id].seller.status != SellerStatus.VERIFIED
    ]
    if unavailable:
        raise NotFound(
            "Some offers are not available.",
            code=errors.OFFER_UNAVAILABLE,
            extra={"offer_ids": sorted(unavailable)},
            fields={f"offer {offer_id}": "Unknown or unavailable offer." for offer_id in sorted(unavailable)},
        )
    commission = _commission_rates(offers)
    rates = shipping_rates_of(offers)
    duty_handling = taxes_settings().duty_handling
    presentment = order_presentment(offers, charge_currency)
    try:
        return (build_checkout if presentment is None else partial(build_checkout_converted, presentment=presentment))(
            lines=[
                LineInput(
                    offer.pk,
                    offer.seller_id,
                    offer.product_id,
                    offer.product.title,
                    offer.sku,
                    offer.price,
                    quantities[offer.pk],
                    commission[offer.pk],
                    offer.handling_days,
                    offer.shipping_profile_id,
                    _line_tax_facts(offer, country, placed_on, duty_handling),
                )
                for offer in offers
            ],
            rates_by_profile=rates,
            destination_country=country,
            service_levels=service_levels,
            placed_on=placed_on,
            pricing=pricing_strategy(),
            buyer_kind=BuyerKind.BUSINESS if business_buyer else BuyerKind.CONSUMER,
        )
    except CheckoutProblem as problem:
        raise ValidationError(problem.message, code=problem.code, fields=problem.fields) from problem


def order_place(
    *, buyer: User, draft: CheckoutDraft, address: dict, now: dt.datetime, buyer_vat_number: str = ""
) -> Order:
    """Place an order from a priced draft: take the stock of every line, then write the order awaiting payment,
    one seller order per seller with its lines and its "create" event. Runs in the caller's transaction.

    The entry point for every way an order comes into being: a cart checkout today (checkout.order_checkout), an
    auction win, an accepted quote or an imported order tomorrow. The caller prices the draft
    (`order_draft_price` or its own pricing), cleans the address (`address_clean`) and then settles the payment;
    the order stays `awaiting_payment` until it does. (`order_stock_take` then `order_write` are its two steps, for
    a caller that settles the payment in between.)

    Guarantees: stock is taken in offer-id order and never goes negative. Raises Conflict (`insufficient_stock`,
    `extra["offer_ids"]`) when an offer lacks stock: the caller's transaction, which the error leaves, rolls back
    what was taken, so nothing is kept."""
    order_stock_take(draft=draft)
    return order_write(
        buyer=buyer,
        draft=draft,
        address=address,
        now=now,
        number=new_order_number(),
        buyer_vat_number=buyer_vat_number,
    )


def order_stock_take(*, draft: CheckoutDraft) -> None:
    """Take the stock of every line of `draft`, in offer-id order, inside the caller's transaction. Raises Conflict
    (`insufficient_stock`, `extra["offer_ids"]`) when an offer lacks stock; the caller's transaction must then roll
    back, which puts back what was taken."""
    quantities: dict[int, int] = {}
    for part in draft.seller_orders:
        for line in part.lines:
            quantities[line.offer_id] = quantities.get(line.offer_id, 0) + line.quantity
    short = offer_stock_take(quantities=quantities)
    if short:
        raise Conflict(
            "Not enough stock for some offers.",
            code=errors.INSUFFICIENT_STOCK,
            extra={"offer_ids": short},
            fields={f"offer {offer_id}": "Not enough stock." for offer_id in short},
        )


def _columns(model) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields if field is not model._meta.auto_field)


_ORDER_COLUMNS = _columns(Order)
_SELLER_ORDER_COLUMNS = _columns(SellerOrder)


def _row(instance, columns: tuple[str, ...], **replaced: object) -> tuple:
    """The instance's values for `columns` (what its save would store), some `replaced`."""
    return tuple(replaced[name] if name in replaced else getattr(instance, name) for name in columns)


def _saved(instance, pk: int) -> None:
    """Mark an instance whose row was inserted as the ORM marks a saved one."""
    instance.pk = pk
    instance._state.adding, instance._state.db = False, router.db_for_write(type(instance))


_LINE_COLUMNS = (
    "seller_order_id",
    "offer_id",
    "product_id",
    "title",
    "sku",
    "quantity",
    "unit_price_amount",
    "line_amount",
    "commission_rate_bp",
)
_EVENT_COLUMNS = (
    "seller_order_id",
    "seller_id_copy",
    "action",
    "from_status",
    "to_status",
    "actor_role",
    "actor_id",
    "reason",
    "data",
    "created_at",
)


_TAX_VALUE_COLUMNS = (
    "kind",
    "regime",
    "collector",
    "reason",
    "tax_country",
    "rate_bp",
    "currency",
    "net_amount",
    "vat_amount",
    "gross_amount",
)
_TAX_COLUMNS = ("order_id", "seller_order_id", "order_line_id", *_TAX_VALUE_COLUMNS)


def _marketplace_vat(part: SellerOrderDraft) -> dict[str, Any]:
    """The VAT of the part the marketplace collects as deemed supplier, and whose it is."""
    if part.tax is None or not collected_by_marketplace(part.tax.liability):
        return {"marketplace_vat_amount": 0, "marketplace_vat_country": ""}
    return {"marketplace_vat_amount": part.tax.vat, "marketplace_vat_country": part.tax.liability.tax_country or ""}


def _goods_country(part: SellerOrderDraft) -> str:
    """Where the parcel leaves from, as its tax facts say (the first line's: a parcel leaves from one place)."""
    first = part.lines[0].tax if part.lines else None
    return "" if first is None else first.goods_country.upper()


@lru_cache(maxsize=256)
def _rate_text(rate_bp: int) -> str:
    """A rate in basis points as the answers give it ("20", "5.5"): a few distinct rates, formatted once each."""
    return format((Decimal(rate_bp) / 100).normalize(), "f")


def tax_line_summary(
    *,
    kind: str,
    offer_id: int | None,
    regime: str,
    collector: str,
    reason: str,
    tax_country: str,
    rate_bp: int,
    currency: str,
    net: int,
    vat: int,
    gross: int,
) -> dict[str, Any]:
    """One tax line as the checkout's answer gives it (JSON-ready; the shape of the order responses' tax lines)."""
    return {
        "kind": kind,
        "offer_id": offer_id,
        "regime": regime,
        "collector": collector,
        "reason": reason,
        "tax_country": tax_country,
        "rate": _rate_text(rate_bp),
        "net": Money(net, currency).as_dict(),
        "vat": Money(vat, currency).as_dict(),
        "gross": Money(gross, currency).as_dict(),
    }


def draft_tax_lines(draft: CheckoutDraft, number: str) -> dict[str, list[dict[str, Any]]]:
    """The tax lines `order_write` writes for the draft, by seller order number (`number` the order's), as
    `tax_line_summary` gives them: the checkout's answer, without reading them back."""
    offers = {
        (position, line.offer_id): line.offer_id
        for position, part in enumerate(draft.seller_orders)
        for line in part.lines
    }
    result: dict[str, list[dict[str, Any]]] = {}
    for row in _tax_rows(draft, offers):
        _, position, offer_id, kind, regime, collector, reason, country, rate_bp, currency, net, vat, gross = row
        result.setdefault(f"{number}-{position + 1}", []).append(
            tax_line_summary(
                kind=kind,
                offer_id=offer_id,
                regime=regime,
                collector=collector,
                reason=reason,
                tax_country=country,
                rate_bp=rate_bp,
                currency=currency,
                net=net,
                vat=vat,
                gross=gross,
            )
        )
    return result


def order_tax_lines(order: Order) -> dict[str, list[dict[str, Any]]]:
    """What `draft_tax_lines` gives, read from the order's tax lines (one query): a resumed checkout's answer."""
    result: dict[str, list[dict[str, Any]]] = {}
    for line in OrderTaxLine.objects.filter(order=order).select_related("seller_order", "order_line").order_by("pk"):
        result.setdefault(line.seller_order.number, []).append(
            tax_line_summary(
                kind=line.kind,
                offer_id=line.order_line.offer_id if line.order_line else None,
                regime=line.regime,
                collector=line.collector,
                reason=line.reason,
                tax_country=line.tax_country,
                rate_bp=line.rate_bp,
                currency=line.currency,
                net=line.net_amount,
                vat=line.vat_amount,
                gross=line.gross_amount,
            )
        )
    return result


def _tax_rows(draft: CheckoutDraft, line_positions: dict[tuple[int, int], int]) -> list[tuple]:
    """The OrderTaxLine rows of the draft's taxed seller orders (positions standing for the ids, as insert_chain
    wants them): one per line, then one per shipping and per duty (no order line: None). One part of the chain, so
    one INSERT on SQLite and one CTE on PostgreSQL for all of them."""
    items: list[tuple] = []
    shipping: list[tuple] = []
    for position, part in enumerate(draft.seller_orders):
        if part.tax is None:
            continue
        liability = part.tax.liability
        common = (liability.regime.value, liability.collector.value, liability.reason, liability.tax_country or "")
        for taxed in part.tax.lines:
            assert taxed.key is not None
            items.append(
                (
                    0,
                    position,
                    line_positions[(position, taxed.key)],
                    TaxLineKind.ITEM.value,
                    *common,
                    taxed.tax.rate_bp,
                    part.currency,
                    taxed.tax.net,
                    taxed.tax.vat,
                    taxed.tax.gross,
                )
            )
        if part.tax.shipping is not None:
            taxed = part.tax.shipping
            shipping.append(
                (
                    0,
                    position,
                    None,
                    TaxLineKind.SHIPPING.value,
                    *common,
                    taxed.tax.rate_bp,
                    part.currency,
                    taxed.tax.net,
                    taxed.tax.vat,
                    taxed.tax.gross,
                )
            )
        duty = part.tax.duty
        if duty is not None and duty.rule is not None:
            # The duty collected at checkout (DDP): one line per VAT rate of its items (most often one per seller
            # order), net = the duty those items bear, with the VAT on it at their rate (the taxable amount includes
            # the duties, Art. 78(a) and 86 Dir. 2006/112/EC).
            shipping.extend(
                (
                    0,
                    position,
                    None,
                    TaxLineKind.DUTY.value,
                    liability.regime.value,
                    Collector.MARKETPLACE.value,
                    f"duty_{duty.rule.kind.value}_{duty.rule.area.lower()}",
                    liability.tax_country or "",
                    duty_tax.rate_bp,
                    part.currency,
                    duty_tax.net,
                    duty_tax.vat,
                    duty_tax.gross,
                )
                for duty_tax in part.tax.duty_taxes
            )
    return items + shipping


_DISTANCE_SALE_COLUMNS = ("seller_id", "seller_order_id", "year", "net_eur_cents", "counted_at")


def _distance_sale_rows(draft: CheckoutDraft, now: dt.datetime) -> list[tuple]:
    """The `taxes.SellerDistanceSale` rows of the draft's intra-EU distance sales whose outcome the seller's count
    decided (`COUNT_DECIDED_REASONS`: under the threshold, or the crossing sale; a seller already over, declared or
    without a threshold is counted once paid only), counted as soon as the order is placed (positions standing for the
    seller orders' ids): the net of VAT of their tax lines (items, shipping) in EUR
    at the reference rate of the day, as the filings app counts them once paid (`filings.services.distance_sales_count`
    then replaces the row: the year it was paid, its credit notes; a seller order cancelled unpaid counts 0). So the
    next checkout of the seller, even before this one is paid, reads it (docs/TAXES.md, "The crossing sale"). A part
    whose currency has no EUR rate that day is left out, as the filings app leaves it out."""
    rows: list[tuple] = []
    rates: ReferenceRates | None = None
    for position, part in enumerate(draft.seller_orders):
        if part.tax is None or part.tax.liability.reason not in COUNT_DECIDED_REASONS:
            continue
        net = sum(taxed.tax.net for taxed in part.tax.lines)
        if part.tax.shipping is not None:
            net += part.tax.shipping.tax.net
        if part.tax.duty_tax is not None and part.tax.duty is not None and part.tax.duty.rule is not None:
            net += part.tax.duty_tax.net
        if part.currency != "EUR":
            rates = rates or ReferenceRates(now.date())
            converted = rates.convert(Money(net, part.currency), "EUR")
            if converted is None:
                continue
            net = converted.amount
        rows.append((part.seller_id, position, now.year, max(0, net), now))
    return rows


def order_write(
    *,
    buyer: User,
    draft: CheckoutDraft,
    address: dict,
    now: dt.datetime,
    number: str,
    paid_reference: str | None = None,
    buyer_vat_number: str = "",
) -> Order:
    """Write the order of `draft` under `number`, its stock already taken in the caller's transaction
    (`order_stock_take`): one seller order per seller with its lines and its "create" event, awaiting payment.

    With `paid_reference`, the payment was captured before anything was written (a provider answering inside the
    process): the rows are written as `order_mark_paid` would leave them — the order paid at `now`, every seller
    order `placed` through the state machine's `payment_captured` transition, recorded by its own event after its
    "create" event (both in one INSERT) — and one SellerOrderTransitioned per `payment_captured` event is published
    on commit, as `order_mark_paid` does. Recording the payment itself is the caller's business.

    The VAT of each taxed seller order (`SellerOrderDraft.tax`) is written as OrderTaxLine rows, one per line and one
    for the shipping, in the same statement (PostgreSQL) or transaction; `buyer_vat_number` is the checked VAT number
    the draft was priced for (a business buyer)."""
    # Fixed statements (core.db): the ORM's create/bulk_create cost more CPU to compile than these cost to run (the
    # checkout's hot path); the values stored are the same. Lines and events are inserted from tuples: nothing
    # reads them back as objects.
    status, paid_target = Status.AWAITING_PAYMENT, None
    if paid_reference is not None:
        paid_target = transition(Status.AWAITING_PAYMENT, Action.PAYMENT_CAPTURED, Actor.SYSTEM).target
        status = paid_target
    # Built through the positional constructor (core.db.new_instance, values by attname): the keyword one was the
    # costliest Python of writing the order. The buyer is cached on the order as `Order(buyer=buyer)` caches it.
    order = new_instance(
        Order,
        {
            "number": number,
            "buyer_id": buyer.pk,
            "status": OrderStatus.AWAITING_PAYMENT if paid_reference is None else OrderStatus.PAID,
            "currency": draft.currency,
            "items_amount": draft.items.amount,
            "shipping_amount": draft.shipping.amount,
            "duty_amount": draft.duty.amount,
            "total_amount": draft.total.amount,
            "shipping_address": address,
            "placed_at": now,
            "paid_at": None if paid_reference is None else now,
            "buyer_vat_number": buyer_vat_number,
            **charge_columns_of_order(draft),
        },
    )
    order.buyer = buyer
    seller_orders = [
        new_instance(
            SellerOrder,
            {
                "seller_id": part.seller_id,
                "number": f"{number}-{index}",
                "status": status,
                "currency": part.currency,
                "items_amount": part.items.amount,
                "shipping_amount": part.shipping.price.amount,
                "duty_amount": part.duty.amount,
                "total_amount": part.total.amount,
                "commission_amount": part.commission.amount,
                "shipping_rate_id": part.shipping.rate_id,
                "shipping_service_level": part.shipping.service_level,
                "shipping_zone": part.shipping.zone_name,
                "carrier": part.shipping.carrier,
                "ship_by": part.ship_by,
                "deliver_by_earliest": part.deliver_by_earliest,
                "deliver_by": part.deliver_by,
                "placed_at": now,
                **_marketplace_vat(part),
                "goods_country": _goods_country(part),
                **charge_columns_of_seller_order(part),
            },
        )  # its order is assigned once the order has its id (below)
        for index, part in enumerate(draft.seller_orders, start=1)
    ]
    line_positions = {
        (position, line.offer_id): index
        for index, (position, line) in enumerate(
            (position, line) for position, part in enumerate(draft.seller_orders) for line in part.lines
        )
    }
    tax_rows = _tax_rows(draft, line_positions)
    lines = [
        (
            position,
            line.offer_id,
            line.product_id,
            line.title[:300],
            line.sku,
            line.quantity,
            line.unit_price.amount,
            line.unit_price.amount * line.quantity,
            line.commission_rate_bp,
        )
        for position, part in enumerate(draft.seller_orders)
        for line in part.lines
    ]
    events: list[tuple] = [
        (
            position,
            seller_order.seller_id,
            "create",
            "",
            Status.AWAITING_PAYMENT.value,
            Actor.BUYER.value,
            buyer.pk,
            "",
            {
                "ship_by": seller_order.ship_by.isoformat(),
                "deliver_by": seller_order.deliver_by.isoformat(),
                "total": seller_order.total_amount,
            },
            now,
        )
        for position, seller_order in enumerate(seller_orders)
    ]
    if paid_target is not None:
        events += [
            (
                position,
                seller_order.seller_id,
                Action.PAYMENT_CAPTURED.value,
                Status.AWAITING_PAYMENT.value,
                paid_target.value,
                Actor.SYSTEM.value,
                None,
                "",
                {"payment": paid_reference},
                now,
            )
            for position, seller_order in enumerate(seller_orders)
        ]
    # One statement on PostgreSQL (core.db.insert_chain), one per table elsewhere; the order's and seller orders'
    # positions stand for their ids in the rows that point at them.
    parts = [
        (Order, _ORDER_COLUMNS, [_row(order, _ORDER_COLUMNS)], {}),
        (
            SellerOrder,
            _SELLER_ORDER_COLUMNS,
            [_row(so, _SELLER_ORDER_COLUMNS, order_id=0) for so in seller_orders],
            {"order_id": 0},
        ),
        (OrderLine, _LINE_COLUMNS, lines, {"seller_order_id": 1}),
        (SellerOrderEvent, _EVENT_COLUMNS, events, {"seller_order_id": 1}),
    ]
    if tax_rows:  # untaxed orders (no VAT rates loaded) keep the statement they always had
        parts.append((OrderTaxLine, _TAX_COLUMNS, tax_rows, {"order_id": 0, "seller_order_id": 1, "order_line_id": 2}))
        distance_rows = _distance_sale_rows(draft, now)
        if distance_rows:  # one more CTE of the same statement on PostgreSQL
            parts.append((SellerDistanceSale, _DISTANCE_SALE_COLUMNS, distance_rows, {"seller_order_id": 1}))
    order_ids, seller_order_ids, _line_ids, event_ids, *_tax_ids = insert_chain(parts)
    _saved(order, order_ids[0])
    for seller_order, seller_order_id in zip(seller_orders, seller_order_ids, strict=True):
        seller_order.order = order  # now with its id
        _saved(seller_order, seller_order_id)
    if paid_target is not None:
        for event_id, row in zip(event_ids[len(seller_orders) :], events[len(seller_orders) :], strict=True):
            publish_on_commit(
                SellerOrderTransitioned(
                    seller_order_id=seller_order_ids[row[0]], seller_id=row[1], event_id=event_id, action=row[2], at=now
                )
            )
    remember_seller_orders(order, seller_orders)
    return order


def remember_seller_orders(order: Order, seller_orders: list[SellerOrder]) -> None:
    """Make `order.seller_orders.all()` the rows in memory, as prefetch_related would, so that the payment outcome
    and the response do not query them again (a further filter or values() on it still queries)."""
    queryset = order.seller_orders.get_queryset()
    queryset._result_cache, queryset._prefetch_done = seller_orders, True  # type: ignore[attr-defined]
    order._prefetched_objects_cache = {"seller_orders": queryset}  # type: ignore[attr-defined]

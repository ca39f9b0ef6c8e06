"""Import a marketplace's order history (docs/IMPORT_HISTORY.md) so its sellers do not start from zero.

Design (no new table, no migration): each CSV row becomes the rows the live system would have written —
an Order and a SellerOrder (number `IMP-` + a digest of seller and external id, so the unique order number
makes a re-import skip rows already imported), the SellerOrderEvent history (`payment_captured`, `ship`,
`deliver`, `cancel`, `request_return`, `refund`, `dispute_opened`, `dispute_decided`, each with
`data.imported = true`) and the Review. `comptoir trust recompute` reads those rows like any other, so
imported history becomes evidence with no special case. No Payment, no ledger entry: no money moves
(the seller orders are marked released so the escrow release job never touches them).

All or nothing: every row is validated first; any error → nothing is written and every error is
reported with its line, column and message."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from comptoir.accounts.models import User
from comptoir.core.text import forbidden_character, forbidden_character_message
from comptoir.orders.domain.state_machine import Actor, Status
from comptoir.orders.models import Order, OrderStatus, ReturnReason, SellerOrder, SellerOrderEvent
from comptoir.sellers.models import Seller
from comptoir.trust.models import Review

REQUIRED = ("external_order_id", "seller", "buyer", "placed_at", "ship_by", "deliver_by")
OPTIONAL = (
    "currency",
    "total_amount",
    "shipped_at",
    "carrier",
    "tracking_number",
    "delivered_at",
    "cancelled_at",
    "cancelled_by",
    "cancel_reason",
    "return_requested_at",
    "return_reason",
    "refunded_at",
    "dispute_opened_at",
    "dispute_outcome",
    "dispute_decided_at",
    "review_rating",
    "review_item_as_described",
    "review_communication",
    "review_shipping_speed",
    "review_packaging",
    "review_text",
    "reviewed_at",
)
COLUMNS = REQUIRED + OPTIONAL
RATING_COLUMNS = (
    "review_rating",
    "review_item_as_described",
    "review_communication",
    "review_shipping_speed",
    "review_packaging",
)
NUMBER_PREFIX = "IMP-"


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column or '-'}: {self.message}"


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    already_imported: int = 0
    reviews: int = 0
    errors: list[RowError] = field(default_factory=list)
    seller_ids: set[int] = field(default_factory=set)

    @property
    def is_ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    line: int
    external_id: str
    seller: Seller
    buyer_key: str
    values: dict


def history_order_number(seller_id: int, external_id: str) -> str:
    return (
        NUMBER_PREFIX + hashlib.sha256(f"{seller_id}:{external_id}".encode()).hexdigest()[:16]
    )  # Order.number holds 20 characters


def _parse_datetime(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _sellers_by_reference() -> tuple[dict[str, Seller], dict[str, list[Seller]]]:
    sellers = list(Seller.objects.all())
    by_vat: dict[str, list[Seller]] = {}
    for seller in sellers:
        by_vat.setdefault(seller.vat_id.replace(" ", "").upper(), []).append(seller)
    return {seller.slug: seller for seller in sellers}, by_vat


def _validate_row(line: int, raw: dict, sellers, now: dt.datetime, errors: list[RowError]) -> _Row | None:
    by_slug, by_vat = sellers
    problems: list[RowError] = []
    text = {name: (raw.get(name) or "").strip() for name in COLUMNS}

    def problem(column: str, message: str) -> None:
        problems.append(RowError(line, column, message))

    for name in COLUMNS:
        character = forbidden_character(raw.get(name) or "", is_multiline=True)
        if character is not None:
            problem(name, forbidden_character_message(character))
    if problems:
        errors.extend(problems)
        return None
    for name in REQUIRED:
        if not text[name]:
            problem(name, "Required.")
    if len(text["external_order_id"]) > 60:
        problem("external_order_id", "At most 60 characters.")
    seller = None
    if text["seller"]:
        seller = by_slug.get(text["seller"])
        if seller is None:
            matches = by_vat.get(text["seller"].replace(" ", "").upper(), [])
            if len(matches) == 1:
                seller = matches[0]
            elif len(matches) > 1:
                problem("seller", f"VAT ID {text['seller']} belongs to {len(matches)} sellers; use the seller's slug.")
            else:
                problem("seller", f"No seller with slug or VAT ID {text['seller']!r}.")
    values: dict = {}
    for name in (
        "placed_at",
        "shipped_at",
        "delivered_at",
        "cancelled_at",
        "return_requested_at",
        "refunded_at",
        "dispute_opened_at",
        "dispute_decided_at",
        "reviewed_at",
    ):
        if text[name]:
            try:
                values[name] = _parse_datetime(text[name])
            except ValueError:
                problem(name, "Not an ISO 8601 date-time (e.g. 2024-03-01T14:30:00+01:00).")
                continue
            if values[name] > now:
                problem(name, "In the future.")
    for name in ("ship_by", "deliver_by"):
        if text[name]:
            try:
                values[name] = dt.date.fromisoformat(text[name])
            except ValueError:
                problem(name, "Not a date (YYYY-MM-DD).")
    currency = text["currency"] or "EUR"
    if len(currency) != 3 or not currency.isalpha():
        problem("currency", "Use an ISO 4217 code (EUR).")
    values["currency"] = currency.upper()
    values["total_amount"] = 0
    if text["total_amount"]:
        if not text["total_amount"].isdigit():
            problem("total_amount", "A whole number of minor units (cents), not negative.")
        else:
            values["total_amount"] = int(text["total_amount"])
    placed = values.get("placed_at")

    def not_before(name: str, earlier: str) -> None:
        if name in values and earlier in values and values[name] < values[earlier]:
            problem(name, f"Before {earlier}.")

    if placed and "ship_by" in values and values["ship_by"] < placed.date():
        problem("ship_by", "Before the order was placed.")
    if "ship_by" in values and "deliver_by" in values and values["deliver_by"] < values["ship_by"]:
        problem("deliver_by", "Before ship_by.")
    not_before("shipped_at", "placed_at")
    not_before("delivered_at", "shipped_at")
    not_before("cancelled_at", "placed_at")
    if "delivered_at" in values and "shipped_at" not in values:
        problem("delivered_at", "A delivery needs shipped_at.")
    if (text["carrier"] or text["tracking_number"]) and "shipped_at" not in values:
        problem("carrier" if text["carrier"] else "tracking_number", "Carrier and tracking need shipped_at.")
    if "cancelled_at" in values:
        if "shipped_at" in values:
            problem("cancelled_at", "A shipped order cannot be cancelled (use a return).")
        if text["cancelled_by"] not in ("buyer", "seller", "operator"):
            problem("cancelled_by", "One of buyer, seller, operator.")
    elif text["cancelled_by"] or text["cancel_reason"]:
        problem("cancelled_by" if text["cancelled_by"] else "cancel_reason", "Needs cancelled_at.")
    if "return_requested_at" in values or text["return_reason"]:
        if "delivered_at" not in values:
            problem("return_requested_at", "A return needs delivered_at.")
        if "return_requested_at" not in values:
            problem("return_requested_at", "Required with return_reason.")
        if text["return_reason"] not in ReturnReason.values:
            problem("return_reason", f"One of {', '.join(ReturnReason.values)}.")
        not_before("return_requested_at", "delivered_at")
    not_before("refunded_at", "placed_at")
    if text["dispute_outcome"] and text["dispute_outcome"] not in ("buyer", "seller"):
        problem("dispute_outcome", "buyer, seller, or empty while the dispute is open.")
    if (text["dispute_outcome"] or "dispute_decided_at" in values) and "dispute_opened_at" not in values:
        problem("dispute_opened_at", "Required with a dispute outcome.")
    if text["dispute_outcome"] and "dispute_decided_at" not in values:
        problem("dispute_decided_at", "Required with a dispute outcome.")
    not_before("dispute_opened_at", "placed_at")
    not_before("dispute_decided_at", "dispute_opened_at")
    if any(text[name] for name in (*RATING_COLUMNS, "review_text", "reviewed_at")):
        for name in RATING_COLUMNS:
            if text[name] not in ("1", "2", "3", "4", "5"):
                problem(name, "A rating from 1 to 5.")
            else:
                values[name] = int(text[name])
        if "reviewed_at" not in values:
            problem("reviewed_at", "Required with a review.")
        if "delivered_at" not in values:
            problem("review_rating", "Only delivered orders can be reviewed (verified purchases).")
        not_before("reviewed_at", "delivered_at")
        if len(text["review_text"]) > 5000:
            problem("review_text", "At most 5,000 characters.")
    for name in (
        "carrier",
        "tracking_number",
        "cancelled_by",
        "cancel_reason",
        "return_reason",
        "dispute_outcome",
        "review_text",
    ):
        values[name] = text[name]
    errors.extend(problems)
    if problems or seller is None:  # no seller is always a problem recorded above
        return None
    return _Row(line=line, external_id=text["external_order_id"], seller=seller, buyer_key=text["buyer"], values=values)


def history_import_parse(content: str, *, now: dt.datetime) -> tuple[list[_Row], list[RowError]]:
    """Validate every row; return the rows and every error (line 1 is the header)."""
    errors: list[RowError] = []
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    for name in missing:
        errors.append(RowError(1, name, "Missing column."))
    for name in unknown:
        errors.append(RowError(1, name, "Unknown column."))
    if errors:
        return [], errors
    reader.fieldnames = header
    sellers = _sellers_by_reference()
    rows: list[_Row] = []
    seen: dict[tuple[int, str], int] = {}
    for raw in reader:
        line = reader.line_num
        if None in raw:
            errors.append(RowError(line, "", "More fields than columns in the header."))
            continue
        row = _validate_row(line, raw, sellers, now, errors)
        if row is None:
            continue
        key = (row.seller.pk, row.external_id)
        if key in seen:
            errors.append(RowError(line, "external_order_id", f"Duplicate of line {seen[key]} for this seller."))
            continue
        seen[key] = line
        rows.append(row)
    return rows, errors


def _buyer_email(key: str) -> str:
    if "@" in key:
        return key.lower()
    return f"imported-{hashlib.sha256(key.encode()).hexdigest()[:20]}@history.invalid"


def _status_of(values: dict) -> str:
    if values.get("cancelled_at"):
        return Status.CANCELLED
    if values.get("refunded_at"):
        return Status.REFUNDED
    if values.get("return_requested_at"):
        return Status.RETURN_REQUESTED
    if values.get("delivered_at"):
        return Status.COMPLETED
    if values.get("shipped_at"):
        return Status.SHIPPED
    return Status.PLACED


def _events(seller_order: SellerOrder, values: dict, buyer: User) -> list[SellerOrderEvent]:
    def event(action: str, at: dt.datetime, role: str, *, actor=None, reason: str = "", **data) -> SellerOrderEvent:
        return SellerOrderEvent(
            seller_order=seller_order,
            seller_id_copy=seller_order.seller_id,
            action=action,
            actor_role=role,
            actor=actor,
            reason=reason,
            data={"imported": True, **data},
            created_at=at,
        )

    placed = values["placed_at"]
    events = [event("payment_captured", placed, Actor.OPERATOR)]
    if values.get("cancelled_at"):
        role = values["cancelled_by"]
        events.append(
            event(
                "cancel",
                values["cancelled_at"],
                role,
                actor=buyer if role == "buyer" else None,
                reason=values.get("cancel_reason", ""),
            )
        )
    if values.get("shipped_at"):
        events.append(
            event(
                "ship",
                values["shipped_at"],
                Actor.SELLER,
                carrier=values["carrier"],
                tracking_number=values["tracking_number"],
                late=values["shipped_at"].date() > seller_order.ship_by,
            )
        )
    if values.get("delivered_at"):
        events.append(
            event(
                "deliver",
                values["delivered_at"],
                Actor.SELLER,
                late=values["delivered_at"].date() > seller_order.deliver_by,
            )
        )
    if values.get("return_requested_at"):
        events.append(
            event(
                "request_return",
                values["return_requested_at"],
                Actor.BUYER,
                actor=buyer,
                return_reason=values["return_reason"],
            )
        )
    if values.get("refunded_at"):
        events.append(event("refund", values["refunded_at"], Actor.SELLER))
    if values.get("dispute_opened_at"):
        events.append(event("dispute_opened", values["dispute_opened_at"], Actor.BUYER, actor=buyer))
    if values.get("dispute_outcome"):
        events.append(
            event(
                "dispute_decided", values["dispute_decided_at"], Actor.OPERATOR, in_favour_of=values["dispute_outcome"]
            )
        )
    return events


def history_import(*, content: str, now: dt.datetime | None = None) -> ImportReport:
    """Import every row of a history CSV in one transaction, or nothing when any row is invalid (the report
    then lists every error). Rows whose (seller, external_order_id) was imported before are skipped, so a
    re-import of the same file changes nothing. Never posts to the ledger."""
    from comptoir.core import clock

    now = now or clock.now()
    rows, errors = history_import_parse(content, now=now)
    report = ImportReport(rows=len(rows) + len({error.line for error in errors if error.line > 1}), errors=errors)
    if errors:
        return report
    with transaction.atomic(durable=True):
        numbers = {history_order_number(row.seller.pk, row.external_id): row for row in rows}
        existing = set(SellerOrder.objects.filter(number__in=list(numbers)).values_list("number", flat=True))
        fresh = [(number, row) for number, row in numbers.items() if number not in existing]
        report.already_imported = len(existing)
        emails = {_buyer_email(row.buyer_key) for _, row in fresh}
        buyers = {user.email: user for user in User.objects.filter(email__in=emails)}
        first_seen: dict[str, dt.datetime] = {}
        for _, row in fresh:
            email = _buyer_email(row.buyer_key)
            first_seen[email] = min(first_seen.get(email, row.values["placed_at"]), row.values["placed_at"])
        unusable = make_password(None)
        User.objects.bulk_create(
            [
                User(
                    email=email,
                    password=unusable,
                    is_active=False,
                    full_name="Imported buyer",
                    date_joined=first_seen[email],
                )
                for email in sorted(emails - set(buyers))
            ]
        )
        buyers = {user.email: user for user in User.objects.filter(email__in=emails)}
        orders = Order.objects.bulk_create(
            [
                Order(
                    number=number,
                    buyer=buyers[_buyer_email(row.buyer_key)],
                    status=OrderStatus.PAID,
                    currency=row.values["currency"],
                    items_amount=row.values["total_amount"],
                    shipping_amount=0,
                    total_amount=row.values["total_amount"],
                    shipping_address={},
                    placed_at=row.values["placed_at"],
                    paid_at=row.values["placed_at"],
                )
                for number, row in fresh
            ],
            batch_size=500,
        )
        if any(order.pk is None for order in orders):
            orders = list(Order.objects.filter(number__in=[number for number, _ in fresh]).order_by("pk"))
        order_by_number = {order.number: order for order in orders}
        seller_orders = SellerOrder.objects.bulk_create(
            [
                SellerOrder(
                    order=order_by_number[number],
                    seller=row.seller,
                    number=number,
                    status=_status_of(row.values),
                    currency=row.values["currency"],
                    items_amount=row.values["total_amount"],
                    shipping_amount=0,
                    total_amount=row.values["total_amount"],
                    commission_amount=0,
                    shipping_service_level="standard",
                    shipping_zone="imported",
                    ship_by=row.values["ship_by"],
                    deliver_by_earliest=row.values["ship_by"],
                    deliver_by=row.values["deliver_by"],
                    carrier=row.values["carrier"],
                    tracking_number=row.values["tracking_number"],
                    shipped_at=row.values.get("shipped_at"),
                    delivered_at=row.values.get("delivered_at"),
                    completed_at=row.values.get("delivered_at"),
                    cancelled_at=row.values.get("cancelled_at"),
                    cancelled_by=row.values["cancelled_by"],
                    cancel_reason=row.values["cancel_reason"],
                    return_reason=row.values["return_reason"],
                    is_released=True,
                    placed_at=row.values["placed_at"],
                )
                for number, row in fresh
            ],
            batch_size=500,
        )
        if any(seller_order.pk is None for seller_order in seller_orders):
            seller_orders = list(SellerOrder.objects.filter(number__in=[number for number, _ in fresh]).order_by("pk"))
        by_number = {seller_order.number: seller_order for seller_order in seller_orders}
        events, reviews = [], []
        for number, row in fresh:
            seller_order = by_number[number]
            buyer = buyers[_buyer_email(row.buyer_key)]
            events.extend(_events(seller_order, row.values, buyer))
            if "review_rating" in row.values:
                reviews.append(
                    Review(
                        seller_order=seller_order,
                        buyer=buyer,
                        seller=row.seller,
                        product_rating=row.values["review_rating"],
                        item_as_described=row.values["review_item_as_described"],
                        communication=row.values["review_communication"],
                        shipping_speed=row.values["review_shipping_speed"],
                        packaging=row.values["review_packaging"],
                        text=row.values["review_text"],
                        created_at=row.values["reviewed_at"],
                    )
                )
        SellerOrderEvent.objects.bulk_create(events, batch_size=1000)
        Review.objects.bulk_create(reviews, batch_size=500)
        report.imported, report.reviews = len(fresh), len(reviews)
        report.seller_ids = {row.seller.pk for _, row in fresh}
    return report

"""Reading and checking one row of an order-history CSV (docs/IMPORT_HISTORY.md): the columns, the rules for
absent values, the errors (the file is refused) and the warnings (the row is imported, the report says how it was
read). No database access: the sellers are looked up in a `SellerDirectory` loaded once by the caller.

A row becomes a `HistoryRow` whose dates are final: a date the old system does not have (a return or a dispute
without dates) is replaced by the documented stand-in and flagged, so the writer only copies values."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from comptoir.core.text import forbidden_character, forbidden_character_message
from comptoir.trust.domain.evidence import is_valid_tracking

REQUIRED = ("external_order_id", "seller", "buyer", "placed_at", "ship_by", "deliver_by")
OPTIONAL = (
    "currency",
    "total_amount",
    "accepted_at",
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
    "buyer_message_at",
    "seller_replied_at",
    "shipping_address",
    "shipping_address_hash",
    "buyer_since",
    "payment_fingerprint",
)
COLUMNS = REQUIRED + OPTIONAL
RATING_COLUMNS = (
    "review_rating",
    "review_item_as_described",
    "review_communication",
    "review_shipping_speed",
    "review_packaging",
)
DATETIME_COLUMNS = (
    "placed_at",
    "accepted_at",
    "shipped_at",
    "delivered_at",
    "cancelled_at",
    "return_requested_at",
    "refunded_at",
    "dispute_opened_at",
    "dispute_decided_at",
    "reviewed_at",
    "buyer_message_at",
    "seller_replied_at",
)
RETURN_REASONS = ("not_as_described", "damaged", "wrong_item", "no_longer_needed", "other")
NUMBER_PREFIX = "IMP-"
# Where a spooled row (HistoryWriter.spooled) holds its placing time, in the database's text form in UTC, so that
# sorting the strings sorts the rows by time (history_check writes the spool in sorted runs).
SPOOLED_TIME_FIELD = 3
MAX_KEPT = 1000  # errors and warnings kept with their line; beyond, only counted (the file may have a million rows)
_REVIEW_COLUMNS = frozenset((*RATING_COLUMNS, "review_text", "reviewed_at"))
_RATINGS = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column or '-'}: {self.message}"


RowWarning = RowError  # same shape: the row is imported, read as the message says


@dataclass
class Findings:
    """Errors and warnings of a file: the first MAX_KEPT of each with their lines, and the count of every kind
    (message) so a summary stays exact however many there are."""

    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    warning_kinds: dict[str, int] = field(default_factory=dict)
    warning_lines: dict[str, list[int]] = field(default_factory=dict)  # the first five lines of each kind

    def error(self, line: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_KEPT:
            self.errors.append(RowError(line, column, message))

    def warning(self, line: int, column: str, message: str) -> None:
        self.warning_count += 1
        kind = f"{column}: {message}"
        self.warning_kinds[kind] = self.warning_kinds.get(kind, 0) + 1
        lines = self.warning_lines.setdefault(kind, [])
        if len(lines) < 5:
            lines.append(line)
        if len(self.warnings) < MAX_KEPT:
            self.warnings.append(RowError(line, column, message))


class Review(NamedTuple):
    product_rating: int
    item_as_described: int
    communication: int
    shipping_speed: int
    packaging: int
    text: str
    reviewed_at: dt.datetime


class HistoryRow(NamedTuple):
    """One valid row, dates final (absent ones replaced as documented, with the `*_date_unknown` flags set)."""

    line: int
    seller_id: int
    external_id: str
    buyer_email: str
    placed_at: dt.datetime
    ship_by: dt.date
    deliver_by: dt.date
    currency: str
    total_amount: int
    accepted_at: dt.datetime | None
    shipped_at: dt.datetime | None
    carrier: str
    tracking_number: str
    delivered_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    cancelled_by: str
    cancel_reason: str
    return_requested_at: dt.datetime | None
    return_reason: str
    return_date_unknown: bool
    refunded_at: dt.datetime | None
    dispute_opened_at: dt.datetime | None
    dispute_opened_date_unknown: bool
    dispute_outcome: str
    dispute_decided_at: dt.datetime | None
    dispute_decided_date_unknown: bool
    review: Review | None
    buyer_message_at: dt.datetime | None
    seller_replied_at: dt.datetime | None
    shipping_address: dict
    buyer_since: dt.datetime | None
    payment_fingerprint: str

    @property
    def status(self) -> str:
        """The seller order's final status, as the live state machine would have left it."""
        if self.cancelled_at:
            return "cancelled"
        if self.refunded_at:
            return "refunded"
        if self.return_requested_at:
            return "return_requested"
        if self.delivered_at:
            return "completed"
        if self.shipped_at:
            return "shipped"
        if self.accepted_at:
            return "accepted"
        return "placed"


def history_order_number(seller_id: int, external_id: str) -> str:
    """`IMP-` + 16 hex digits of (seller, external id): Order.number holds 20 characters, and the unique number is
    what makes a re-import skip the rows already imported."""
    return NUMBER_PREFIX + hashlib.sha256(f"{seller_id}:{external_id}".encode()).hexdigest()[:16]


def buyer_email(key: str) -> str:
    """The account of a buyer cell: its email, or a placeholder address derived from a pseudonymous id."""
    if "@" in key:
        return key.lower()
    return f"imported-{hashlib.sha256(key.encode()).hexdigest()[:20]}@history.invalid"


def normalised_address(text: str) -> str:
    """Casefolded, whitespace collapsed: the same address typed twice gives the same text."""
    return " ".join(text.casefold().split())


class SellerDirectory:
    """The sellers a `seller` cell may name — slug, or VAT ID when only one seller has it — and the user who
    answers messages in a seller's name (its owner, else its first member). Loaded once; looks up each distinct
    cell once."""

    def __init__(self, sellers: Iterable[tuple[int, str, str]], responders: dict[int, int]) -> None:
        self.by_slug: dict[str, int] = {}
        self.by_vat: dict[str, list[int]] = {}
        for pk, slug, vat_id in sellers:
            self.by_slug[slug] = pk
            self.by_vat.setdefault(vat_id.replace(" ", "").upper(), []).append(pk)
        self.responders = responders
        self._cache: dict[str, tuple[int | None, str]] = {}

    def resolve(self, reference: str) -> tuple[int | None, str]:
        """(seller id, "") or (None, the error message)."""
        found = self._cache.get(reference)
        if found is None:
            pk = self.by_slug.get(reference)
            if pk is not None:
                found = (pk, "")
            else:
                matches = self.by_vat.get(reference.replace(" ", "").upper(), [])
                if len(matches) == 1:
                    found = (matches[0], "")
                elif matches:
                    found = (None, f"VAT ID {reference} belongs to {len(matches)} sellers; use the seller's slug.")
                else:
                    found = (None, f"No seller with slug or VAT ID {reference!r}.")
            self._cache[reference] = found
        return found


def _datetime(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _date_or_datetime(text: str) -> dt.datetime:
    if len(text) == 10:
        return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(0), tzinfo=dt.UTC)
    return _datetime(text)


class HeaderError(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors


def read_rows(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, str], bool]]:
    """(line, the row's non-empty cells by column — stripped —, has extra fields) for each non-empty data row;
    raises HeaderError for a missing or unknown column (line 1), naming the accepted columns."""
    reader = csv.reader(lines)
    header = [name.strip() for name in next(reader, [])]
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    errors = [RowError(1, name, "Missing column.") for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    errors += [RowError(1, name, f"Unknown column. Accepted columns: {', '.join(COLUMNS)}.") for name in unknown]
    if errors:
        raise HeaderError(errors)
    width = len(header)
    for cells in reader:
        if not cells:
            continue
        text = {}
        for name, value in zip(header, cells, strict=False):  # a short row leaves its last cells empty
            if value:
                value = value.strip()
                if value:
                    text[name] = value
        yield reader.line_num, text, len(cells) > width


def row_check(
    line: int,
    text: dict[str, str],
    sellers: SellerDirectory,
    now: dt.datetime,
    findings: Findings,
) -> HistoryRow | None:
    """The row, or None after reporting its errors to `findings` (warnings are reported for a valid row too).
    `text` holds the row's non-empty cells."""
    problems: list[tuple[str, str]] = []

    def problem(column: str, message: str) -> None:
        problems.append((column, message))

    get = text.get
    if forbidden_character("".join(text.values()), is_multiline=True) is not None:
        for name, value in text.items():
            character = forbidden_character(value, is_multiline=True)
            if character is not None:
                findings.error(line, name, forbidden_character_message(character))
        return None
    for name in REQUIRED:
        if not get(name):
            problem(name, "Required.")
    external_id = get("external_order_id", "")
    if len(external_id) > 60:
        problem("external_order_id", "At most 60 characters.")
    seller_id = None
    if get("seller"):
        seller_id, message = sellers.resolve(text["seller"])
        if seller_id is None:
            problem("seller", message)
    times: dict[str, dt.datetime] = {}
    for name in DATETIME_COLUMNS:
        cell = get(name)
        if cell is not None:
            try:
                times[name] = _datetime(cell)
            except ValueError:
                problem(name, "Not an ISO 8601 date-time (e.g. 2024-03-01T14:30:00+01:00).")
                continue
            if times[name] > now:
                problem(name, "In the future.")
    buyer_since = None
    if get("buyer_since"):
        try:
            buyer_since = _date_or_datetime(text["buyer_since"])
        except ValueError:
            problem("buyer_since", "Not a date (YYYY-MM-DD) or an ISO 8601 date-time.")
        else:
            if buyer_since > now:
                problem("buyer_since", "In the future.")
    dates: dict[str, dt.date] = {}
    for name in ("ship_by", "deliver_by"):
        if get(name):
            try:
                dates[name] = dt.date.fromisoformat(text[name])
            except ValueError:
                problem(name, "Not a date (YYYY-MM-DD).")
    currency = get("currency") or "EUR"
    if len(currency) != 3 or not currency.isalpha():
        problem("currency", "Use an ISO 4217 code (EUR).")
    total = get("total_amount") or "0"
    if not total.isdigit():
        problem("total_amount", "A whole number of minor units (cents), not negative.")
    placed = times.get("placed_at")

    def not_before(name: str, earlier: str) -> None:
        if name in times and earlier in times and times[name] < times[earlier]:
            problem(name, f"Before {earlier}.")

    if placed and "ship_by" in dates and dates["ship_by"] < placed.date():
        problem("ship_by", "Before the order was placed.")
    if "ship_by" in dates and "deliver_by" in dates and dates["deliver_by"] < dates["ship_by"]:
        problem("deliver_by", "Before ship_by.")
    not_before("accepted_at", "placed_at")
    not_before("shipped_at", "accepted_at")
    not_before("shipped_at", "placed_at")
    not_before("delivered_at", "shipped_at")
    not_before("cancelled_at", "placed_at")
    carrier, tracking = get("carrier", ""), get("tracking_number", "")
    if len(carrier) > 60:
        problem("carrier", "At most 60 characters.")
    if len(tracking) > 80:
        problem("tracking_number", "At most 80 characters.")
    if "delivered_at" in times and "shipped_at" not in times:
        problem("delivered_at", "A delivery needs shipped_at.")
    if (carrier or tracking) and "shipped_at" not in times:
        problem("carrier" if carrier else "tracking_number", "Carrier and tracking need shipped_at.")
    cancelled_by, cancel_reason = get("cancelled_by", ""), get("cancel_reason", "")
    if "cancelled_at" in times:
        if "shipped_at" in times:
            problem("cancelled_at", "A shipped order cannot be cancelled (use a return).")
        if cancelled_by not in ("buyer", "seller", "operator"):
            problem("cancelled_by", "One of buyer, seller, operator.")
    elif cancelled_by or cancel_reason:
        problem("cancelled_by" if cancelled_by else "cancel_reason", "Needs cancelled_at.")
    # A return: its reason or its date may be unknown, not both; an unknown date is the delivery's.
    return_reason = get("return_reason", "")
    return_at = times.get("return_requested_at")
    return_date_unknown = False
    if return_at or return_reason:
        if "delivered_at" not in times:
            problem("return_requested_at" if return_at else "return_reason", "A return needs delivered_at.")
        if return_reason and return_reason not in RETURN_REASONS:
            problem("return_reason", f"One of {', '.join(RETURN_REASONS)}.")
        not_before("return_requested_at", "delivered_at")
        if return_at is None:
            return_at, return_date_unknown = times.get("delivered_at"), True
    not_before("refunded_at", "placed_at")
    # A dispute: outcome `buyer`/`seller` decided, empty while open; its dates may be unknown (documented stand-ins).
    outcome = get("dispute_outcome", "")
    opened_at, decided_at = times.get("dispute_opened_at"), times.get("dispute_decided_at")
    opened_unknown = decided_unknown = False
    if outcome and outcome not in ("buyer", "seller"):
        problem("dispute_outcome", "buyer, seller, or empty while the dispute is open.")
    not_before("dispute_opened_at", "placed_at")
    not_before("dispute_decided_at", "dispute_opened_at")
    if outcome and placed:
        known = [
            times[name]
            for name in ("placed_at", "shipped_at", "delivered_at", "return_requested_at", "refunded_at")
            if name in times
        ]
        if opened_at is None:
            opened_at, opened_unknown = (decided_at if decided_at else max(known)), True
        if decided_at is None:
            decided_at, decided_unknown = opened_at, True
    review = None
    is_decided_dispute = outcome in ("buyer", "seller")
    if not _REVIEW_COLUMNS.isdisjoint(text):
        ratings = []
        for name in RATING_COLUMNS:
            rating = _RATINGS.get(get(name, ""))
            if rating is None:
                problem(name, "A rating from 1 to 5.")
            ratings.append(rating or 0)
        reviewed_at = times.get("reviewed_at")
        if reviewed_at is None:
            problem("reviewed_at", "Required with a review.")
        if "delivered_at" not in times and not is_decided_dispute:
            problem(
                "review_rating",
                "Only a delivered order, or one whose dispute was decided, can be reviewed (verified purchases).",
            )
        not_before("reviewed_at", "delivered_at")
        not_before("reviewed_at", "placed_at")
        review_text = get("review_text", "")
        if len(review_text) > 5000:
            problem("review_text", "At most 5,000 characters.")
        if reviewed_at is not None:
            review = Review._make((*ratings, review_text, reviewed_at))
    message_at, replied_at = times.get("buyer_message_at"), times.get("seller_replied_at")
    not_before("buyer_message_at", "placed_at")
    if replied_at and not message_at:
        problem("seller_replied_at", "Needs buyer_message_at (the message answered).")
    not_before("seller_replied_at", "buyer_message_at")
    if replied_at and seller_id is not None and seller_id not in sellers.responders:
        problem("seller_replied_at", "The seller has no member to attribute its answer to.")
    address, address_hash = get("shipping_address", ""), get("shipping_address_hash", "")
    if len(address) > 1000:
        problem("shipping_address", "At most 1,000 characters.")
    if len(address_hash) > 200:
        problem("shipping_address_hash", "At most 200 characters.")
    fingerprint = get("payment_fingerprint", "")
    if len(fingerprint) > 200:
        problem("payment_fingerprint", "At most 200 characters.")
    if len(cancel_reason) > 5000:
        problem("cancel_reason", "At most 5,000 characters.")
    if problems or seller_id is None or placed is None:
        for column, message in problems:
            findings.error(line, column, message)
        return None
    if times.get("dispute_decided_at") and not outcome:
        findings.warning(
            line,
            "dispute_outcome",
            "Empty while dispute_decided_at is set: the outcome is unknown, no decision is imported.",
        )
    if (carrier or tracking) and not is_valid_tracking(carrier, tracking):
        if tracking and not carrier:
            findings.warning(line, "carrier", "Tracking number without a carrier: counted as invalid tracking.")
        elif carrier and not tracking:
            findings.warning(line, "tracking_number", "Carrier without a tracking number: counted as untracked.")
        else:
            findings.warning(
                line,
                "tracking_number",
                "Not 5 to 40 letters or digits: counted as invalid tracking.",
            )
    shipping_address: dict = {}
    if address:
        shipping_address["imported"] = normalised_address(address)
    if address_hash:
        shipping_address["hash"] = address_hash
    return HistoryRow(
        line=line,
        seller_id=seller_id,
        external_id=external_id,
        buyer_email=buyer_email(text["buyer"]),
        placed_at=placed,
        ship_by=dates["ship_by"],
        deliver_by=dates["deliver_by"],
        currency=currency.upper(),
        total_amount=int(total),
        accepted_at=times.get("accepted_at"),
        shipped_at=times.get("shipped_at"),
        carrier=carrier,
        tracking_number=tracking,
        delivered_at=times.get("delivered_at"),
        cancelled_at=times.get("cancelled_at"),
        cancelled_by=cancelled_by,
        cancel_reason=cancel_reason,
        return_requested_at=return_at,
        return_reason=return_reason,
        return_date_unknown=return_date_unknown,
        refunded_at=times.get("refunded_at"),
        dispute_opened_at=opened_at,
        dispute_opened_date_unknown=opened_unknown,
        dispute_outcome=outcome,
        dispute_decided_at=decided_at if outcome else None,
        dispute_decided_date_unknown=decided_unknown,
        review=review,
        buyer_message_at=message_at,
        seller_replied_at=replied_at,
        shipping_address=shipping_address,
        buyer_since=buyer_since,
        payment_fingerprint=fingerprint,
    )

"""Reads over the ledger. A seller's balances and statement are sums of ledger postings, nothing else.

Amounts are shown from the seller's side: escrow, payable and paid-out are credit-normal accounts, so
a credit (negative posting) increases what the seller sees and a debit decreases it."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Sum

from comptoir.core.money import Money, validate_currency
from comptoir.payments.domain.ledger import DUTY_LIABILITY_PREFIX, VAT_LIABILITY_PREFIX
from comptoir.payments.models import AccountKind, Chargeback, Payment, PaymentStatus, Posting

if TYPE_CHECKING:
    from comptoir.sellers.models import Seller

SELLER_KINDS = {
    AccountKind.SELLER_ESCROW.value: "escrow",
    AccountKind.SELLER_PAYABLE.value: "payable",
    AccountKind.SELLER_PAID_OUT.value: "paid_out",
}


def seller_balances(*, seller) -> dict[str, dict[str, Money]]:
    """currency -> {"escrow", "payable", "paid_out"}: the seller's balances, positive when owed to the seller."""
    rows = (
        Posting.objects.filter(account__seller=seller, account__kind__in=list(SELLER_KINDS))
        .values("account__currency", "account__kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    balances: dict[str, dict[str, Money]] = {}
    for row in rows:
        currency = row["account__currency"]
        bucket = balances.setdefault(currency, {name: Money.zero(currency) for name in SELLER_KINDS.values()})
        bucket[SELLER_KINDS[row["account__kind"]]] = Money(-row["total"], currency)
    return dict(sorted(balances.items()))


@dataclass(frozen=True)
class StatementRow:
    entry_id: int
    created_at: dt.datetime
    kind: str
    memo: str
    seller_order_number: str
    escrow_delta: Money
    payable_delta: Money
    paid_out_delta: Money
    payable_balance: Money  # running payable balance after this entry

    @property
    def running_payable_balance(self) -> Money:
        return self.payable_balance

    def as_dict(self) -> dict:
        return {
            "entry_id": self.entry_id,
            "created_at": self.created_at.isoformat(),
            "kind": self.kind,
            "memo": self.memo,
            "seller_order_number": self.seller_order_number,
            "escrow_delta": self.escrow_delta.as_dict(),
            "payable_delta": self.payable_delta.as_dict(),
            "paid_out_delta": self.paid_out_delta.as_dict(),
            "payable_balance": self.payable_balance.as_dict(),
        }


# (seller id, seller order ids, order ids) -> {("so", seller order id) or ("order", order id): seller order number}
SellerOrderNamer = Callable[[int, set[int], set[int]], dict[tuple[str, int], str]]


def seller_statement(
    *,
    seller: Seller,
    currency: str,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    name_seller_orders: SellerOrderNamer | None = None,
) -> list[StatementRow]:
    """Every journal entry touching the seller's accounts in `currency`, in ledger (entry id) order,
    with the movement on each account and the payable balance after it. `since` is inclusive, `until`
    exclusive; the running balance starts from the payable balance before `since`. Each row names its seller
    order through `name_seller_orders` (payments knows orders only by id; without it the names are empty)."""
    currency = validate_currency(currency)
    postings = Posting.objects.filter(
        account__seller=seller, account__currency=currency, account__kind__in=list(SELLER_KINDS)
    )
    opening = 0
    if since is not None:
        opening = -(
            postings.filter(entry__created_at__lt=since, account__kind=AccountKind.SELLER_PAYABLE).aggregate(
                total=Sum("amount")
            )["total"]
            or 0
        )
        postings = postings.filter(entry__created_at__gte=since)
    if until is not None:
        postings = postings.filter(entry__created_at__lt=until)
    # Entry id is the ledger's append order, which the running balance must follow; it matches time
    # order except when a clock was moved (tests, demo data).
    rows = postings.order_by("entry_id", "pk").values_list(
        "entry_id",
        "entry__created_at",
        "entry__kind",
        "entry__memo",
        "entry__order_id_ref",
        "entry__seller_order_id_ref",
        "account__kind",
        "amount",
    )
    grouped: dict[int, dict] = {}
    for entry_id, created_at, kind, memo, order_id, seller_order_id, account_kind, amount in rows.iterator(
        chunk_size=2000
    ):
        item = grouped.setdefault(
            entry_id,
            {
                "created_at": created_at,
                "kind": kind,
                "memo": memo,
                "order_id": order_id,
                "seller_order_id": seller_order_id,
                "escrow": 0,
                "payable": 0,
                "paid_out": 0,
            },
        )
        item[SELLER_KINDS[account_kind]] -= amount
    numbers = _seller_order_numbers(seller.pk, grouped.values(), name_seller_orders)
    statement, balance = [], opening
    for entry_id, item in grouped.items():
        balance += item["payable"]
        number = numbers.get(("so", item["seller_order_id"])) or numbers.get(("order", item["order_id"]), "")
        statement.append(
            StatementRow(
                entry_id=entry_id,
                created_at=item["created_at"],
                kind=item["kind"],
                memo=item["memo"],
                seller_order_number=number,
                escrow_delta=Money(item["escrow"], currency),
                payable_delta=Money(item["payable"], currency),
                paid_out_delta=Money(item["paid_out"], currency),
                payable_balance=Money(balance, currency),
            )
        )
    return statement


def _seller_order_numbers(
    seller_id: int, items, name_seller_orders: SellerOrderNamer | None
) -> dict[tuple[str, int], str]:
    # Payments knows orders only by id; the caller that knows orders names them (checkout.selectors).
    if name_seller_orders is None:
        return {}
    seller_order_ids = {item["seller_order_id"] for item in items if item["seller_order_id"]}
    order_ids = {item["order_id"] for item in items if item["order_id"] and not item["seller_order_id"]}
    return name_seller_orders(seller_id, seller_order_ids, order_ids)


CSV_HEADER = [
    "entry_id",
    "created_at",
    "kind",
    "seller_order",
    "memo",
    "currency",
    "escrow_delta",
    "payable_delta",
    "paid_out_delta",
    "payable_balance",
]


def _major(money: Money) -> str:
    # format(..., "f") keeps trailing zeros and never uses exponent notation ("0.00", not "0E-2").
    return format(money.to_decimal(), "f")


def _safe_text(value: str) -> str:
    # A spreadsheet would run a cell starting with one of these as a formula.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def seller_statement_csv(
    *,
    seller: Seller,
    currency: str,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    name_seller_orders: SellerOrderNamer | None = None,
) -> str:
    """The statement as CSV text: a header row, then one row per entry, amounts in major units ("12.34")."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    currency = validate_currency(currency)
    for row in seller_statement(
        seller=seller, currency=currency, since=since, until=until, name_seller_orders=name_seller_orders
    ):
        writer.writerow(
            [
                row.entry_id,
                row.created_at.astimezone(dt.UTC).isoformat(),
                row.kind,
                row.seller_order_number,
                _safe_text(row.memo),
                currency,
                _major(row.escrow_delta),
                _major(row.payable_delta),
                _major(row.paid_out_delta),
                _major(row.payable_balance),
            ]
        )
    return buffer.getvalue()


def payment_fingerprint_for_order(order_id: int) -> str:
    """The card fingerprint of the order's payment (the provider's, see Payment.payment_fingerprint), or "" when
    the order has no payment or the provider gave none. The latest payment wins when there are several."""

    fingerprint = (
        Payment.objects.filter(order_id=order_id)
        .exclude(payment_fingerprint="")
        .order_by("-pk")
        .values_list("payment_fingerprint", flat=True)
        .first()
    )
    return fingerprint or ""


def payment_fingerprints_for_orders(order_ids) -> dict[int, str]:
    """order id -> card fingerprint, for many orders in one query (orders without one are left out)."""

    fingerprints: dict[int, str] = {}
    for order_id, fingerprint in (
        Payment.objects.filter(order_id__in=list(order_ids))
        .exclude(payment_fingerprint="")
        .order_by("pk")
        .values_list("order_id", "payment_fingerprint")
    ):
        fingerprints[order_id] = fingerprint  # ascending pk: the latest payment wins
    return fingerprints


def seller_order_charged_back_amount(seller_order_id: int) -> int:
    """Minor units charged back so far on a seller order (sum of its Chargeback rows)."""

    return Chargeback.objects.filter(seller_order_id=seller_order_id).aggregate(total=Sum("amount"))["total"] or 0


def seller_order_vat_liability_booked(seller_order_id: int) -> int:
    """Minor units of VAT still booked to the marketplace's VAT liability for a seller order: credited at its release,
    less what its refunds reversed (postings on `vat_liability:*` accounts of its entries, sign flipped)."""
    booked = Posting.objects.filter(
        entry__seller_order_id_ref=seller_order_id, account__kind__startswith=VAT_LIABILITY_PREFIX
    ).aggregate(total=Sum("amount"))["total"]
    return -(booked or 0)


def seller_order_duty_liability_booked(seller_order_id: int) -> int:
    """Minor units of customs duty still booked to the marketplace's duty liability for a seller order: credited at its
    release, less what its refunds and chargebacks reversed (postings on `duty_liability:*`, sign flipped)."""
    booked = Posting.objects.filter(
        entry__seller_order_id_ref=seller_order_id, account__kind__startswith=DUTY_LIABILITY_PREFIX
    ).aggregate(total=Sum("amount"))["total"]
    return -(booked or 0)


def payment_captured_for_order(order_id: int) -> Payment | None:
    """The order's first captured payment (the one refunds and chargebacks of its seller orders go back to)."""

    return Payment.objects.filter(order_id=order_id, status=PaymentStatus.CAPTURED).order_by("pk").first()


def payment_latest_for_order(order_id: int) -> Payment | None:

    return Payment.objects.filter(order_id=order_id).order_by("-pk").first()


def ledger_entries_unbalanced() -> list[tuple[int, str, int]]:
    """(entry id, currency, sum) of every journal entry whose postings do not sum to zero in a currency: empty when the
    ledger balances per transaction and per currency, as it must (one grouped query; `ledger verify` checks the same
    while walking the chain)."""
    rows = (
        Posting.objects.values("entry_id", "currency")
        .annotate(total=Sum("amount"))
        .exclude(total=0)
        .order_by("entry_id", "currency")
        .values_list("entry_id", "currency", "total")
    )
    return [(entry_id, currency, total) for entry_id, currency, total in rows]


def ledger_balances_by_kind(*, kind: str) -> dict[str, int]:
    """currency -> the signed balance (debit positive) of the marketplace account `kind` (e.g. fx_gain_loss)."""
    rows = (
        Posting.objects.filter(account__kind=kind, account__seller__isnull=True)
        .values("currency")
        .annotate(total=Sum("amount"))
        .values_list("currency", "total")
    )
    return dict(rows)

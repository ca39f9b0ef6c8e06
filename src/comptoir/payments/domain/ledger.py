"""Pure ledger rules: balanced entries, balance signs, entry hashes, Merkle roots, block hashes.

Sign convention: a posting's amount is positive for a debit and negative for a credit, so every
entry's postings sum to zero per currency, and so does the whole ledger."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

# Which side an account's balance must stay on. Asset accounts hold debit balances (>= 0 signed);
# liability and revenue accounts hold credit balances (<= 0 signed). A balance on the wrong side
# means money was released, refunded or paid out twice.
DEBIT_NORMAL = {"provider_clearing", "seller_receivable"}
CREDIT_NORMAL = {"seller_escrow", "seller_payable", "seller_paid_out", "commission"}
# The marketplace's currency positions and its exchange result may stand on either side.
EITHER_SIDE = {"fx_conversion", "fx_gain_loss"}

# VAT the marketplace collected as deemed supplier and owes to one country: one credit-normal account per country and
# currency, its kind "vat_liability:FR" (docs/TAXES.md).
VAT_LIABILITY_PREFIX = "vat_liability:"
# Customs duties the marketplace collected at checkout (delivered duty paid) and owes to the destination's customs: one
# credit-normal account per country and currency, "duty_liability:IT" (docs/TAXES.md, "Duties").
DUTY_LIABILITY_PREFIX = "duty_liability:"
TAX_LIABILITY_PREFIXES = (VAT_LIABILITY_PREFIX, DUTY_LIABILITY_PREFIX)

GENESIS_HASH = "0" * 64


def vat_liability_account(country: str) -> str:
    """The kind of the marketplace's VAT liability account of `country` (ISO 3166 alpha-2)."""
    if len(country) != 2 or not country.isalpha():
        raise ValueError(f"a VAT liability needs a country code, not {country!r}")
    return f"{VAT_LIABILITY_PREFIX}{country.upper()}"


def duty_liability_account(country: str) -> str:
    """The kind of the marketplace's customs duty liability account of `country` (ISO 3166 alpha-2)."""
    if len(country) != 2 or not country.isalpha():
        raise ValueError(f"a duty liability needs a country code, not {country!r}")
    return f"{DUTY_LIABILITY_PREFIX}{country.upper()}"


@dataclass(frozen=True)
class PostingLine:
    account_key: tuple[str, int | None, str]  # (kind, seller_id, currency)
    amount: int

    @property
    def currency(self) -> str:
        return self.account_key[2]


class UnbalancedEntry(ValueError):
    pass


def check_balanced(lines: list[PostingLine]) -> None:
    if len(lines) < 2:
        raise UnbalancedEntry("an entry needs at least two postings")
    totals: dict[str, int] = defaultdict(int)
    for line in lines:
        if isinstance(line.amount, bool) or not isinstance(line.amount, int) or line.amount == 0:
            raise UnbalancedEntry("posting amounts are non-zero integers")
        totals[line.currency] += line.amount
    unbalanced = {currency: total for currency, total in totals.items() if total != 0}
    if unbalanced:
        raise UnbalancedEntry(f"postings do not sum to zero: {unbalanced}")


def balance_is_allowed(kind: str, signed_balance: int) -> bool:
    if kind in DEBIT_NORMAL:
        return signed_balance >= 0
    if kind in CREDIT_NORMAL or kind.startswith(TAX_LIABILITY_PREFIXES):
        return signed_balance <= 0
    return kind in EITHER_SIDE


def entry_hash(
    *,
    entry_id: int,
    kind: str,
    source_key: str,
    created_at_iso: str,
    memo: str,
    order_id: int | None,
    seller_order_id: int | None,
    postings: list[tuple],
    created_by_id: int | None = None,
) -> str:
    """SHA-256 over a canonical form of an entry and its postings in posting order.

    A posting is (account_id, amount, currency) or, as the sealer passes it, (account_id, amount,
    currency, account_kind, account_seller_id) so that re-pointing an account at another seller or
    kind also breaks the hash. Any edit to any of these columns, or an added or removed posting,
    changes the hash."""
    canonical = json.dumps(
        {
            "id": entry_id,
            "kind": kind,
            "source": source_key,
            "at": created_at_iso,
            "memo": memo,
            "order": order_id,
            "seller_order": seller_order_id,
            "by": created_by_id,
            "postings": [list(posting) for posting in postings],
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def canonical_time(moment: dt.datetime) -> str:
    """The one textual form of a timestamp inside hashes: UTC, ISO 8601, microseconds as stored."""
    return moment.astimezone(dt.UTC).isoformat()


def imbalance(amounts: Iterable[tuple[int, str]]) -> dict[str, int]:
    """Per-currency totals of (amount, currency) pairs that do not sum to zero (empty when balanced)."""
    totals: dict[str, int] = defaultdict(int)
    for amount, currency in amounts:
        totals[currency] += amount
    return {currency: total for currency, total in sorted(totals.items()) if total != 0}


def merkle_root(leaf_hashes: list[str]) -> str:
    """Bitcoin-style Merkle root (an odd node is paired with itself); the empty tree hashes to GENESIS_HASH."""
    if not leaf_hashes:
        return GENESIS_HASH
    level = [bytes.fromhex(leaf) for leaf in leaf_hashes]
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [hashlib.sha256(level[index] + level[index + 1]).digest() for index in range(0, len(level), 2)]
    return level[0].hex()


def block_hash(*, height: int, previous_hash: str, merkle_root_hex: str, entry_count: int, sealed_at_iso: str) -> str:
    return hashlib.sha256(
        f"{height}|{previous_hash}|{merkle_root_hex}|{entry_count}|{sealed_at_iso}".encode()
    ).hexdigest()

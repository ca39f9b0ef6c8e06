"""The ledger's currency conversions. Pure.

An order charged in one currency (the buyer's, e.g. GBP) pays seller orders settled in others (EUR, PLN). Every entry
still balances **per currency**: the conversion goes through the marketplace's `fx_conversion` account of each currency
(one leg in the currency sold, one in the currency bought, both at the rate frozen on the seller order), and the
difference between what the seller is credited or debited and the converted amount goes to `fx_gain_loss` of the
seller's currency (debit: a loss, credit: a gain). At the frozen rate that difference is only rounding; it is posted
rather than absorbed so that each `fx_conversion` balance is exactly the converted value of the other currency's.

Capture of a converted seller order (charged `P` in the order's currency, settled `S` in the seller's; `C` = `P`
converted back at the frozen rate)::

    order currency:   provider_clearing  +P        fx_conversion  -P
    seller currency:  fx_conversion      +C        seller_escrow  -S        fx_gain_loss  S - C

Refund of `s` of the seller's currency (the buyer gets back `p`, the matching part of `P`: successive refunds add up to
exactly `P`; `c` = `p` converted back)::

    seller currency:  seller_escrow      +s        fx_conversion  -c        fx_gain_loss  c - s
    order currency:   fx_conversion      +p        provider_clearing  -p
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from comptoir.core.money import Money
from comptoir.currencies.domain.rates import convert_back, proportional_part
from comptoir.payments.domain.ledger import PostingLine

PROVIDER_CLEARING = "provider_clearing"
SELLER_ESCROW = "seller_escrow"
FX_CONVERSION = "fx_conversion"
FX_GAIN_LOSS = "fx_gain_loss"


@dataclass(frozen=True, slots=True)
class SettledPart:
    """One seller order of an order charged in another currency: settled `total` (minor units of `currency`, the
    seller's), charged `charged_total` (minor units of the order's currency) at `rate` units of the order's currency
    per unit of the seller's; `charged_total` and `rate` are None when the seller order is in the order's currency."""

    seller_id: int
    currency: str
    total: int
    charged_total: int | None = None
    rate: Decimal | None = None

    @property
    def is_converted(self) -> bool:
        return self.charged_total is not None


def _merged(lines: list[PostingLine]) -> list[PostingLine]:
    """One posting per account (amounts summed, zeros dropped), in first-seen order."""
    totals: dict[tuple[str, int | None, str], int] = {}
    for line in lines:
        totals[line.account_key] = totals.get(line.account_key, 0) + line.amount
    return [PostingLine(key, amount) for key, amount in totals.items() if amount != 0]


def capture_lines(*, currency: str, total: int, parts: list[SettledPart]) -> list[PostingLine]:
    """The capture entry of an order charged `total` in `currency`: the provider's clearing account debited, each
    seller's escrow credited in its seller order's currency, through `fx_conversion` for a converted one."""
    lines = [PostingLine((PROVIDER_CLEARING, None, currency), total)]
    for part in parts:
        if not part.is_converted:
            lines.append(PostingLine((SELLER_ESCROW, part.seller_id, currency), -part.total))
            continue
        assert part.charged_total is not None and part.rate is not None
        converted_back = convert_back(Money(part.charged_total, currency), part.currency, part.rate).amount
        lines += [
            PostingLine((FX_CONVERSION, None, currency), -part.charged_total),
            PostingLine((FX_CONVERSION, None, part.currency), converted_back),
            PostingLine((SELLER_ESCROW, part.seller_id, part.currency), -part.total),
            PostingLine((FX_GAIN_LOSS, None, part.currency), part.total - converted_back),
        ]
    return _merged(lines)


@dataclass(frozen=True, slots=True)
class RefundSplit:
    """A refund of a converted seller order: `settled` taken back from the seller (its currency), `charged` given back
    to the buyer (the order's currency), and the entry's postings."""

    settled: Money
    charged: Money
    lines: list[PostingLine]


def refund_split(*, currency: str, part: SettledPart, returned_before: int, amount: int) -> RefundSplit:
    """Refund `amount` (minor units of the seller's currency) of the converted seller order `part`, of which
    `returned_before` was given back already (refunded or charged back): the buyer gets back the matching part of what
    they paid (`proportional_part`: all of it once the whole seller order is refunded), converted back at the frozen
    rate for the seller's side. Raises ValueError for an amount beyond the seller order's total."""
    assert part.charged_total is not None and part.rate is not None
    charged = proportional_part(
        Money(part.charged_total, currency), before=returned_before, after=returned_before + amount, whole=part.total
    )
    converted_back = convert_back(charged, part.currency, part.rate).amount
    lines = _merged(
        [
            PostingLine((SELLER_ESCROW, part.seller_id, part.currency), amount),
            PostingLine((FX_CONVERSION, None, part.currency), -converted_back),
            PostingLine((FX_GAIN_LOSS, None, part.currency), converted_back - amount),
            PostingLine((FX_CONVERSION, None, currency), charged.amount),
            PostingLine((PROVIDER_CLEARING, None, currency), -charged.amount),
        ]
    )
    return RefundSplit(settled=Money(amount, part.currency), charged=charged, lines=lines)

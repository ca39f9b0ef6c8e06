"""OSS, IOSS, UK and Swiss VAT returns from the tax lines frozen at checkout. Pure (no Django).

A return lists, per Member State of consumption and VAT rate, the taxable amount (net) and the VAT of the supplies
made in the period (OSS: a calendar quarter; IOSS: a month), in euros. Refunds reduce them: a refund made within the
period of its sale reduces that period's rows; a refund of a sale of an **earlier** period is not netted into the
current figures but listed as a **correction** of that earlier period (negative amounts, with the period it corrects),
as the OSS and IOSS returns require since 2021 (corrections of earlier returns are made in a later return, per
period and Member State).

The OSS return (`kind` "oss") also gives each row's **Member State of dispatch**: distance sales of goods dispatched
from another Member State than the one of identification are declared per Member State of dispatch (Art. 369g(2) Dir.
2006/112/EC), so rows are grouped by consumption, dispatch and rate, and the CSV names the State the goods left from
(`member_state_of_dispatch`; empty when not known: orders placed before it was recorded).

A refund of part of a seller order reduces each of its tax lines in proportion (refunded / paid), each rounded half
up once, unless it carries its credit note's lines (a refund by line after the release): then each tax line is reduced
by exactly what the note credits of it, so the return says what the buyer's credit note says. Amounts are converted
into euros per group of the same period, country, rate and currency at the rate of the period's last day (Art. 366
Dir. 2006/112/EC), through the caller's `to_eur`; a currency without a rate is reported as such (`unconverted`), never
guessed. The UK and Swiss returns are built the same way in pounds and francs (domain/uk_vat.py, domain/ch_vat.py).

Once a return is filed its figures are kept as filed (`ReturnFiling`, domain/dispatch.py); a later change to the
supplies of a filed period is not regenerated into it but carried into a later return as an `adjustment` row of that
period (`late_changes`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from comptoir.filings.domain.periods import Period

SUPPLIES = "supplies"
CORRECTION = "correction"  # a refund, in this period, of a sale of an earlier period
ADJUSTMENT = "adjustment"  # a change to the supplies of an earlier period already filed, found after its filing

# Which tax lines go on which return (the regime decided at checkout, docs/TAXES.md).
OSS_SELLER_REGIMES = frozenset({"eu_distance_oss"})  # the seller's own OSS return (union scheme)
OSS_MARKETPLACE_REGIMES = frozenset({"eu_deemed_supplier_stock"})  # the marketplace's, as deemed supplier (Art. 14a(2))
IOSS_REGIMES = frozenset({"eu_import_ioss"})  # the marketplace's IOSS return (Art. 14a(1), Art. 369l)


@dataclass(frozen=True, slots=True)
class TaxLineFact:
    seller_order_id: int
    supplied_on: dt.date  # the day the order was paid (the time of supply the return counts)
    tax_country: str
    rate_bp: int
    currency: str
    net: int
    vat: int
    tax_line_id: int = 0
    dispatch: str = ""  # the Member State the goods were dispatched from (OSS); "" not known or not reported


@dataclass(frozen=True, slots=True)
class CreditedFact:
    """What a credit note gives back of one tax line, in the tax line's currency."""

    tax_line_id: int
    net: int
    vat: int


@dataclass(frozen=True, slots=True)
class RefundFact:
    seller_order_id: int
    refunded_on: dt.date
    amount: int  # what went back to the buyer
    paid: int  # what the buyer paid for the seller order, in the same currency as `amount`
    credited: tuple[CreditedFact, ...] = ()  # the credit note's lines, when the refund has one (exact, not a share)


@dataclass(frozen=True, slots=True)
class ReturnRow:
    section: str  # SUPPLIES, CORRECTION or ADJUSTMENT
    period: str  # the period the figures belong to (for a correction or an adjustment: the earlier period)
    country: str
    rate_bp: int
    taxable_cents: int  # minor units of the return's currency
    vat_cents: int
    dispatch: str = ""  # OSS: the Member State of dispatch ("" not known)


@dataclass(frozen=True)
class VatReturn:
    kind: str  # "oss", "ioss", "uk-vat" or "ch-vat"
    period: Period
    scope: str  # "marketplace" or "seller:<id>"
    rows: tuple[ReturnRow, ...]
    unconverted: tuple[str, ...] = field(default=())  # currencies without a rate on the period's last day
    currency: str = "EUR"  # of every amount: EUR (OSS, IOSS), GBP (UK), CHF (Switzerland)

    @property
    def total_vat_cents(self) -> int:
        return sum(row.vat_cents for row in self.rows)

    @property
    def total_taxable_cents(self) -> int:
        return sum(row.taxable_cents for row in self.rows)


def _share(amount: int, numerator: int, denominator: int) -> int:
    """amount × numerator / denominator, rounded half up (amounts are not negative)."""
    return (2 * amount * numerator + denominator) // (2 * denominator)


# (section, period label, country, rate, currency, dispatch) -> [net, vat]
_Groups = dict[tuple[str, str, str, int, str, str, dt.date], list[int]]  # ... currency, dispatch, rate day


def build_return(
    *,
    kind: str,
    scope: str,
    period: Period,
    lines: Iterable[TaxLineFact],
    refunds: Iterable[RefundFact],
    period_of: Callable[[dt.date], Period],
    to_eur: Callable[[int, str, dt.date], int | None],
    currency: str = "EUR",
    convert_on: Callable[[dt.date], dt.date] | None = None,
) -> VatReturn:
    """The return of `period`. `lines`: the tax lines of the supplies of the period and of every earlier one that a
    refund in `refunds` touches; `refunds`: the refunds made within `period`. `period_of` gives a day's period
    (quarter, half-year or month); `to_eur(amount, currency, day)` converts into the return's `currency` at the rate
    of `day`: the period's last day, or with `convert_on` the day it gives for each supply's day and each refund's
    day (HMRC's and the ESTV's monthly rates: the first of the month of the supply, or of the refund)."""
    by_order: dict[int, list[TaxLineFact]] = defaultdict(list)
    for line in lines:
        by_order[line.seller_order_id].append(line)
    groups: _Groups = defaultdict(lambda: [0, 0])

    def rate_day(day: dt.date) -> dt.date:
        return convert_on(day) if convert_on is not None else period.end

    for order_lines in by_order.values():
        for line in order_lines:
            if period.contains(line.supplied_on):
                key = (
                    SUPPLIES,
                    period.label,
                    line.tax_country,
                    line.rate_bp,
                    line.currency,
                    line.dispatch,
                    rate_day(line.supplied_on),
                )
                groups[key][0] += line.net
                groups[key][1] += line.vat
    for refund in refunds:
        if not period.contains(refund.refunded_on) or refund.paid <= 0:
            continue
        for line in by_order.get(refund.seller_order_id, ()):
            supplied_in = period_of(line.supplied_on)
            section = SUPPLIES if supplied_in == period else CORRECTION
            if supplied_in.start > period.end:
                continue  # a refund dated before its sale: not this return's business
            amount = min(refund.amount, refund.paid)
            key = (
                section,
                supplied_in.label,
                line.tax_country,
                line.rate_bp,
                line.currency,
                line.dispatch,
                rate_day(refund.refunded_on),
            )
            if refund.credited:
                for credited in refund.credited:
                    if credited.tax_line_id == line.tax_line_id:
                        groups[key][0] -= credited.net
                        groups[key][1] -= credited.vat
                continue
            groups[key][0] -= _share(line.net, amount, refund.paid)
            groups[key][1] -= _share(line.vat, amount, refund.paid)
    euros: dict[tuple[str, str, str, int, str], list[int]] = defaultdict(lambda: [0, 0])
    unconverted: set[str] = set()
    for (section, label, country, rate_bp, line_currency, dispatch, day), (net, vat) in groups.items():
        net_eur, vat_eur = to_eur(net, line_currency, day), to_eur(vat, line_currency, day)
        if net_eur is None or vat_eur is None:
            unconverted.add(line_currency)
            continue
        euros[(section, label, country, rate_bp, dispatch)][0] += net_eur
        euros[(section, label, country, rate_bp, dispatch)][1] += vat_eur
    rows = tuple(
        ReturnRow(section, label, country, rate_bp, net, vat, dispatch)
        for (section, label, country, rate_bp, dispatch), (net, vat) in sorted(
            euros.items(), key=lambda item: (item[0][0] != SUPPLIES, item[0][1], item[0][2], -item[0][3], item[0][4])
        )
    )
    return VatReturn(
        kind=kind, period=period, scope=scope, rows=rows, unconverted=tuple(sorted(unconverted)), currency=currency
    )


def _sort_key(row: ReturnRow) -> tuple[int, str, str, int, str]:
    return ((SUPPLIES, CORRECTION, ADJUSTMENT).index(row.section), row.period, row.country, -row.rate_bp, row.dispatch)


def late_changes(
    *, filed: Iterable[ReturnRow], recomputed: Iterable[ReturnRow], carried: Iterable[ReturnRow], period_label: str
) -> tuple[ReturnRow, ...]:
    """What changed in the supplies of the filed period `period_label` since it was filed and was not yet carried
    into a later filed return: per country and rate, the supplies recomputed now, less the supplies as filed, less the
    `carried` adjustments of that period already in later filed returns. Only the `supplies` rows of `filed` and
    `recomputed` count (their corrections concern other periods and are facts of their own). Zero rows are left out."""
    totals: dict[tuple[str, int, str], list[int]] = defaultdict(lambda: [0, 0])
    for sign, rows in ((1, recomputed), (-1, filed)):
        for row in rows:
            if row.section == SUPPLIES and row.period == period_label:
                totals[(row.country, row.rate_bp, row.dispatch)][0] += sign * row.taxable_cents
                totals[(row.country, row.rate_bp, row.dispatch)][1] += sign * row.vat_cents
    for row in carried:
        if row.section == ADJUSTMENT and row.period == period_label:
            totals[(row.country, row.rate_bp, row.dispatch)][0] -= row.taxable_cents
            totals[(row.country, row.rate_bp, row.dispatch)][1] -= row.vat_cents
    return tuple(
        sorted(
            (
                ReturnRow(ADJUSTMENT, period_label, country, rate_bp, taxable, vat, dispatch)
                for (country, rate_bp, dispatch), (taxable, vat) in totals.items()
                if taxable or vat
            ),
            key=_sort_key,
        )
    )


def with_rows(vat_return: VatReturn, extra: Iterable[ReturnRow]) -> VatReturn:
    """The return with `extra` rows (adjustments) added, in the order of the CSV."""
    rows = tuple(sorted((*vat_return.rows, *extra), key=_sort_key))
    return VatReturn(
        kind=vat_return.kind,
        period=vat_return.period,
        scope=vat_return.scope,
        rows=rows,
        unconverted=vat_return.unconverted,
        currency=vat_return.currency,
    )


def rows_to_json(rows: Iterable[ReturnRow]) -> list[list[str | int]]:
    """Rows as stored with a filing; the Member State of dispatch is a seventh item when known (rows filed before it
    existed have six)."""
    stored: list[list[str | int]] = []
    for row in rows:
        values: list[str | int] = [row.section, row.period, row.country, row.rate_bp, row.taxable_cents, row.vat_cents]
        stored.append([*values, row.dispatch] if row.dispatch else values)
    return stored


def rows_from_json(values: Iterable[list]) -> tuple[ReturnRow, ...]:
    return tuple(
        ReturnRow(
            str(section), str(period), str(country), int(rate), int(taxable), int(vat), str(rest[0]) if rest else ""
        )
        for section, period, country, rate, taxable, vat, *rest in values
    )


def csv_columns(currency: str = "EUR", *, with_dispatch: bool = False) -> tuple[str, ...]:
    """The columns of a return's CSV; `with_dispatch` (the OSS return) adds the Member State of dispatch last."""
    unit = currency.lower()
    dispatch = ("member_state_of_dispatch",) if with_dispatch else ()
    return (
        "return",
        "scope",
        "period",
        "section",
        "corrected_period",
        "member_state_of_consumption" if currency == "EUR" else "country",
        "vat_rate_percent",
        f"taxable_amount_{unit}",
        f"vat_amount_{unit}",
        *dispatch,
    )


CSV_COLUMNS = csv_columns()


def amount_text(cents: int) -> str:
    """Minor units of a two-decimal currency (EUR, GBP, CHF) as "-12.34"."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def percent_text(rate_bp: int) -> str:
    whole, rest = divmod(rate_bp, 100)
    return f"{whole}" if rest == 0 else f"{whole}.{rest:02d}".rstrip("0")


def return_csv(vat_return: VatReturn) -> str:
    """The return as CSV: one row per section, Member State (or country) of consumption and rate (amounts in the
    return's currency, two decimals; a correction or an adjustment names the period it corrects)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    with_dispatch = vat_return.kind == "oss"
    writer.writerow(csv_columns(vat_return.currency, with_dispatch=with_dispatch))
    for row in vat_return.rows:
        writer.writerow(
            (
                vat_return.kind,
                vat_return.scope,
                vat_return.period.label,
                row.section,
                row.period if row.section != SUPPLIES else "",
                row.country,
                percent_text(row.rate_bp),
                amount_text(row.taxable_cents),
                amount_text(row.vat_cents),
                *((row.dispatch,) if with_dispatch else ()),
            )
        )
    return buffer.getvalue()

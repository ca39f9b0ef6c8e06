"""Reading what the returns, the DAC7 report and the Art. 54c records are built from: the tax lines frozen at checkout,
the refunds, the seller orders and the sellers' identity. Pure building is in domain/; this module only loads."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from comptoir.core import clock
from comptoir.core.crypto import decrypt_text
from comptoir.core.exceptions import ValidationError
from comptoir.core.money import Money
from comptoir.currencies.domain.rates import ECB
from comptoir.currencies.models import ExchangeRate
from comptoir.currencies.selectors import ReferenceRates
from comptoir.filings import errors
from comptoir.filings.conf import filings_settings
from comptoir.filings.domain import dac7, periods
from comptoir.filings.domain.ch_vat import CH_REGIMES
from comptoir.filings.domain.dispatch import ReturnState
from comptoir.filings.domain.returns import (
    IOSS_REGIMES,
    OSS_MARKETPLACE_REGIMES,
    OSS_SELLER_REGIMES,
    CreditedFact,
    RefundFact,
    ReturnRow,
    TaxLineFact,
    VatReturn,
    build_return,
    late_changes,
    return_csv,
    rows_from_json,
    with_rows,
)
from comptoir.filings.domain.uk_vat import UK_REGIMES, uk_vat_csv
from comptoir.filings.models import Dac7Notice, ReturnFiling
from comptoir.orders.models import CreditNoteKind, CreditNoteLine, OrderStatus, OrderTaxLine, SellerOrder
from comptoir.payments.models import Refund
from comptoir.sellers.models import Seller
from comptoir.taxes.domain.jurisdictions import EU_DISTANCE_SALES_THRESHOLD_EUR_CENTS
from comptoir.taxes.models import SellerTaxProfile
from comptoir.taxes.selectors import seller_distance_sales_by_year, seller_tax_profile

_PAID = (OrderStatus.PAID,)
CREDIT_PREFIX = "credit:"  # a refund's source key when it pays back a credit note (checkout.services.credit_notes)
FULL_REFUND_PREFIX = "refund:"  # a full refund before the release (checkout.services.refunds), `refund:<seller order>`
FULL_REFUND_NOTE_KEY = "refund"  # the key of its credit note


def _publication_on_or_after(day: dt.date) -> dt.date:
    """The ECB publication Art. 366 points to: the rate published on `day`, else the next one (a weekend, a
    holiday); when none is published yet, the latest before (the return is then provisional)."""
    later = ExchangeRate.objects.filter(source=ECB, day__gte=day, day__lte=day + dt.timedelta(days=10)).order_by("day")
    return later.values_list("day", flat=True).first() or day


class PeriodEndRates:
    """`to_eur(amount, currency, day)` at the ECB rate of `day` (Art. 366), one table read per day; into another
    `target` currency (the UK and Swiss returns) through the euro, at the same ECB publication."""

    def __init__(self, target: str = "EUR") -> None:
        self._rates: dict[dt.date, ReferenceRates] = {}
        self._target = target

    def __call__(self, amount: int, currency: str, day: dt.date) -> int | None:
        if currency == self._target:
            return amount
        if day not in self._rates:
            self._rates[day] = ReferenceRates(_publication_on_or_after(day))
        converted = self._rates[day].convert(Money(amount, currency), self._target)
        return None if converted is None else converted.amount


def _supply_day(paid_at: dt.datetime | None, placed_at: dt.datetime) -> dt.date:
    return (paid_at or placed_at).date()


def _tax_line_facts(queryset, *, with_dispatch: bool = False) -> list[TaxLineFact]:
    """The tax lines as the returns read them; `with_dispatch` (OSS): with the Member State the parcel left from."""
    rows = queryset.values_list(
        "seller_order_id",
        "order__paid_at",
        "order__placed_at",
        "tax_country",
        "rate_bp",
        "currency",
        "net_amount",
        "vat_amount",
        "pk",
        "seller_order__goods_country",
    )
    return [
        TaxLineFact(
            order_id,
            _supply_day(paid_at, placed_at),
            country,
            rate_bp,
            currency,
            net,
            vat,
            pk,
            dispatch=(goods_country or "") if with_dispatch else "",
        )
        for order_id, paid_at, placed_at, country, rate_bp, currency, net, vat, pk, goods_country in rows
    ]


def _refund_facts(seller_order_ids: QuerySet, period: periods.Period) -> list[RefundFact]:
    rows = list(
        Refund.objects.filter(status="succeeded", created_at__date__gte=period.start, created_at__date__lte=period.end)
        .filter(seller_order_id__in=seller_order_ids)
        .values_list(
            "seller_order_id",
            "created_at",
            "amount",
            "seller_order__total_amount",
            "seller_order__charge_total_amount",
            "source_key",
        )
    )
    # A refund of a credit note (`credit:<number>`, checkout.services.seller_order_credit) reduces exactly what the
    # note credits, and so does a full refund before the release (`refund:<seller order>`) through its note (key
    # "refund": every line not yet credited, after a chargeback's note too); one query, only when there is one.
    numbers = [key.removeprefix(CREDIT_PREFIX) for *_rest, key in rows if key.startswith(CREDIT_PREFIX)]
    fully_refunded = [row[0] for row in rows if row[-1].startswith(FULL_REFUND_PREFIX)]
    credited: dict[str, list[CreditedFact]] = defaultdict(list)
    if numbers or fully_refunded:
        for number, seller_order_id, key, tax_line_id, net, vat in CreditNoteLine.objects.filter(
            Q(credit_note__number__in=numbers)
            | Q(credit_note__seller_order_id__in=fully_refunded, credit_note__key=FULL_REFUND_NOTE_KEY),
            tax_line__isnull=False,
        ).values_list(
            "credit_note__number",
            "credit_note__seller_order_id",
            "credit_note__key",
            "tax_line_id",
            "net_amount",
            "vat_amount",
        ):
            fact = CreditedFact(tax_line_id, net, vat)
            credited[f"{FULL_REFUND_PREFIX}{seller_order_id}" if key == FULL_REFUND_NOTE_KEY else number].append(fact)

    def note_of(seller_order_id: int, key: str) -> tuple[CreditedFact, ...]:
        if key.startswith(CREDIT_PREFIX):
            return tuple(credited.get(key.removeprefix(CREDIT_PREFIX), ()))
        if key.startswith(FULL_REFUND_PREFIX):
            return tuple(credited.get(f"{FULL_REFUND_PREFIX}{seller_order_id}", ()))
        return ()

    return [
        RefundFact(
            seller_order_id,
            created_at.date(),
            amount,
            charge_total if charge_total is not None else total,
            note_of(seller_order_id, key),
        )
        for seller_order_id, created_at, amount, total, charge_total, key in rows
    ] + _chargeback_facts(seller_order_ids, period)


def _chargeback_facts(seller_order_ids: QuerySet, period: periods.Period) -> list[RefundFact]:
    """Chargebacks, before or after the release, through their credit notes (kind "chargeback", dated when recorded):
    each reduces exactly the tax lines its note credits. The consideration the marketplace finally receives is
    reduced (Art. 90 Dir. 2006/112/EC), and the note's lines are what the ledger reversed (after the release) or did
    not book (before it): checkout.services.chargebacks. One query."""
    notes: dict[int, list] = {}
    for note_id, seller_order_id, created_at, gross, total, tax_line_id, net, vat in (
        CreditNoteLine.objects.filter(
            credit_note__kind=CreditNoteKind.CHARGEBACK,
            credit_note__created_at__date__gte=period.start,
            credit_note__created_at__date__lte=period.end,
        )
        .filter(credit_note__seller_order_id__in=seller_order_ids)
        .order_by("credit_note_id", "pk")
        .values_list(
            "credit_note_id",
            "credit_note__seller_order_id",
            "credit_note__created_at",
            "credit_note__gross_amount",
            "credit_note__seller_order__total_amount",
            "tax_line_id",
            "net_amount",
            "vat_amount",
        )
    ):
        fact = notes.setdefault(note_id, [seller_order_id, created_at.date(), gross, total, []])
        if tax_line_id is not None:
            fact[4].append(CreditedFact(tax_line_id, net, vat))
    return [
        RefundFact(seller_order_id, day, gross, total, tuple(credited))
        for seller_order_id, day, gross, total, credited in notes.values()
        if credited
    ]


@dataclass(frozen=True)
class _ReturnKind:
    regimes: frozenset[str]
    currency: str


_RETURN_KINDS = {
    "oss": _ReturnKind(OSS_MARKETPLACE_REGIMES, "EUR"),
    "ioss": _ReturnKind(IOSS_REGIMES, "EUR"),
    "uk-vat": _ReturnKind(UK_REGIMES, "GBP"),
    "ch-vat": _ReturnKind(CH_REGIMES, "CHF"),
}


def return_period(kind: str, label: str) -> periods.Period:
    """The period of a return of `kind` named `label`: a quarter (OSS, UK), a month (IOSS), a quarter or a half-year
    (Switzerland: as the operator files, `COMPTOIR_CH_VAT_PERIOD`). Raises ValueError for a malformed label and
    ValidationError (`wrong_period_length`) for a Swiss period of the other length."""
    if kind == "ioss":
        return periods.month(label)
    if kind == "ch-vat":
        is_half_year = "H" in label.upper()
        if is_half_year != (filings_settings().ch_vat_period == "half-year"):
            expected = "a half-year (2026-H1)" if not is_half_year else "a quarter (2026-Q1)"
            raise ValidationError(
                f"The Swiss VAT return is filed for {expected} (COMPTOIR_CH_VAT_PERIOD).",
                code=errors.WRONG_PERIOD_LENGTH,
                fields={"period": f"Expected {expected}."},
            )
        return periods.half_year(label) if is_half_year else periods.quarter(label)
    if kind == "uk-vat":
        return uk_vat_period(label)
    if kind in _RETURN_KINDS:
        return periods.quarter(label)
    raise ValueError(f"not a VAT return: {kind!r}")


_STAGGER_MONTHS = {
    1: "March, June, September, December",
    2: "April, July, October, January",
    3: "May, August, November, February",
}


def uk_vat_period(label: str) -> periods.Period:
    """A UK VAT quarter of the operator's HMRC stagger (`COMPTOIR_UK_VAT_STAGGER`): "2026-Q3" for stagger 1,
    "2026-S2Q3" / "2026-S3Q3" for staggers 2 and 3 (domain/periods.py). Raises ValueError for a malformed label and
    ValidationError (`wrong_stagger`) for a quarter of another stagger."""
    stagger = filings_settings().uk_vat_stagger
    period = periods.staggered_quarter(label) if "S" in label.upper() else periods.quarter(label)
    if periods.stagger_of(period) != stagger:
        example = periods.staggered_quarter_of(period.end, stagger).label
        message = (
            f"The UK VAT return follows HMRC stagger {stagger}: quarters ending {_STAGGER_MONTHS[stagger]} "
            f"(COMPTOIR_UK_VAT_STAGGER), e.g. {example}."
        )
        raise ValidationError(message, code=errors.WRONG_STAGGER, fields={"period": f"Expected e.g. {example}."})
    return period


def _period_of(kind: str, period: periods.Period) -> Callable[[dt.date], periods.Period]:
    if kind == "ioss":
        return periods.month_of
    if kind == "uk-vat":
        stagger = periods.stagger_of(period)
        return lambda day: periods.staggered_quarter_of(day, stagger)
    return periods.half_year_of if period.label[-2] == "H" else periods.quarter_of


def return_scope(seller_id: int | None) -> str:
    return "marketplace" if seller_id is None else f"seller:{seller_id}"


def _computed_return(*, kind: str, period: periods.Period, seller_id: int | None) -> VatReturn:
    """The return as the orders and refunds give it now, before any filing."""
    if kind not in _RETURN_KINDS:
        raise ValueError(f"not a VAT return: {kind!r}")
    regimes = OSS_SELLER_REGIMES if kind == "oss" and seller_id is not None else _RETURN_KINDS[kind].regimes
    currency = _RETURN_KINDS[kind].currency
    lines = OrderTaxLine.objects.filter(regime__in=regimes, order__status__in=_PAID)
    if seller_id is not None:
        lines = lines.filter(seller_order__seller_id=seller_id)
    refunds = _refund_facts(lines.values("seller_order_id"), period)
    refunded_ids = {refund.seller_order_id for refund in refunds}
    supplied = Q(order__paid_at__date__gte=period.start, order__paid_at__date__lte=period.end)
    facts = _tax_line_facts(lines.filter(supplied | Q(seller_order_id__in=refunded_ids)), with_dispatch=kind == "oss")
    return build_return(
        kind=kind,
        scope=return_scope(seller_id),
        period=period,
        lines=facts,
        refunds=refunds,
        period_of=_period_of(kind, period),
        to_eur=PeriodEndRates(currency),
        currency=currency,
    )


def _filings_by_period(kind: str, scope: str) -> dict[str, list[ReturnFiling]]:
    steps: dict[str, list[ReturnFiling]] = defaultdict(list)
    for step in ReturnFiling.objects.filter(kind=kind, scope=scope).order_by("period", "sequence"):
        steps[step.period].append(step)
    return steps


def _pending_changes(
    *, kind: str, filed_label: str, seller_id: int | None, filed: dict[str, list[ReturnFiling]], besides: str = ""
) -> tuple[ReturnRow, ...]:
    """The changes to the supplies of the filed period `filed_label` not yet carried by another filed return (but
    `besides`, the return being corrected, whose old figures are replaced)."""
    filed_period = periods.parse(filed_label)  # stored: valid even if the Swiss cadence changed since
    recomputed = _computed_return(kind=kind, period=filed_period, seller_id=seller_id).rows
    carried = [
        row
        for label, steps in filed.items()
        if label not in (filed_label, besides)
        for row in rows_from_json(steps[-1].rows)
    ]
    return late_changes(
        filed=rows_from_json(filed[filed_label][-1].rows),
        recomputed=recomputed,
        carried=carried,
        period_label=filed_label,
    )


def _draft_return(
    *, kind: str, period: periods.Period, seller_id: int | None, filed: dict[str, list[ReturnFiling]]
) -> VatReturn:
    """The return computed now, with the changes to earlier filed periods it carries."""
    computed = _computed_return(kind=kind, period=period, seller_id=seller_id)
    adjustments = [
        row
        for label in filed
        if label != period.label and periods.parse(label).end < period.start
        for row in _pending_changes(
            kind=kind, filed_label=label, seller_id=seller_id, filed=filed, besides=period.label
        )
    ]
    return with_rows(computed, adjustments)


def draft_return(*, kind: str, period: periods.Period, seller_id: int | None = None) -> VatReturn:
    """The return of `period` computed now, as if it had not been filed (what a correction would file)."""
    return _draft_return(
        kind=kind, period=period, seller_id=seller_id, filed=_filings_by_period(kind, return_scope(seller_id))
    )


def _as_filed(kind: str, period: periods.Period, seller_id: int | None, step: ReturnFiling) -> VatReturn:
    return VatReturn(
        kind=kind,
        period=period,
        scope=return_scope(seller_id),
        rows=rows_from_json(step.rows),
        currency=step.currency,
    )


def vat_return(*, kind: str, period: periods.Period, seller_id: int | None = None) -> VatReturn:
    """A VAT return: the OSS return of a quarter (`kind="oss"`: the seller's own when `seller_id` is given, else the
    marketplace's as deemed supplier of non-EU sellers' goods already in the EU), the marketplace's IOSS return of a
    month (`ioss`), its UK return of a quarter (`uk-vat`, GBP) or its Swiss return of a quarter or half-year (`ch-vat`,
    CHF). A filed return is given as filed (its latest `ReturnFiling`); a draft is computed from the orders and carries
    the changes found since in the supplies of earlier filed periods (`adjustment` rows). Three queries, one per
    exchange-rate day, and three per earlier filed period."""
    filed = _filings_by_period(kind, return_scope(seller_id))
    if period.label in filed:
        return _as_filed(kind, period, seller_id, filed[period.label][-1])
    return _draft_return(kind=kind, period=period, seller_id=seller_id, filed=filed)


@dataclass(frozen=True)
class ReturnOverview:
    """A return with its dispatch: the figures (as filed, or computed now), the steps the operator recorded (oldest
    first), its state, and for a filed return the changes found since that the next return will carry."""

    vat_return: VatReturn
    steps: list[ReturnFiling]
    pending_changes: tuple[ReturnRow, ...]

    @property
    def state(self) -> str:
        return self.steps[-1].state if self.steps else ReturnState.DRAFT

    @property
    def is_filed(self) -> bool:
        return bool(self.steps)


def return_overview(*, kind: str, period: str, seller_id: int | None = None) -> ReturnOverview:
    """The return of `kind` and `period` (a label) with its dispatch state. Raises ValidationError (422,
    `invalid_period`) for an unknown kind or a malformed period."""
    try:
        span = return_period(kind, period)
        filed = _filings_by_period(kind, return_scope(seller_id))
        steps = filed.get(span.label, [])
        if not steps:
            draft = _draft_return(kind=kind, period=span, seller_id=seller_id, filed=filed)
            return ReturnOverview(draft, [], ())
        changes = _pending_changes(kind=kind, filed_label=span.label, seller_id=seller_id, filed=filed)
        return ReturnOverview(_as_filed(kind, span, seller_id, steps[-1]), steps, changes)
    except ValueError as error:
        raise ValidationError(str(error), code=errors.INVALID_PERIOD, fields={"period": str(error)}) from error


def return_filings_recent(*, limit: int = 20) -> list[ReturnFiling]:
    """The latest steps recorded on every return (the console's dispatch list), newest first."""
    return list(ReturnFiling.objects.select_related("recorded_by").order_by("-recorded_at", "-pk")[:limit])


def oss_seller_ids(period: periods.Period) -> list[int]:
    """The sellers with OSS sales (destination VAT, collected by the seller) paid within `period`."""
    return sorted(
        set(
            OrderTaxLine.objects.filter(
                regime__in=OSS_SELLER_REGIMES,
                order__status__in=_PAID,
                order__paid_at__date__gte=period.start,
                order__paid_at__date__lte=period.end,
            ).values_list("seller_order__seller_id", flat=True)
        )
    )


# --- DAC7 ---------------------------------------------------------------------------------------------------------


def _identity(seller: Seller, profile: SellerTaxProfile | None) -> dac7.SellerIdentity:
    try:
        iban = decrypt_text(seller.iban_encrypted) if seller.iban_encrypted else ""
    except Exception:
        iban = ""
    return dac7.SellerIdentity(
        seller_id=seller.pk,
        legal_name=seller.legal_name,
        legal_form=profile.legal_form if profile else "",
        street=seller.street,
        postal_code=seller.postal_code,
        city=seller.city,
        country=seller.country,
        tin=profile.tin if profile else "",
        tin_country=profile.tin_country if profile else "",
        vat_number=seller.vat_id,
        business_registration_number=seller.trade_register_number,
        date_of_birth=profile.date_of_birth if profile else None,
        iban=iban,
    )


def _quarter(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def dac7_seller_years(*, year: int, seller_ids: Iterable[int] | None = None) -> list[dac7.SellerYear]:
    """Every seller's DAC7 figures of `year` (reportable or not: `SellerYear.is_reportable` decides), in EUR at the
    ECB rate of the year's last day: per quarter of payment, the consideration (what buyers paid for its seller
    orders, less what was refunded in the quarter of the refund: cash basis), the number of activities (seller
    orders paid), the fees (commission withheld) and the taxes withheld (VAT the marketplace collected as deemed
    supplier). Sellers without a paid order in the year are left out."""
    to_eur = PeriodEndRates()
    year_end = dt.date(year, 12, 31)
    orders = SellerOrder.objects.filter(
        order__status__in=_PAID, order__paid_at__date__gte=dt.date(year, 1, 1), order__paid_at__date__lte=year_end
    )
    refunds = Refund.objects.filter(
        status="succeeded", created_at__date__gte=dt.date(year, 1, 1), created_at__date__lte=year_end
    )
    if seller_ids is not None:
        wanted = list(seller_ids)
        orders = orders.filter(seller_id__in=wanted)
        refunds = refunds.filter(seller_order__seller_id__in=wanted)
    # seller -> figure -> quarter -> currency -> amount
    sums: dict[int, dict[str, dict[int, dict[str, int]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    )
    for seller_id, paid_at, currency, total, commission, marketplace_vat in orders.values_list(
        "seller_id", "order__paid_at", "currency", "total_amount", "commission_amount", "marketplace_vat_amount"
    ):
        quarter = _quarter(paid_at.date()) if paid_at is not None else 1
        figures = sums[seller_id]
        figures["consideration"][quarter][currency] += total
        figures["activities"][quarter]["count"] += 1
        figures["fees"][quarter][currency] += commission
        figures["taxes"][quarter][currency] += marketplace_vat
    for seller_id, created_at, amount, currency, total, charge_total in refunds.values_list(
        "seller_order__seller_id",
        "created_at",
        "amount",
        "seller_order__currency",
        "seller_order__total_amount",
        "seller_order__charge_total_amount",
    ):
        # A refund is in the currency the buyer paid; its part of the seller order's own amount is what is taken off.
        share = amount if charge_total is None else (2 * amount * total + charge_total) // (2 * charge_total)
        sums[seller_id]["consideration"][_quarter(created_at.date())][currency] -= min(share, total)

    def in_euros(by_quarter: dict[int, dict[str, int]]) -> dac7.Quarterly:
        amounts: dict[int, int] = {}
        for quarter, by_currency in by_quarter.items():
            amounts[quarter] = sum(to_eur(amount, currency, year_end) or 0 for currency, amount in by_currency.items())
        return dac7.Quarterly.of(amounts)

    sellers = Seller.objects.in_bulk(list(sums))
    profiles = {profile.seller_id: profile for profile in SellerTaxProfile.objects.filter(seller_id__in=list(sums))}
    found = []
    for seller_id in sorted(sums):
        figures = sums[seller_id]
        found.append(
            dac7.SellerYear(
                identity=_identity(sellers[seller_id], profiles.get(seller_id)),
                year=year,
                consideration=in_euros(figures["consideration"]),
                activities=dac7.Quarterly.of(
                    {quarter: counts["count"] for quarter, counts in figures["activities"].items()}
                ),
                fees=in_euros(figures["fees"]),
                taxes=in_euros(figures["taxes"]),
            )
        )
    return found


# --- Art. 54c records ------------------------------------------------------------------------------------------------

RECORD_COLUMNS = (
    "order_number",
    "seller_order_number",
    "supplier_name",
    "supplier_address",
    "supplier_email",
    "supplier_vat_number",
    "supplier_trade_register_number",
    "supplier_bank_account",
    "goods_description",
    "quantity",
    "time_of_supply",
    "dispatch_country",
    "arrival_country",
    "carrier",
    "tracking_number",
    "currency",
    "value",
    "vat",
    "vat_regime",
    "vat_country",
    "refunded",
)


def _minor(amount: int) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount) // 100}.{abs(amount) % 100:02d}"


def art54c_records_csv(*, since: dt.date, until: dt.date) -> str:
    """The records a marketplace keeps of the supplies it facilitates (Art. 54c Reg. (EU) 282/2011, kept 10 years under
    Art. 242a Dir. 2006/112/EC): per seller order paid between `since` and `until` (inclusive), the supplier's name,
    postal and electronic address, VAT number, trade register number and bank account, the goods, the time of supply,
    where the transport begins and ends, the carrier and tracking number, the value and its VAT, the regime, and what
    was refunded. Amounts in the seller order's currency, with two decimals."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(RECORD_COLUMNS)
    seller_orders = (
        SellerOrder.objects.filter(
            order__status__in=_PAID, order__paid_at__date__gte=since, order__paid_at__date__lte=until
        )
        .select_related("order", "seller")
        .prefetch_related("lines__offer", "tax_lines")
        .order_by("order__paid_at", "pk")
    )
    for seller_order in seller_orders.iterator(chunk_size=500):
        seller, order = seller_order.seller, seller_order.order
        lines = list(seller_order.lines.all())
        taxes = list(seller_order.tax_lines.all())
        try:
            iban = decrypt_text(seller.iban_encrypted) if seller.iban_encrypted else ""
        except Exception:
            iban = f"…{seller.iban_last4}"
        writer.writerow(
            (
                order.number,
                seller_order.number,
                seller.legal_name,
                f"{seller.street}, {seller.postal_code} {seller.city}, {seller.country}",
                seller.email,
                seller.vat_id,
                seller.trade_register_number,
                iban,
                "; ".join(line.title for line in lines),
                sum(line.quantity for line in lines),
                (order.paid_at or order.placed_at).isoformat(),
                ",".join(sorted({line.offer.ships_from_country or seller.country for line in lines})),
                str(order.shipping_address.get("country", "")),
                seller_order.carrier,
                seller_order.tracking_number,
                seller_order.currency,
                _minor(seller_order.total_amount),
                _minor(sum(tax.vat_amount for tax in taxes)),
                taxes[0].regime if taxes else "",
                taxes[0].tax_country if taxes else "",
                _minor(seller_order.refunded_amount),
            )
        )
    return buffer.getvalue()


def dac7_report_xml(*, year: int) -> tuple[bytes, list[dac7.SellerYear]]:
    """The DPI XML of `year` (the reportable sellers only) and every seller's figures it was built from."""
    settings = filings_settings()
    now = clock.now()
    seller_years = dac7_seller_years(year=year)
    message = dac7.DpiMessage(
        operator=dac7.PlatformOperator(
            name=settings.operator_name,
            country=settings.operator_country,
            tin=settings.operator_tin,
            address=settings.operator_address,
        ),
        year=year,
        message_ref=f"{settings.operator_country}{year}-{settings.operator_tin or 'COMPTOIR'}-{now:%Y%m%d%H%M%S}",
        timestamp=now,
        sellers=tuple(seller_years),
    )
    return dac7.dpi_xml(message), seller_years


@dataclass(frozen=True)
class SellerTaxOverview:
    """What the seller center's Taxes page shows a seller: its distance sales against the EUR 10,000 threshold (this
    year and last year), whether its distance sales carry destination VAT and why, its DAC7 figures (this year so
    far and last year), the notices it was sent and the identity fields still missing."""

    year: int
    distance_sales: dict[int, int]
    threshold_eur_cents: int
    declared_over: bool
    counted_over: bool
    dac7_years: list[dac7.SellerYear]
    notices: list[Dac7Notice]
    missing: tuple[str, ...]
    profile: SellerTaxProfile | None


def seller_tax_overview(*, seller_id: int) -> SellerTaxOverview:
    year = clock.now().year
    profile = seller_tax_profile(seller_id)
    years = dac7_seller_years(year=year - 1, seller_ids=[seller_id]) + dac7_seller_years(
        year=year, seller_ids=[seller_id]
    )
    seller = Seller.objects.get(pk=seller_id)
    return SellerTaxOverview(
        year=year,
        distance_sales=seller_distance_sales_by_year(seller_id, years={year - 1, year}),
        threshold_eur_cents=EU_DISTANCE_SALES_THRESHOLD_EUR_CENTS,
        declared_over=bool(profile and profile.charges_destination_vat),
        counted_over=bool(profile and (profile.counted_over_through_year or 0) >= year),
        dac7_years=sorted(years, key=lambda item: -item.year),
        notices=list(Dac7Notice.objects.filter(seller_id=seller_id).order_by("-year")),
        missing=_identity(seller, profile).missing(),
        profile=profile,
    )


def dac7_notices(*, year: int) -> list[Dac7Notice]:
    return list(Dac7Notice.objects.filter(year=year).select_related("seller").order_by("seller__legal_name"))


@dataclass(frozen=True)
class FilingFile:
    content: bytes
    content_type: str
    filename: str


FILING_KINDS = ("oss", "oss-sellers", "ioss", "uk-vat", "ch-vat", "records", "dac7")


def filing_file(*, kind: str, period: str, seller_id: int | None = None) -> FilingFile:
    """One filing as a file, for the console, the API and the command alike: `oss` (a quarter, "2026-Q3"; the
    marketplace's as deemed supplier, or a seller's with `seller_id`), `oss-sellers` (every seller with OSS sales in
    the quarter, one CSV), `ioss` (a month, "2026-07"), `uk-vat` (a quarter: the nine boxes of the UK return),
    `ch-vat` (a quarter or a half-year, "2026-H2": the Swiss return per rate, CHF), `records` (Art. 54c records of
    a year, "2026", or a quarter) and `dac7` (a year: the DPI XML). Raises ValidationError (422) for an unknown kind
    or a malformed period."""
    try:
        if kind in ("oss", "oss-sellers"):
            quarter = periods.quarter(period)
            if kind == "oss":
                text = return_csv(vat_return(kind="oss", period=quarter, seller_id=seller_id))
            else:
                text = "".join(
                    return_csv(vat_return(kind="oss", period=quarter, seller_id=seller))
                    for seller in oss_seller_ids(quarter)
                )
            scope = f"-seller-{seller_id}" if seller_id else ("-sellers" if kind == "oss-sellers" else "")
            return FilingFile(text.encode(), "text/csv; charset=utf-8", f"oss-{quarter.label}{scope}.csv")
        if kind == "ioss":
            month = periods.month(period)
            text = return_csv(vat_return(kind="ioss", period=month))
            return FilingFile(text.encode(), "text/csv; charset=utf-8", f"ioss-{month.label}.csv")
        if kind in ("uk-vat", "ch-vat"):
            span = return_period(kind, period)
            figures = vat_return(kind=kind, period=span)
            text = uk_vat_csv(figures) if kind == "uk-vat" else return_csv(figures)
            return FilingFile(text.encode(), "text/csv; charset=utf-8", f"{kind}-{span.label}.csv")
        if kind == "records":
            span = periods.quarter(period) if "Q" in period.upper() else periods.year(_year(period))
            text = art54c_records_csv(since=span.start, until=span.end)
            return FilingFile(text.encode(), "text/csv; charset=utf-8", f"art54c-records-{span.label}.csv")
        if kind == "dac7":
            document, _years = dac7_report_xml(year=_year(period))
            return FilingFile(document, "application/xml", f"dac7-{_year(period)}.xml")
    except ValueError as error:
        raise ValidationError(str(error), code=errors.INVALID_PERIOD, fields={"period": str(error)}) from error
    raise ValidationError(f"Unknown filing {kind!r}.", code=errors.INVALID_PERIOD, fields={"kind": "Unknown filing."})


def _year(value: str) -> int:
    if not (value.strip().isdigit() and len(value.strip()) == 4):
        raise ValueError(f"not a year: {value!r} (expected YYYY)")
    return int(value)

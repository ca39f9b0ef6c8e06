"""Writes of the filings app: the marketplace's count of each seller's intra-EU distance sales (kept in
`taxes.SellerDistanceSale`, read by checkout's liability decision), the DAC7 notices sent to reportable sellers and
the dispatch of the VAT returns (filed, corrected)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext_noop

from comptoir.core import clock
from comptoir.core.events import publish_on_commit
from comptoir.core.exceptions import Conflict, NotFound, ValidationError
from comptoir.core.money import Money
from comptoir.core.permissions import require_operator
from comptoir.core.services import audit_record
from comptoir.currencies.selectors import ReferenceRates
from comptoir.filings import errors, selectors
from comptoir.filings.domain import authority_rates
from comptoir.filings.domain.dispatch import ReturnAction, ReturnState, next_state
from comptoir.filings.domain.returns import ADJUSTMENT, rows_from_json, rows_to_json
from comptoir.filings.events import Dac7NoticeIssued
from comptoir.filings.models import AuthorityRate, Dac7Exclusion, Dac7ExclusionKind, Dac7Notice, ReturnFiling
from comptoir.orders.domain.state_machine import Status
from comptoir.orders.models import CreditNoteLine, OrderStatus, OrderTaxLine, SellerOrder
from comptoir.sellers.models import Seller
from comptoir.taxes.domain.distance_sales import DISTANCE_SALE_REGIMES
from comptoir.taxes.models import SellerDistanceSale
from comptoir.taxes.services import DistanceSaleCount, seller_distance_sale_count

logger = logging.getLogger(__name__)

_NOT_A_SUPPLY = (Status.CANCELLED, Status.REFUNDED)


def distance_sales_count(*, seller_order_ids: Iterable[int], only_new: bool = False) -> list[DistanceSaleCount]:
    """Count the intra-EU B2C distance sales (regimes `eu_distance_origin` and `eu_distance_oss`: goods sent from one
    Member State to a consumer in another) of these seller orders towards their sellers' EUR 10,000 thresholds: the
    net of VAT of their tax lines, converted into EUR at the order's frozen rate (the ECB reference rate of the day
    it was placed), in the calendar year it was paid, less the net its credit notes give back of those tax lines
    (partial refunds reduce the year of the sale, whenever the note is written). A cancelled or refunded seller order
    counts 0; a seller order without distance-sale lines and never counted is skipped; an unpaid one is skipped (it was
    counted when placed), unless it was cancelled unpaid (a payment that failed): it then counts 0.
    Idempotent (one `SellerDistanceSale` row per seller order), each seller order in its own transaction. `only_new`:
    the seller orders were just paid, none was counted before (saves a query)."""
    ids = sorted(set(seller_order_ids))
    if not ids:
        return []
    nets: dict[int, dict[str, int]] = {}
    for seller_order_id, currency, net in (
        OrderTaxLine.objects.filter(seller_order_id__in=ids, regime__in=DISTANCE_SALE_REGIMES)
        .values("seller_order_id", "currency")
        .annotate(net=Sum("net_amount"))
        .values_list("seller_order_id", "currency", "net")
    ):
        nets.setdefault(seller_order_id, {})[currency] = int(net or 0)
    if nets and not only_new:
        # Credit notes (partial refunds, after the release or not) reduce the taxable amount of the sale they credit
        # (Art. 90 Dir. 2006/112/EC), so its count: the net of their lines on distance-sale tax lines.
        for seller_order_id, currency, net in (
            CreditNoteLine.objects.filter(
                credit_note__seller_order_id__in=list(nets), tax_line__regime__in=DISTANCE_SALE_REGIMES
            )
            .values("credit_note__seller_order_id", "credit_note__currency")
            .annotate(net=Sum("net_amount"))
            .values_list("credit_note__seller_order_id", "credit_note__currency", "net")
        ):
            by_currency = nets[seller_order_id]
            by_currency[currency] = max(0, by_currency.get(currency, 0) - int(net or 0))
    # Most paid checkouts have no distance sale and were never counted: this task then costs one query, or two when
    # `only_new` is not given (a cancellation or a refund may concern a seller order counted before).
    counted: dict[int, int] = {}  # seller order id -> the year it is counted in
    if not only_new:
        counted = dict(
            SellerDistanceSale.objects.filter(seller_order_id__in=ids).values_list("seller_order_id", "year")
        )
    if not nets and not counted:
        return []
    results = []
    for seller_order in (
        SellerOrder.objects.filter(pk__in=set(nets) | set(counted)).select_related("order").order_by("pk")
    ):
        order = seller_order.order
        if seller_order.pk not in nets and seller_order.pk not in counted:
            continue
        if order.status != OrderStatus.PAID or order.paid_at is None:
            if seller_order.pk in counted and seller_order.status in _NOT_A_SUPPLY:
                # Counted when it was placed (orders.services.placement), then never paid: it leaves the count.
                results.append(
                    seller_distance_sale_count(
                        seller_id=seller_order.seller_id,
                        seller_order_id=seller_order.pk,
                        year=counted[seller_order.pk],
                        net_eur_cents=0,
                    )
                )
            continue
        rates = ReferenceRates(order.placed_at.date())
        total = 0
        for currency, net in nets.get(seller_order.pk, {}).items():
            converted = rates.convert(Money(net, currency), "EUR")
            if converted is None:
                logger.warning(
                    "no EUR rate for %s on %s: seller order %s not counted", currency, order.placed_at, seller_order.pk
                )
                break
            total += converted.amount
        else:
            if seller_order.status in _NOT_A_SUPPLY:
                total = 0
            results.append(
                seller_distance_sale_count(
                    seller_id=seller_order.seller_id,
                    seller_order_id=seller_order.pk,
                    year=order.paid_at.year,
                    net_eur_cents=total,
                )
            )
    return results


def distance_sales_recount(*, year: int) -> int:
    """Count again every seller order paid in `year` that has distance-sale lines (after an import, or to repair the
    counter). Returns how many were counted."""
    ids = list(
        OrderTaxLine.objects.filter(regime__in=DISTANCE_SALE_REGIMES, order__paid_at__year=year)
        .values_list("seller_order_id", flat=True)
        .distinct()
    )
    return len(distance_sales_count(seller_order_ids=ids))


def dac7_notices_issue(*, year: int, actor, seller_ids: Iterable[int] | None = None) -> list[Dac7Notice]:
    """Send each reportable seller of `year` its DAC7 notice: the figures the marketplace will report and the identity
    fields still missing (the seller center shows them and asks the seller to complete its identity); each notice is a
    `Dac7Notice` row, and its members are notified by email after the commit (`Dac7NoticeIssued`). Operators only
    (PermissionDenied). Idempotent: a seller already sent the year's notice is skipped. Returns the notices created."""
    require_operator(actor)
    created = []
    for seller_year in selectors.dac7_seller_years(year=year, seller_ids=seller_ids):
        if not seller_year.is_reportable:
            continue
        try:
            with transaction.atomic():
                notice = Dac7Notice.objects.create(
                    seller_id=seller_year.identity.seller_id,
                    year=year,
                    consideration_eur_cents=seller_year.consideration.total,
                    activities=seller_year.activities.total,
                    fees_eur_cents=seller_year.fees.total,
                    taxes_eur_cents=seller_year.taxes.total,
                    missing=list(seller_year.identity.missing()),
                    issued_at=clock.now(),
                    issued_by=actor,
                )
                audit_record(actor=actor, action="filings.dac7_notice", target=notice, data={"year": year})
                publish_on_commit(Dac7NoticeIssued(notice_id=notice.pk, seller_id=notice.seller_id, year=year))
        except IntegrityError:
            continue  # already sent
        created.append(notice)
    return created


def dac7_exclusion_set(*, seller_id: int, kind: str, reason: str, actor) -> Dac7Exclusion | None:
    """Record that a seller is excluded from DAC7 reports (`kind`: `government_entity` or `listed_entity`), with the
    operator's reason, or lift the exclusion (`kind` empty; a reason is still required). The seller is then left out
    of (or back in) every DAC7 report built afterwards; notices already sent stay. Operators only (PermissionDenied);
    ValidationError (422 `invalid_dac7_exclusion`) for an unknown kind or an empty reason; NotFound for an unknown
    seller. Audited (`filings.dac7_exclusion`, with the previous kind). Idempotent: the decision already recorded, with
    the same reason, changes nothing and writes no audit row. Returns the exclusion, or None once lifted."""
    require_operator(actor)
    kind, reason = kind.strip(), reason.strip()
    if kind and kind not in Dac7ExclusionKind.values:
        raise ValidationError(
            gettext_noop("Unknown DAC7 exclusion: a government entity or a listed entity."),
            code=errors.INVALID_EXCLUSION,
            fields={"kind": "Unknown exclusion."},
        )
    if not reason or len(reason) > 500:
        raise ValidationError(
            gettext_noop("Give the reason for the decision (500 characters at most)."),
            code=errors.INVALID_EXCLUSION,
            fields={"reason": "Required, 500 characters at most."},
        )
    with transaction.atomic(durable=True):
        seller = Seller.objects.select_for_update().filter(pk=seller_id).first()  # one decision at a time per seller
        if seller is None:
            raise NotFound(gettext_noop("No such seller."), code=errors.UNKNOWN_SELLER)
        current = Dac7Exclusion.objects.filter(seller=seller).first()
        previous = current.kind if current else ""
        if previous == kind and (current is None or current.reason == reason):
            return current
        if not kind:
            assert current is not None
            current.delete()
            audit_record(
                actor=actor,
                action="filings.dac7_exclusion",
                target=seller,
                reason=reason,
                data={"previous": previous, "kind": ""},
                seller_id=seller.pk,
            )
            return None
        exclusion, _created = Dac7Exclusion.objects.update_or_create(
            seller=seller, defaults={"kind": kind, "reason": reason, "set_at": clock.now(), "set_by": actor}
        )
        audit_record(
            actor=actor,
            action="filings.dac7_exclusion",
            target=seller,
            reason=reason,
            data={"previous": previous, "kind": kind},
            seller_id=seller.pk,
        )
        return exclusion


def authority_rates_import(*, authority: str, content: bytes, source: str = "") -> tuple[int, int]:
    """Load one month of a tax authority's exchange rates from its published file (`hmrc`: HMRC's monthly XML;
    `estv`: the ESTV's monthly average rates XML; formats in domain/authority_rates.py). Atomic; idempotent: a rate
    already loaded with the same value is left alone, a changed one is updated. Returns (created, updated). Raises
    ValueError (what is wrong with the file) before writing anything."""
    month = authority_rates.parse(authority, content)
    created = updated = 0
    now = clock.now()
    with transaction.atomic(durable=True):
        existing = {
            row.currency: row
            for row in AuthorityRate.objects.select_for_update().filter(authority=authority, month=month.month)
        }
        for rate in month.rates:
            row = existing.get(rate.currency)
            if row is None:
                AuthorityRate.objects.create(
                    authority=authority,
                    currency=rate.currency,
                    month=month.month,
                    units=rate.units,
                    rate=rate.rate,
                    source=source[:200],
                    imported_at=now,
                )
                created += 1
            elif (row.units, row.rate) != (rate.units, rate.rate):
                row.units, row.rate, row.source, row.imported_at = rate.units, rate.rate, source[:200], now
                row.save(update_fields=["units", "rate", "source", "imported_at"])
                updated += 1
    return created, updated


def _return_step(
    *,
    action: ReturnAction,
    kind: str,
    period: str,
    reference: str,
    filed_on: dt.date,
    actor,
    seller_id: int | None,
    note: str,
) -> ReturnFiling:
    require_operator(actor)
    reference = reference.strip()
    if not reference:
        raise ValidationError(
            "Enter the reference the tax authority gave.", code="required", fields={"reference": "Required."}
        )
    if filed_on > clock.now().date():
        raise ValidationError(
            "The filing date is in the future.", code=errors.INVALID_FILING_DATE, fields={"filed_on": "In the future."}
        )
    overview = selectors.return_overview(kind=kind, period=period, seller_id=seller_id)
    span, scope = overview.vat_return.period, selectors.return_scope(seller_id)
    latest = overview.steps[-1] if overview.steps else None
    wanted = ReturnState.FILED if action is ReturnAction.FILE else ReturnState.CORRECTED
    if latest is not None and latest.state == wanted and latest.reference == reference:
        return latest  # a retry of the same step
    state = next_state(ReturnState(latest.state) if latest else ReturnState.DRAFT, action)
    if action is ReturnAction.CORRECT:
        carried_by = (
            ReturnFiling.objects.filter(kind=kind, scope=scope)
            .exclude(period=span.label)
            .order_by("period", "sequence")
        )
        for other in carried_by:
            if any(row.section == ADJUSTMENT and row.period == span.label for row in rows_from_json(other.rows)):
                raise Conflict(
                    f"The return of {other.period} already carries changes to {span.label}: correct that one.",
                    code=errors.RETURN_ALREADY_CARRIED,
                )
        # The corrected figures: the period recomputed now, with what it carried of earlier periods.
        figures = selectors.draft_return(kind=kind, period=span, seller_id=seller_id)
    else:
        figures = overview.vat_return
    try:
        with transaction.atomic():
            step = ReturnFiling.objects.create(
                kind=kind,
                scope=scope,
                period=span.label,
                sequence=(latest.sequence if latest else 0) + 1,
                state=state,
                reference=reference,
                filed_on=filed_on,
                note=note.strip()[:500],
                currency=figures.currency,
                rows=rows_to_json(figures.rows),
                total_vat_cents=figures.total_vat_cents,
                recorded_at=clock.now(),
                recorded_by=actor,
            )
            audit_record(
                actor=actor,
                action=f"filings.return_{action}",
                target=step,
                data={"kind": kind, "scope": scope, "period": span.label, "reference": reference},
            )
    except IntegrityError:
        raise Conflict(
            "Someone recorded this return at the same moment: reload it.", code=errors.INVALID_RETURN_TRANSITION
        ) from None
    return step


def vat_return_file(
    *,
    kind: str,
    period: str,
    reference: str,
    filed_on: dt.date,
    actor,
    seller_id: int | None = None,
    note: str = "",
) -> ReturnFiling:
    """Record that the operator filed the return of `kind` (`oss`, `ioss`, `uk-vat`, `ch-vat`; a seller's OSS return
    with `seller_id`) and `period` with the tax authority under `reference` on `filed_on`: the figures computed now are
    kept as filed, and the return is never computed again (later changes go into a later return as adjustments).
    Audited. Operators only (PermissionDenied). Idempotent: the same reference again returns the step recorded.
    Raises ValidationError (422: no reference, a date in the future, a malformed period) and InvalidTransition (409:
    already filed under another reference; record a correction instead)."""
    return _return_step(
        action=ReturnAction.FILE,
        kind=kind,
        period=period,
        reference=reference,
        filed_on=filed_on,
        actor=actor,
        seller_id=seller_id,
        note=note,
    )


def vat_return_correct(
    *,
    kind: str,
    period: str,
    reference: str,
    filed_on: dt.date,
    actor,
    seller_id: int | None = None,
    note: str = "",
) -> ReturnFiling:
    """Record that the operator filed a correction of a filed return with the tax authority (under `reference`, on
    `filed_on`): the return's figures become the ones computed now. Audited, operators only, idempotent as
    `vat_return_file`. Raises InvalidTransition (409) for a return not filed, Conflict (409, `return_already_carried`)
    when a later filed return already carries changes to this period (they were declared there: correct that one)."""
    return _return_step(
        action=ReturnAction.CORRECT,
        kind=kind,
        period=period,
        reference=reference,
        filed_on=filed_on,
        actor=actor,
        seller_id=seller_id,
        note=note,
    )

"""Writes of the filings app: the marketplace's count of each seller's intra-EU distance sales (kept in
`taxes.SellerDistanceSale`, read by checkout's liability decision) and the DAC7 notices sent to reportable sellers."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Sum

from comptoir.core import clock
from comptoir.core.events import publish_on_commit
from comptoir.core.money import Money
from comptoir.core.permissions import require_operator
from comptoir.core.services import audit_record
from comptoir.currencies.selectors import ReferenceRates
from comptoir.filings import selectors
from comptoir.filings.events import Dac7NoticeIssued
from comptoir.filings.models import Dac7Notice
from comptoir.orders.domain.state_machine import Status
from comptoir.orders.models import CreditNoteLine, OrderStatus, OrderTaxLine, SellerOrder
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
    counts 0; a seller order without distance-sale lines and never counted is skipped; an unpaid one is skipped.
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
    counted: set[int] = set()
    if not only_new:
        counted = set(
            SellerDistanceSale.objects.filter(seller_order_id__in=ids).values_list("seller_order_id", flat=True)
        )
    if not nets and not counted:
        return []
    results = []
    for seller_order in SellerOrder.objects.filter(pk__in=set(nets) | counted).select_related("order").order_by("pk"):
        order = seller_order.order
        if seller_order.pk not in nets and seller_order.pk not in counted:
            continue
        if order.status != OrderStatus.PAID or order.paid_at is None:
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

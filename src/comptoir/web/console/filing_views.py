"""Tax filings (docs/TAXES.md, "Returns and DAC7"): OSS, IOSS, UK and Swiss VAT returns, Art. 54c records and the
DAC7 report to download, the year's reportable sellers with what their identity lacks, the DAC7 notices to send, and
each VAT return's page: its figures, its dispatch state (draft, filed, corrected) and the forms to record a filing."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.core import clock
from comptoir.core.exceptions import ApplicationError
from comptoir.filings import errors as filing_errors
from comptoir.filings import selectors
from comptoir.filings.conf import filings_settings
from comptoir.filings.domain import periods
from comptoir.filings.domain.ch_vat import ch_summary
from comptoir.filings.domain.dispatch import RETURN_KINDS
from comptoir.filings.domain.returns import percent_text
from comptoir.filings.domain.uk_vat import WHOLE_POUND_BOXES, uk_boxes
from comptoir.filings.models import Dac7ExclusionKind
from comptoir.filings.services import dac7_exclusion_set, dac7_notices_issue, vat_return_correct, vat_return_file
from comptoir.web.console.views import operator_required

ONE_DAY = dt.timedelta(days=1)


def _year(request) -> int:
    value = request.GET.get("year") or request.POST.get("year") or ""
    return int(value) if value.isdigit() and len(value) == 4 else clock.now().year - 1


@operator_required
def filings(request):
    kind, period = request.GET.get("open_kind", ""), request.GET.get("open_period", "").strip()
    if kind in RETURN_KINDS and re.fullmatch(r"[-A-Za-z0-9]{4,10}", period):
        return redirect("console:filing-return", kind=kind, period=period)
    today = clock.now().date()
    year = _year(request)
    seller_years = selectors.dac7_seller_years(year=year)
    reportable = [item for item in seller_years if item.is_reportable]
    figures = {item.identity.seller_id: item for item in seller_years}
    exclusions = selectors.dac7_exclusions()
    excluded_ids = {exclusion.seller_id for exclusion in exclusions}
    notices = {notice.seller_id: notice for notice in selectors.dac7_notices(year=year)}
    previous_quarter = periods.quarter_of(periods.quarter_of(today).start - ONE_DAY)
    previous_month = periods.month_of(today.replace(day=1) - ONE_DAY)
    previous_half_year = periods.half_year_of(periods.half_year_of(today).start - ONE_DAY)
    is_half_year = filings_settings().ch_vat_period == "half-year"
    stagger = filings_settings().uk_vat_stagger
    previous_uk_quarter = periods.staggered_quarter_of(
        periods.staggered_quarter_of(today, stagger).start - ONE_DAY, stagger
    )
    return render(
        request,
        "console/filings.html",
        {
            "section": "filings",
            "year": year,
            "quarter": request.GET.get("quarter") or previous_quarter.label,
            "month": request.GET.get("month") or previous_month.label,
            "ch_period": (previous_half_year if is_half_year else previous_quarter).label,
            "ch_pattern": r"\d{4}-H[12]" if is_half_year else r"\d{4}-Q[1-4]",
            "uk_period": previous_uk_quarter.label,
            "uk_pattern": r"\d{4}-Q[1-4]" if stagger == 1 else rf"\d{{4}}-S{stagger}Q[1-4]",
            "return_kinds": RETURN_KINDS,
            "recent_steps": selectors.return_filings_recent(),
            "reportable": reportable,
            "sellers_with_sales": len(seller_years),
            "rows": [{"item": item, "notice": notices.get(item.identity.seller_id)} for item in reportable],
            "exclusions": [
                {
                    "exclusion": exclusion,
                    "label": EXCLUSION_LABELS[exclusion.kind],
                    "item": figures.get(exclusion.seller_id),
                }
                for exclusion in exclusions
            ],
            "exclusion_kinds": [(kind, EXCLUSION_LABELS[kind]) for kind in Dac7ExclusionKind.values],
            "excludable": [item for item in seller_years if item.identity.seller_id not in excluded_ids],
        },
    )


@operator_required
def filing_download(request, kind: str):
    seller = request.GET.get("seller") or ""
    try:
        document = selectors.filing_file(
            kind=kind, period=request.GET.get("period", ""), seller_id=int(seller) if seller.isdigit() else None
        )
    except ApplicationError as error:
        if error.code == filing_errors.DAC7_INVALID_DOCUMENT:
            problems = "; ".join(error.extra["problems"][:10])  # the schema validator's own words
            message = _("The DAC7 report fails validation against its XML Schema and was not downloaded: %(problems)s")
            messages.error(request, message % {"problems": problems})
        else:
            messages.error(request, error.message)
        return redirect("console:filings")
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response


@operator_required
@require_POST
def dac7_notices_send(request):
    year = _year(request)
    notices = dac7_notices_issue(year=year, actor=request.user)
    messages.success(request, _("%(count)s DAC7 notice(s) sent.") % {"count": len(notices)})
    return redirect(f"{reverse('console:filings')}?year={year}")


EXCLUSION_LABELS = {
    "government_entity": gettext_lazy("Government entity"),
    "listed_entity": gettext_lazy("Listed entity"),
}


@operator_required
@require_POST
def dac7_exclusion_save(request):
    """Exclude a seller from DAC7 (government or listed entity) or lift its exclusion, with the operator's reason."""
    year = _year(request)
    seller = request.POST.get("seller", "")
    back = f"{reverse('console:filings')}?year={year}#exclusions-title"
    if not seller.isdigit():
        messages.error(request, _("Choose a seller."))
        return redirect(back)
    try:
        exclusion = dac7_exclusion_set(
            seller_id=int(seller),
            kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except ApplicationError as error:
        messages.error(request, _(error.message))  # the service's messages are marked for translation
        return redirect(back)
    if exclusion is None:
        messages.success(request, _("The seller is no longer excluded from DAC7."))
    else:
        messages.success(
            request,
            _("The seller is excluded from DAC7 reports: %(kind)s.") % {"kind": EXCLUSION_LABELS[exclusion.kind]},
        )
    return redirect(back)


# HMRC's box titles (domain/uk_vat.BOX_TITLES), translated for the page.
UK_BOX_TITLES = {
    1: gettext_lazy("VAT due on sales and other outputs"),
    2: gettext_lazy("VAT due on acquisitions of goods from the EU"),
    3: gettext_lazy("Total VAT due (box 1 + box 2)"),
    4: gettext_lazy("VAT reclaimed on purchases and other inputs"),
    5: gettext_lazy("Net VAT to pay or reclaim (box 3 - box 4)"),
    6: gettext_lazy("Total value of sales and all other outputs excluding VAT"),
    7: gettext_lazy("Total value of purchases and all other inputs excluding VAT"),
    8: gettext_lazy("Total value of supplies of goods to the EU excluding VAT"),
    9: gettext_lazy("Total value of acquisitions of goods from the EU excluding VAT"),
}

RETURN_TITLES = {
    "oss": gettext_lazy("OSS return (marketplace as deemed supplier)"),
    "ioss": gettext_lazy("IOSS return"),
    "uk-vat": gettext_lazy("UK VAT return (marketplace as deemed supplier)"),
    "ch-vat": gettext_lazy("Swiss VAT return (platform as deemed supplier)"),
}


@operator_required
def vat_return_page(request, kind: str, period: str):
    """GET: a return's figures, state and history; POST (`action` file or correct): record a step, back to the page."""
    if kind not in RETURN_KINDS:
        raise Http404
    if request.method == "POST":
        try:
            filed_on = dt.date.fromisoformat(request.POST.get("filed_on", ""))
        except ValueError:
            messages.error(request, _("Enter the filing date (YYYY-MM-DD)."))
            return redirect("console:filing-return", kind=kind, period=period)
        record = vat_return_correct if request.POST.get("action") == "correct" else vat_return_file
        try:
            record(
                kind=kind,
                period=period,
                reference=request.POST.get("reference", ""),
                filed_on=filed_on,
                note=request.POST.get("note", ""),
                actor=request.user,
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The return's state was recorded."))
        return redirect("console:filing-return", kind=kind, period=period)
    try:
        overview = selectors.return_overview(kind=kind, period=period)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("console:filings")
    vat_return = overview.vat_return
    swiss = ch_summary(vat_return) if kind == "ch-vat" else None
    boxes = []
    if kind == "uk-vat":
        figures = uk_boxes(vat_return)
        boxes = [
            {"number": number, "title": UK_BOX_TITLES[number], "value": value, "whole": number in WHOLE_POUND_BOXES}
            for number, value in figures.boxes()
        ]
    return render(
        request,
        "console/filing_return.html",
        {
            "section": "filings",
            "kind": kind,
            "title": RETURN_TITLES[kind],
            "overview": overview,
            "vat_return": vat_return,
            "rows": [{"row": row, "percent": f"{percent_text(row.rate_bp)} %"} for row in vat_return.rows],
            "pending": [{"row": row, "percent": f"{percent_text(row.rate_bp)} %"} for row in overview.pending_changes],
            "boxes": boxes,
            "swiss": swiss,
            "swiss_rates": [
                {"item": item, "percent": f"{percent_text(item.rate_bp)} %"} for item in (swiss.rates if swiss else ())
            ],
            "today": clock.now().date().isoformat(),
        },
    )

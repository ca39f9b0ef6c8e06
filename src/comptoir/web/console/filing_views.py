"""Tax filings (docs/TAXES.md, "Returns and DAC7"): OSS and IOSS returns, Art. 54c records and the DAC7 report to
download, the year's reportable sellers with what their identity lacks, and the DAC7 notices to send."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core import clock
from comptoir.core.exceptions import ApplicationError
from comptoir.filings import selectors
from comptoir.filings.domain import periods
from comptoir.filings.services import dac7_notices_issue
from comptoir.web.console.views import operator_required

ONE_DAY = dt.timedelta(days=1)


def _year(request) -> int:
    value = request.GET.get("year") or request.POST.get("year") or ""
    return int(value) if value.isdigit() and len(value) == 4 else clock.now().year - 1


@operator_required
def filings(request):
    today = clock.now().date()
    year = _year(request)
    seller_years = selectors.dac7_seller_years(year=year)
    reportable = [item for item in seller_years if item.is_reportable]
    notices = {notice.seller_id: notice for notice in selectors.dac7_notices(year=year)}
    previous_quarter = periods.quarter_of(periods.quarter_of(today).start - ONE_DAY)
    previous_month = periods.month_of(today.replace(day=1) - ONE_DAY)
    return render(
        request,
        "console/filings.html",
        {
            "section": "filings",
            "year": year,
            "quarter": request.GET.get("quarter") or previous_quarter.label,
            "month": request.GET.get("month") or previous_month.label,
            "reportable": reportable,
            "sellers_with_sales": len(seller_years),
            "rows": [{"item": item, "notice": notices.get(item.identity.seller_id)} for item in reportable],
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

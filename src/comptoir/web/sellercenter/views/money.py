"""Money: balances, the ledger-backed statement with a period filter and CSV export, and payouts."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.checkout.selectors import seller_statement, seller_statement_csv
from comptoir.core.exceptions import ApplicationError
from comptoir.core.money import Money
from comptoir.payments.models import Payout
from comptoir.payments.selectors import seller_balances
from comptoir.sellers.services import seller_settlement_currency_set
from comptoir.web.sellercenter.access import seller_view
from comptoir.web.sellercenter.forms import SettlementCurrencyForm, StatementFilterForm
from comptoir.web.sellercenter.views.common import ENTRY_KIND_LABELS, paginate, today

STATEMENT_PAGE_SIZE = 25


def _home_currency(seller) -> str:
    """The currency the statement opens in: the seller's settlement currency, else the one it prices offers in."""
    return seller.settlement_currency or seller.default_currency


def _currencies(seller, balances) -> list[str]:
    return sorted(set(balances) | {_home_currency(seller)})


def _period(request, seller, balances):
    """(form, currency, since, until) from the query string; until is exclusive, a day after the chosen end."""
    form = StatementFilterForm(request.GET or None, currencies=_currencies(seller, balances), initial={"period": "90"})
    currency, period, since_date, until_date = _home_currency(seller), "90", None, None
    if form.is_bound and form.is_valid():
        currency = form.cleaned_data["currency"] or currency
        period = form.cleaned_data["period"] or "90"
        since_date, until_date = form.cleaned_data["since"], form.cleaned_data["until"]
    if period == "custom":
        since = dt.datetime.combine(since_date, dt.time.min, tzinfo=dt.UTC) if since_date else None
        until = (
            dt.datetime.combine(until_date + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC) if until_date else None
        )
    elif period == "all":
        since = until = None
    else:
        since = dt.datetime.combine(today() - dt.timedelta(days=int(period)), dt.time.min, tzinfo=dt.UTC)
        until = None
    return form, currency, since, until


@seller_view
def money_overview(request):
    seller = request.seller
    balances = seller_balances(seller=seller)
    form, currency, since, until = _period(request, seller, balances)
    rows = seller_statement(seller=seller, currency=currency, since=since, until=until) if not form.errors else []
    rows = list(reversed(rows))  # newest first on screen; the CSV keeps ledger order
    page = paginate(request, rows, STATEMENT_PAGE_SIZE)
    totals = {
        "escrow": Money(sum(row.escrow_delta.amount for row in rows), currency),
        "payable": Money(sum(row.payable_delta.amount for row in rows), currency),
        "paid_out": Money(sum(row.paid_out_delta.amount for row in rows), currency),
    }
    return render(
        request,
        "sellercenter/money/overview.html",
        {
            "section": "money",
            "balances": balances,
            "form": form,
            "currency": currency,
            "page": page,
            "totals": totals,
            "rows": [{"row": row, "kind_label": ENTRY_KIND_LABELS.get(row.kind, row.kind)} for row in page],
            "csv_query": request.GET.urlencode(),
            "settlement_form": SettlementCurrencyForm(current=seller.settlement_currency),
        },
    )


@require_POST
@seller_view(owner_only=True)
def money_settlement_currency(request):
    """The owner sets the currency the shop is settled and paid out in (orders placed from now on)."""
    form = SettlementCurrencyForm(request.POST, current=request.seller.settlement_currency)
    if form.is_valid():
        try:
            seller_settlement_currency_set(
                seller=request.seller, actor=request.user, currency=form.cleaned_data["settlement_currency"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Settlement currency saved. It applies to orders placed from now on."))
    else:
        messages.error(request, _("Choose a currency from the list."))
    return redirect("sellercenter:money")


@seller_view
def money_statement_csv(request):
    seller = request.seller
    _form, currency, since, until = _period(request, seller, seller_balances(seller=seller))
    body = seller_statement_csv(seller=seller, currency=currency, since=since, until=until)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="statement-{seller.slug}-{currency}-{today().isoformat()}.csv"'
    )
    return response


@seller_view
def payout_list(request):
    payouts = Payout.objects.filter(seller=request.seller).order_by("-created_at", "-id")
    return render(request, "sellercenter/money/payouts.html", {"section": "money", "page": paginate(request, payouts)})

"""Dashboard: sales and orders per week, the orders waiting for the seller, and the money."""

from __future__ import annotations

import datetime as dt

from babel import Locale
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from comptoir.core.money import Money, currency_exponent
from comptoir.offers.selectors import offer_stock_summary_for_seller
from comptoir.orders.selectors import (
    seller_order_action_queue,
    seller_order_late_count,
    seller_order_status_counts,
    seller_order_weekly_totals,
)
from comptoir.payments.selectors import seller_balances
from comptoir.web.locale_formats import format_local_date
from comptoir.web.sellercenter.access import SESSION_SELLER_KEY, seller_view
from comptoir.web.sellercenter.charts import bar_chart
from comptoir.web.sellercenter.forms import active_locale
from comptoir.web.sellercenter.views.common import order_rows, today

CHART_WEEKS = 12


def _weekly_charts(seller) -> dict:
    current_monday = today() - dt.timedelta(days=today().weekday())
    weeks = [current_monday - dt.timedelta(weeks=offset) for offset in range(CHART_WEEKS - 1, -1, -1)]
    since = dt.datetime.combine(weeks[0], dt.time.min, tzinfo=dt.UTC)
    rows = seller_order_weekly_totals(seller=seller, since=since)
    currencies = sorted({row["currency"] for row in rows})
    currency = seller.default_currency if seller.default_currency in currencies or not currencies else currencies[0]
    orders_by_week = dict.fromkeys(weeks, 0)
    sales_by_week = dict.fromkeys(weeks, 0)
    for row in rows:
        week = row["week"]
        if week in orders_by_week:
            orders_by_week[week] += row["orders"]
            if row["currency"] == currency:
                sales_by_week[week] += row["amount"]
    locale = active_locale()

    def label(week):
        return format_local_date(week, "MMMd")

    def money_text(amount):
        return Money(amount, currency).format(locale)

    def axis_money(amount):
        # Whole major units on the axis: "1 200 €" rather than "1 200,00 €".
        from babel.numbers import format_currency

        pattern = Locale.parse(locale).currency_formats["standard"].pattern.split(";")[0].replace(".00", "")
        return format_currency(
            amount // 10 ** currency_exponent(currency), currency, format=pattern, locale=locale, currency_digits=False
        )

    sales = bar_chart(
        [(label(week), sales_by_week[week], money_text(sales_by_week[week])) for week in weeks], tick_format=axis_money
    )
    orders = bar_chart([(label(week), orders_by_week[week], str(orders_by_week[week])) for week in weeks])
    return {
        "sales_chart": sales,
        "orders_chart": orders,
        "chart_currency": currency,
        "sales_total": Money(sum(sales_by_week.values()), currency),
        "orders_total": sum(orders_by_week.values()),
        "this_week_sales": Money(sales_by_week[current_monday], currency),
        "this_week_orders": orders_by_week[current_monday],
    }


@seller_view
def dashboard(request):
    seller = request.seller
    counts = seller_order_status_counts(seller=seller)
    context = {
        "section": "dashboard",
        "balances": seller_balances(seller=seller),
        "queue": order_rows(seller_order_action_queue(seller=seller, limit=12)),
        "to_accept": counts.get("placed", 0),
        "to_ship": counts.get("accepted", 0),
        "returns": counts.get("return_requested", 0) + counts.get("returned", 0),
        "late": seller_order_late_count(seller=seller, today=today()),
        "offers": offer_stock_summary_for_seller(seller=seller),
        **_weekly_charts(seller),
    }
    return render(request, "sellercenter/dashboard.html", context)


@require_POST
@seller_view(enrolment=True)
def switch_seller(request):
    """Choose which of the user's shops the seller center shows; only a shop the user belongs to."""
    try:
        seller_id = int(request.POST.get("seller_id", ""))
    except ValueError as error:
        raise Http404 from error
    if not any(member.seller_id == seller_id for member in request.seller_access.memberships):
        raise Http404
    request.session[SESSION_SELLER_KEY] = seller_id
    return redirect("sellercenter:dashboard")

"""Locale-aware presentation through Babel: money (1 234,56 € in French, €1,234.56 in English) and dates and times in
the reader's regional format (08/12/2026 17:17 for en-GB and fr, 12/8/26 5:17 PM for en-US): see
comptoir.web.locale_formats. Every page shows dates with these filters, never with Django's `date`/`time` filters
(whose English formats are American):

    {{ order.placed_at|local_date }}             08/12/2026        short numeric date
    {{ order.placed_at|local_date:"medium" }}    8 Dec 2026
    {{ seller.verified_at|local_date:"yMMMM" }}  December 2026     any other argument is a CLDR skeleton
    {{ event.created_at|local_datetime }}        08/12/2026, 17:17
    {{ event.created_at|local_datetime:"medium" }}  8 Dec 2026, 17:17
    {{ event.created_at|local_time }}            17:17
"""

from __future__ import annotations

from django import template

from comptoir.core.money import Money
from comptoir.web.language_links import alternates
from comptoir.web.locale_formats import (
    format_local_date,
    format_local_datetime,
    format_local_time,
    formatting_locale,
)

register = template.Library()


def _locale() -> str:
    return formatting_locale()


@register.filter
def local_date(value, width: str = "short") -> str:
    return format_local_date(value, width)


@register.filter
def local_datetime(value, width: str = "short") -> str:
    return format_local_datetime(value, width)


@register.filter
def local_time(value) -> str:
    return format_local_time(value)


@register.simple_tag
def money(amount, currency: str) -> str:
    """{% money offer.price_amount offer.currency %} — amount in minor units."""
    if amount is None or not currency:
        return ""
    return Money(int(amount), currency).format(_locale())


@register.filter
def as_money(value) -> str:
    """{{ some_money_object|as_money }} for a core.money.Money or a {'amount_minor', 'currency'} dict."""
    if isinstance(value, Money):
        return value.format(_locale())
    if isinstance(value, dict) and "amount_minor" in value:
        return Money(int(value["amount_minor"]), value["currency"]).format(_locale())
    return ""


@register.inclusion_tag("web/_hreflang.html", takes_context=True)
def hreflang_links(context) -> dict[str, object]:
    """The `<link rel="alternate" hreflang>` of a storefront page (comptoir.web.language_links)."""
    request = context.get("request")
    return {"alternates": alternates(request) if request is not None else []}


@register.simple_tag(takes_context=True)
def query_replace(context, **changes) -> str:
    """The current query string with some parameters replaced (pagination and facet links)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return "?" + query.urlencode() if query else "?"


@register.inclusion_tag("web/_vat_table.html")
def vat_table(seller_order, vat_number: str = "") -> dict[str, object]:
    """{% vat_table seller_order order.buyer_vat_number %}: the seller order's VAT breakdown (its tax lines, prefetched
    by the order selectors), the regime's mention (reverse charge, deemed supplier, import VAT on delivery); nothing
    for an order priced without VAT."""
    from comptoir.orders.selectors import seller_order_vat_table

    return {"table": seller_order_vat_table(seller_order), "vat_number": vat_number}

"""Locale-aware presentation: money through Babel (1 234,56 € in French, €1,234.56 in English)."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language, to_locale

from comptoir.core.money import Money

register = template.Library()


def _locale() -> str:
    return to_locale(get_language() or "en")


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

"""Storefront presentation: the header's cart counter, locale-aware delivery dates, country and status names."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_skeleton
from django import template
from django.utils.text import slugify

from comptoir.core.money import Money
from comptoir.orders.selectors import cart_item_count
from comptoir.web.locale_formats import formatting_locale
from comptoir.web.storefront import labels
from comptoir.web.storefront.countries import country_name as _country_name

register = template.Library()


@register.simple_tag(takes_context=True)
def cart_count(context) -> int:
    """Units in the signed-in buyer's cart; 0 for a visitor."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return 0
    return cart_item_count(buyer=user)


@register.filter
def short_date(value: dt.date | None) -> str:
    """'Thu 3 Dec' / 'jeu. 3 déc.': weekday, day and month in the active locale."""
    if not value:
        return ""
    return format_skeleton("MMMEd", value, locale=formatting_locale())


@register.simple_tag
def date_range(earliest: dt.date | None, latest: dt.date | None) -> str:
    if not earliest or not latest:
        return ""
    if earliest == latest:
        return short_date(latest)
    return f"{short_date(earliest)} – {short_date(latest)}"


@register.filter
def country_name(code: str) -> str:
    return _country_name(code)


@register.filter
def status_label(status: str) -> str:
    return labels.seller_order_status(status)


@register.filter
def status_tone(status: str) -> str:
    return labels.STATUS_TONES.get(status, "")


@register.filter
def event_label(action: str) -> str:
    return labels.event_action(action)


@register.filter
def attribute_label(name: str) -> str:
    return labels.attribute_name(name)


@register.filter
def attribute_value(value) -> str:
    return labels.attribute_value(value)


@register.filter
def product_slug(product) -> str:
    return slugify(product.title)[:80] or "product"


@register.filter
def tile_tone(product) -> int:
    """A stable colour (0–5) for a product's placeholder tile, so that neighbouring tiles differ."""
    return tone(product.pk)


@register.filter
def tone(number) -> int:
    """One of six tile colours for an id."""
    return int(number or 0) % 6


@register.filter
def condition_label(value: str) -> str:
    from comptoir.offers.models import Condition

    return str(Condition(value).label) if value in Condition.values else value


@register.filter
def fulfilment_label(value: str) -> str:
    from comptoir.offers.models import FulfilmentMethod

    return str(FulfilmentMethod(value).label) if value in FulfilmentMethod.values else value


@register.filter
def service_label(level: str) -> str:
    return labels.service_level(level)


@register.filter
def line_total(line) -> Money:
    """A cart line's amount: unit price × quantity."""
    return line.offer.price * line.quantity


@register.filter
def ranking_factor_label(value: str) -> str:
    return str(labels.RANKING_FACTORS.get(value, value))


@register.filter
def featured_factor_label(value: str) -> str:
    return str(labels.FEATURED_FACTORS.get(value, value))

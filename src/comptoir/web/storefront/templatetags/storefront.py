"""Storefront presentation: the header's cart counter, locale-aware delivery dates, country and status names."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_skeleton
from django import template
from django.utils.text import slugify
from django.utils.translation import gettext as _

from comptoir.core.money import Money
from comptoir.offers.domain.pricing import Rates
from comptoir.orders.selectors import cart_item_count
from comptoir.web.locale_formats import format_local_date, formatting_locale
from comptoir.web.storefront import labels
from comptoir.web.storefront.countries import country_name as _country_name
from comptoir.web.storefront.currency import buyer_currency, currency_choices, request_rates

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


# --- Display currency ------------------------------------------------------------------------------------------------


def _display(context) -> tuple[str | None, Rates | None]:
    request = context.get("request")
    if request is None:
        return None, None
    currency = context.get("display_currency") or buyer_currency(request)
    return currency, request_rates(request)


@register.simple_tag(takes_context=True)
def in_display(context, amount: Money | None) -> Money | None:
    """`amount` converted into the buyer's display currency ({% in_display price as shown %}); the amount itself when
    already in it; None when no rate converts it."""
    if not isinstance(amount, Money):
        return None
    currency, rates = _display(context)
    if currency is None or rates is None or amount.currency == currency:
        return amount
    return rates.convert(amount, currency)


@register.simple_tag(takes_context=True)
def rate_note(context, source_currency: str) -> str:
    """ "ECB rate of 4 Dec 2026" (or "operator's rate") for a conversion from `source_currency` into the display
    currency; "" when there is none."""
    currency, rates = _display(context)
    if currency is None or rates is None or not source_currency:
        return ""
    origin = rates.origin(source_currency, currency)
    if origin is None:
        return ""
    if origin.day is None:
        return _("marketplace exchange rate")
    source = _("ECB") if origin.source == "ECB" else origin.source
    return _("%(source)s rate of %(date)s") % {"source": source, "date": format_local_date(origin.day, "medium")}


@register.simple_tag(takes_context=True)
def display_currency(context) -> str:
    """The buyer's display currency ({% display_currency as currency %})."""
    currency, _rates = _display(context)
    return currency or ""


@register.simple_tag
def display_currency_choices() -> list[tuple[str, str]]:
    return currency_choices()


# Colour names sellers type (English and French) that the variant picker shows as a swatch (storefront.css
# `.swatch--<name>`): a class, not an inline style, which the Content-Security-Policy forbids.
SWATCH_COLOURS = {
    "black": "black",
    "noir": "black",
    "white": "white",
    "blanc": "white",
    "grey": "grey",
    "gray": "grey",
    "gris": "grey",
    "red": "red",
    "rouge": "red",
    "blue": "blue",
    "bleu": "blue",
    "navy": "navy",
    "marine": "navy",
    "green": "green",
    "vert": "green",
    "yellow": "yellow",
    "jaune": "yellow",
    "orange": "orange",
    "pink": "pink",
    "rose": "pink",
    "purple": "purple",
    "violet": "purple",
    "brown": "brown",
    "marron": "brown",
    "beige": "beige",
    "sand": "beige",
}


@register.filter
def swatch_colour(value: str) -> str:
    """The swatch class suffix of a colour option value ("Navy" → "navy"), or "" when it names no known colour."""
    return SWATCH_COLOURS.get(str(value).strip().casefold(), "")


@register.simple_tag
def frozen_rate(seller_order, order) -> str:
    """ "1 PLN = 0.198524 GBP": the rate frozen on a seller order charged in its order's currency ("" when none),
    with up to six decimals in the reader's locale (the stored rate keeps twelve)."""
    rate = getattr(seller_order, "fx_rate", None)
    if rate is None:
        return ""
    from babel.numbers import format_decimal

    shown = format_decimal(rate, format="#,##0.######", locale=formatting_locale())
    return f"1 {seller_order.currency} = {shown} {order.currency}"


@register.simple_tag
def order_rate_origin(order) -> str:
    """ "ECB rate of 2 Mar 2026" (or "marketplace exchange rate") for the rates frozen on `order`; "" without."""
    if not getattr(order, "fx_source", ""):
        return ""
    if order.fx_day is None:
        return _("marketplace exchange rate")
    source = _("ECB") if order.fx_source == "ECB" else order.fx_source
    return _("%(source)s rate of %(date)s") % {"source": source, "date": format_local_date(order.fx_day, "medium")}

"""The buyer's display currency, chosen next to the delivery country (kept in the session), and the rates prices are
converted with for this request.

Prices are charged in the offer's currency (checkout does not convert yet); the storefront shows them converted into
the display currency with the ECB reference rate in effect today, marked "≈" with the rate's date, and the offer's own
price beside it."""

from __future__ import annotations

from babel.numbers import get_currency_name
from django.utils.translation import get_language, to_locale

from comptoir.offers.conf import display_currencies, exchange_rates, offers_settings
from comptoir.offers.domain.pricing import Rates

SESSION_KEY = "storefront_currency"


def currency_choices() -> list[tuple[str, str]]:
    """(code, "GBP · British pound") for every display currency, the marketplace's own first."""
    locale = to_locale(get_language() or "en")
    choices = []
    for code in display_currencies():
        try:
            name = get_currency_name(code, locale=locale)
        except (ValueError, LookupError):
            name = code
        choices.append((code, f"{code} · {name}"))
    return choices


def buyer_currency(request) -> str:
    """The currency prices are shown in: `?currency=` (remembered), else the session's, else the marketplace's."""
    allowed = display_currencies()
    requested = (request.GET.get("currency") or "").upper()
    if requested in allowed:
        request.session[SESSION_KEY] = requested
        return requested
    stored = request.session.get(SESSION_KEY)
    return stored if stored in allowed else offers_settings().currency


def request_rates(request) -> Rates:
    """The exchange rates of this request (one object per request: the rate table is read at most once)."""
    rates = getattr(request, "_comptoir_rates", None)
    if rates is None:
        rates = exchange_rates()
        request._comptoir_rates = rates
    return rates

"""Delivery countries offered in the storefront and the buyer's chosen one (kept in the session)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from babel import Locale
from django.utils.translation import get_language, to_locale

from comptoir.sellers.domain.trader import EU_MEMBER_STATES

# The European Union, plus the neighbours sellers commonly ship to.
DELIVERY_COUNTRIES = tuple(sorted(EU_MEMBER_STATES | {"CH", "GB", "NO"}))
DEFAULT_COUNTRY = "FR"
SESSION_KEY = "storefront_country"


@lru_cache(maxsize=8)
def _territories(locale: str) -> Mapping[str, str]:
    try:
        return Locale.parse(locale).territories
    except (ValueError, LookupError):
        return Locale.parse("en").territories


def country_name(code: str) -> str:
    """The country's name in the active language ("Allemagne" / "Germany"); the code itself when unknown."""
    return _territories(to_locale(get_language() or "en")).get((code or "").upper(), code)


def country_choices() -> list[tuple[str, str]]:
    return sorted(((code, country_name(code)) for code in DELIVERY_COUNTRIES), key=lambda item: item[1])


def buyer_country(request) -> str:
    """The country prices and delivery dates are quoted for: `?country=` (remembered), else the session's,
    else France."""
    requested = (request.GET.get("country") or "").upper()
    if requested in DELIVERY_COUNTRIES:
        request.session[SESSION_KEY] = requested
        return requested
    stored = request.session.get(SESSION_KEY)
    return stored if stored in DELIVERY_COUNTRIES else DEFAULT_COUNTRY

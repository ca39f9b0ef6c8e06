"""Dates, times and money in the reader's regional format, through Babel (CLDR data).

The interface is translated into a language ("en", "fr"); how a date is written also depends on the region: a British
reader writes 08/12/2026 and 17:17, an American 12/8/26 and 5:17 PM, a Canadian francophone 2026-12-08. The region
comes from the browser's Accept-Language header, when it names one for the active language; otherwise Babel's
default for the language applies. `FormattingLocaleMiddleware` decides once per request; the template filters of
`comptoir.web.templatetags.comptoir` (`local_date`, `local_datetime`, `local_time`) read the decision. Outside a
request (tasks, emails), the active language alone decides.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_time, get_datetime_format
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language, to_locale
from django.utils.translation.trans_real import parse_accept_lang_header

#: Babel's named widths; any other format argument is a CLDR skeleton ("yMMMM", "MMMd", "MMMEd").
STANDARD_WIDTHS = ("short", "medium", "long", "full")


class _RequestLocale:
    """A request's formatting locale, worked out on first use: most requests (the API's) format no date."""

    __slots__ = ("accept_language", "language", "locale")

    def __init__(self, language: str, accept_language: str) -> None:
        self.language, self.accept_language = language, accept_language
        self.locale: str | None = None

    def get(self) -> str:
        if self.locale is None and "_" in self.language:  # a locale given as such ("en_GB"): nothing to work out
            self.locale = self.language
        if self.locale is None:
            self.locale = locale_for(self.language, self.accept_language)
        return self.locale


_request_locale: contextvars.ContextVar[_RequestLocale | None] = contextvars.ContextVar(
    "comptoir_formatting_locale", default=None
)


def locale_for(language: str, accept_language: str = "") -> str:
    """The Babel locale ("en_GB") to format for a reader of `language` ("en") whose browser sent `accept_language`
    ("en-GB,en;q=0.9,fr;q=0.8"): the first tag of that language with a region Babel knows, else the language itself."""
    language = to_locale(language or "en").split("_")[0]
    for tag, _quality in parse_accept_lang_header(accept_language or ""):
        candidate = to_locale(tag)
        if candidate.split("_")[0].lower() != language or "_" not in candidate:
            continue
        try:
            return str(Locale.parse(candidate))
        except (ValueError, UnknownLocaleError):
            continue
    return language


def formatting_locale() -> str:
    """The locale of the current request, or of the active language outside a request."""
    pending = _request_locale.get()
    return pending.get() if pending is not None else locale_for(get_language() or "en")


class FormattingLocaleMiddleware:
    """Chooses the formatting locale of each request, after LocaleMiddleware has activated its language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request_locale.set(_RequestLocale(get_language() or "en", request.headers.get("Accept-Language", "")))
        try:
            return self.get_response(request)
        finally:
            _request_locale.reset(token)


def _local(value: dt.datetime) -> dt.datetime:
    """An aware datetime in the site's time zone; a naive one as it is."""
    return timezone.localtime(value) if timezone.is_aware(value) else value


def format_local_date(value: dt.date | None, width: str = "short") -> str:
    """08/12/2026 (en_GB, short), 8 Dec 2026 (medium), or a skeleton: "yMMMM" gives December 2026."""
    if not value:
        return ""
    day = _local(value).date() if isinstance(value, dt.datetime) else value
    locale = formatting_locale()
    if width in STANDARD_WIDTHS:
        return format_date(day, width, locale=locale)
    return format_skeleton(width, day, locale=locale)


def format_local_time(value: dt.datetime | dt.time | None) -> str:
    """17:17 (en_GB, fr), 5:17 PM (en_US)."""
    if value is None or value == "":
        return ""
    moment = _local(value) if isinstance(value, dt.datetime) else value
    return format_time(moment, "short", locale=formatting_locale())


def format_local_datetime(value: dt.date | None, width: str = "short") -> str:
    """08/12/2026, 17:17 (en_GB, short), 8 Dec 2026, 17:17 (medium): the date in `width`, the time without seconds,
    joined as the locale joins them. A plain date is formatted as a date."""
    if not value:
        return ""
    if not isinstance(value, dt.datetime):
        return format_local_date(value, width)
    moment = _local(value)
    pattern = str(get_datetime_format(_standard_width(width), locale=formatting_locale()))
    return pattern.replace("{1}", format_local_date(moment, width)).replace("{0}", format_local_time(moment))


def _standard_width(width: str) -> Literal["full", "long", "medium", "short"]:
    """How to join a date and a time: the width asked, or "short" for a skeleton."""
    if width == "full":
        return "full"
    if width == "long":
        return "long"
    if width == "medium":
        return "medium"
    return "short"

"""Language links a crawler can follow: `?lang=de` on any page, and the hreflang alternates of storefront pages.

The interface language is otherwise a visitor's choice, kept in the `django_language` cookie by the language switcher
(POST /i18n/setlang/), or else negotiated from Accept-Language: one URL serves every language, which a search engine
cannot see. `QueryLanguageMiddleware` lets `?lang=<code>` choose the language of that request (and remembers it in the
same cookie, so that a visitor arriving from a search result stays in the language they chose); the storefront's
public pages list one `<link rel="alternate" hreflang>` per language pointing to themselves with `?lang=`, plus an
`x-default` without it (docs/LANGUAGES.md).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

#: The query parameter that chooses the language of one request.
QUERY_PARAMETER = "lang"
#: Storefront pages that search engines index, and so list their other languages.
HREFLANG_PAGES = frozenset({"home", "search", "ranking", "product", "product_short", "seller", "reviews_policy"})


def supported(code: str) -> str | None:
    """`code` if it is one of the interface languages, else None."""
    return code if code in {language for language, _name in settings.LANGUAGES} else None


class QueryLanguageMiddleware:
    """After LocaleMiddleware: a supported `?lang=` overrides the cookie and Accept-Language for this request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = supported(request.GET.get(QUERY_PARAMETER, ""))
        if language is None:
            return self.get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


def alternates(request: HttpRequest) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) for each interface language and x-default, for a storefront page; else nothing."""
    match = request.resolver_match
    if request.method != "GET" or match is None or match.namespace != "storefront":
        return []
    if match.url_name not in HREFLANG_PAGES:
        return []
    query = request.GET.copy()
    query.pop(QUERY_PARAMETER, None)
    base = request.build_absolute_uri(request.path)

    def url(language: str | None) -> str:
        params = list(query.lists())
        flat = [(key, value) for key, values in params for value in values]
        if language:
            flat.append((QUERY_PARAMETER, language))
        return f"{base}?{urlencode(flat)}" if flat else base

    links = [(code, url(code)) for code, _name in settings.LANGUAGES]
    return [*links, ("x-default", url(None))]

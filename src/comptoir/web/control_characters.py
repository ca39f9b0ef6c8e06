"""The web side of the text rule of `comptoir.core.text`: a request whose path, query string or posted form carries
a control character is answered with a 400 page naming the field, before any view (or database query) sees it.

One middleware covers every page, form and filter, including query strings that views read directly (search words,
price filters). Posted form values may hold tab, line feed and carriage return (textareas); field names, query
values and the path may not. The API (/api/) is left to its own parser (comptoir.api.parsing), which answers with
a problem document instead."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from comptoir.core.text import forbidden_character

API_PATH_PREFIX = "/api/"
FORM_MEDIA_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _offending_field(data: QueryDict, *, is_multiline: bool) -> str | None:
    for name, values in data.lists():
        if forbidden_character(name) is not None:
            return name.encode("unicode_escape").decode("ascii")
        if any(forbidden_character(value, is_multiline=is_multiline) is not None for value in values):
            return name
    return None


def offending_field(request: HttpRequest) -> str | None:
    """The name of the first field (or "path") of the request that breaks the rule, or None."""
    if forbidden_character(request.path) is not None:
        return "path"
    field = _offending_field(request.GET, is_multiline=False)
    if field is None and request.method == "POST" and request.content_type in FORM_MEDIA_TYPES:
        # An oversized form raises RequestDataTooBig here, as it would in the view: Django answers it with the
        # handler400 view, which shows the 413 page (web/errors.py).
        field = _offending_field(request.POST, is_multiline=True)
    return field


class ControlCharacterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PATH_PREFIX):
            field = offending_field(request)
            if field is not None:
                return render(request, "web/bad_request.html", {"field": field}, status=400)
        return self.get_response(request)

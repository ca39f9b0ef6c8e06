"""Friendly error pages in the visitor's language (wired in config/urls.py and CSRF_FAILURE_VIEW).

The 500 page is rendered without a request context: it extends nothing and runs no context
processor, so it still renders when the database is the reason for the error."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import get_language
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def bad_request(request, exception=None):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE gets its own page (413); other bad requests Django's 400."""
    if isinstance(exception, RequestDataTooBig):
        context = {"max_kilobytes": max(1, settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024)}
        return render(request, "web/413.html", context, status=413)
    return defaults.bad_request(request, exception)


@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "web/404.html", {"path": request.path}, status=404)


@requires_csrf_token
def permission_denied(request, exception=None):
    return render(request, "web/403.html", {}, status=403)


def csrf_failure(request, reason=""):
    return render(request, "web/csrf_failure.html", {"retry_url": request.path}, status=403)


@requires_csrf_token
def server_error(request):
    template = loader.get_template("web/500.html")
    return HttpResponseServerError(
        template.render({"LANGUAGE_CODE": get_language() or "en", "site_name": settings.COMPTOIR_SITE_NAME})
    )

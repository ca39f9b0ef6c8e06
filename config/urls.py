import re

from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import include, path, re_path
from django.views.static import serve

from comptoir.api.urls import api_docs, api_urls

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/docs", api_docs, name="api-docs"),
    path("api/v1/", api_urls),
    path("", include("comptoir.web.urls")),
]


def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Uploaded pictures and 3D files in development and the demo (COMPTOIR_SERVE_MEDIA, on with DEBUG); in production
    the web server or the bucket serves them (docs/CATALOG.md). Only files the catalog wrote are there (re-encoded
    pictures, checked 3D files), served with `nosniff`. Settings are read per request so tests can turn it on."""
    if not settings.COMPTOIR_SERVE_MEDIA:
        raise Http404
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))


if settings.MEDIA_URL.startswith("/") and "://" not in settings.MEDIA_URL:
    urlpatterns.insert(0, re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$", media))

handler400 = "comptoir.web.errors.bad_request"
handler403 = "comptoir.web.errors.permission_denied"
handler404 = "comptoir.web.errors.page_not_found"
handler500 = "comptoir.web.errors.server_error"

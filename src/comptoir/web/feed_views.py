"""/feeds/<token>: a generated feed, for the channel that holds its secret address (Google Merchant Center, a
channel manager). No session and no login: the token is the credential; a rotated token, an inactive feed and an
unknown token all answer 404."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.http import require_safe

from comptoir.feeds.selectors import feed_by_token
from comptoir.feeds.services import CONTENT_TYPES


@require_safe
def feed_download(request, token: str):
    feed = feed_by_token(token)
    if feed is None:
        raise Http404
    headers = {"X-Robots-Tag": "noindex", "Cache-Control": "private, max-age=300"}
    if not feed.file_name or feed.generated_at is None:
        response = HttpResponse("The feed is being generated; try again in a few minutes.\n", status=503)
        response["Retry-After"] = "300"
        response["Content-Type"] = "text/plain; charset=utf-8"
        for key, value in headers.items():
            response[key] = value
        return response
    modified = int(feed.generated_at.timestamp())
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    if since is not None and modified <= since:
        return HttpResponseNotModified(headers={"Last-Modified": http_date(modified)})
    try:
        handle = default_storage.open(feed.file_name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    served = FileResponse(handle, content_type=CONTENT_TYPES[feed.format])
    served["Content-Disposition"] = f'inline; filename="feed-{feed.pk}.{feed.format}"'
    served["Last-Modified"] = http_date(modified)
    for key, value in headers.items():
        served[key] = value
    return served

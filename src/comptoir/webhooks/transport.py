"""Posting one webhook request: resolve, check the addresses, connect to the checked one, no redirects.

The guard against server-side request forgery is `core.outbound` (shared with the shop imports' picture fetcher):
every address the host resolves to must be public (unless the deployment allows private ones) and the connection goes
to that very address. Redirects are not followed (a 3xx is a failed attempt); at most 4 KB of the answer are read."""

from __future__ import annotations

import http.client
import ssl
import time
import urllib.parse
from dataclasses import dataclass

from comptoir.core.outbound import AddressRefused, PinnedHTTPConnection, PinnedHTTPSConnection, resolve_checked

__all__ = ["AddressRefused", "PostResult", "post_json", "resolve_checked"]

RESPONSE_READ_BYTES = 4096
USER_AGENT = "Comptoir-Webhooks/1"


@dataclass(frozen=True)
class PostResult:
    status: int | None  # None: no HTTP answer (refused address, timeout, connection error)
    body_excerpt: str
    error: str
    duration_ms: int


def post_json(*, url: str, body: bytes, headers: dict[str, str], timeout: float, allow_private: bool) -> PostResult:
    """POST `body` to `url`; never raises for network trouble (the result says what happened)."""
    started = time.monotonic()

    def result(status: int | None, excerpt: str = "", error: str = "") -> PostResult:
        return PostResult(status, excerpt, error[:300], int((time.monotonic() - started) * 1000))

    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    try:
        address = resolve_checked(host, port, allow_private=allow_private)
    except AddressRefused as error:
        return result(None, error=str(error))
    connection_class = PinnedHTTPSConnection if secure else PinnedHTTPConnection
    connection = connection_class(host, port, address=address, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
        )
        response = connection.getresponse()
        excerpt = response.read(RESPONSE_READ_BYTES).decode("utf-8", "replace")[:500]
        return result(response.status, excerpt)
    except TimeoutError:
        return result(None, error=f"No answer within {timeout:g} s.")
    except (OSError, http.client.HTTPException, ssl.SSLError) as error:
        return result(None, error=f"{type(error).__name__}: {error}")
    finally:
        connection.close()

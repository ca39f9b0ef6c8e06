"""Posting one webhook request: resolve, check the addresses, connect to the checked one, no redirects.

The host name is resolved here and every address it resolves to must be public (unless the deployment allows
private ones); the connection then goes to that very address (with the host name kept for TLS and the Host header),
so a DNS answer that changes between the check and the connection (DNS rebinding) cannot aim it elsewhere.
Redirects are not followed (a 3xx is a failed attempt); at most 4 KB of the answer are read."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
import urllib.parse
from dataclasses import dataclass

from comptoir.webhooks.domain.addresses import is_public_address

RESPONSE_READ_BYTES = 4096
USER_AGENT = "Comptoir-Webhooks/1"


class AddressRefused(Exception):
    """The URL's host resolves to an address webhooks may not reach (or does not resolve)."""


@dataclass(frozen=True)
class PostResult:
    status: int | None  # None: no HTTP answer (refused address, timeout, connection error)
    body_excerpt: str
    error: str
    duration_ms: int


def resolve_checked(host: str, port: int, *, allow_private: bool) -> str:
    """An address of `host` to connect to; AddressRefused when it does not resolve or any address it resolves to is
    private (a name resolving to one public and one private address is refused: which one is used is not ours)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise AddressRefused(f"{host} does not resolve.") from error
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise AddressRefused(f"{host} does not resolve.")
    if not allow_private:
        for address in addresses:
            if not is_public_address(address):
                raise AddressRefused(f"{host} resolves to {address}, a private or reserved address.")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()  # certificates and host name checked
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


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
    connection_class = _PinnedHTTPSConnection if secure else _PinnedHTTPConnection
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

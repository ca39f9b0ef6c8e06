"""Requests the server makes to addresses someone else typed (webhook endpoints, picture addresses in a shop export):
the guard against server-side request forgery, shared by every app that reaches out.

Without a check, a seller could make the server reach its own private network (cloud metadata at 169.254.169.254, a
database on 10.x, the admin on localhost). So the host name is resolved here and every address it resolves to must be
globally routable (unless the deployment allows private ones: tests, development); the connection then goes to that
very address (the host name kept for TLS and the Host header), so a DNS answer that changes between the check and the
connection (DNS rebinding) cannot aim it elsewhere. Redirects are followed only by `fetch`, a few, each checked again.
Answers are read up to a limit, under a timeout per read and a deadline for the whole request."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import urllib.parse
from dataclasses import dataclass


class FetchFailed(Exception):
    """A fetch that gave no usable answer: refused address, timeout, HTTP error, too large, too many redirects.
    `is_permanent`: asking again cannot help (an address refused, a 4xx answer but 408 and 429, too large, a redirect
    loop); a timeout, a connection error or a 5xx may pass later."""

    def __init__(self, message: str, *, is_permanent: bool = False) -> None:
        super().__init__(message)
        self.is_permanent = is_permanent


class AddressRefused(FetchFailed):
    """The URL's host resolves to an address the server may not reach (or does not resolve)."""

    def __init__(self, message: str, *, is_permanent: bool = True) -> None:
        super().__init__(message, is_permanent=is_permanent)


def is_public_address(address: str) -> bool:
    """Whether `address` (an IPv4 or IPv6 literal) is a globally routable unicast address. IPv4 addresses mapped or
    embedded in IPv6 (::ffff:10.0.0.1, 64:ff9b::10.0.0.1 is left to is_global) are judged as the IPv4 address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast and not ip.is_reserved and not ip.is_unspecified


def resolve_checked(host: str, port: int, *, allow_private: bool) -> str:
    """An address of `host` to connect to; AddressRefused when it does not resolve or any address it resolves to is
    private (a name resolving to one public and one private address is refused: which one is used is not ours)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise AddressRefused(f"{host} does not resolve.", is_permanent=False) from error
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise AddressRefused(f"{host} does not resolve.", is_permanent=False)
    if not allow_private:
        for address in addresses:
            if not is_public_address(address):
                raise AddressRefused(f"{host} resolves to {address}, a private or reserved address.")
    return addresses[0]


class PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to an address checked beforehand (`resolve_checked`), whatever DNS says later."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As PinnedHTTPConnection, over TLS: certificates and the host name are checked against the URL's host."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def pinned_connection(url: str, *, timeout: float, allow_private: bool) -> tuple[http.client.HTTPConnection, str]:
    """A connection to `url`'s host at a checked address, and the path to request. Raises AddressRefused (also for a
    scheme other than http or https)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused(f"Only http:// and https:// addresses can be reached, not {url[:80]!r}.")
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    address = resolve_checked(parts.hostname, port, allow_private=allow_private)
    connection_class = PinnedHTTPSConnection if secure else PinnedHTTPConnection
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return connection_class(parts.hostname, port, address=address, timeout=timeout), path


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content: bytes
    content_type: str


def fetch(
    url: str,
    *,
    max_bytes: int,
    timeout: float,
    allow_private: bool,
    max_redirects: int = 3,
    user_agent: str = "Comptoir/1",
) -> Fetched:
    """GET `url` and return its body, at most `max_bytes` (FetchFailed beyond), within `timeout` seconds in all
    (FetchFailed after; each read waits at most that long too). Redirects (301, 302, 303, 307, 308) are followed up to
    `max_redirects`, each new address checked as the first. Raises FetchFailed (AddressRefused is one) for anything
    but a 200 answer within the limits."""
    deadline = time.monotonic() + timeout
    for _ in range(max_redirects + 1):
        connection, path = pinned_connection(url, timeout=timeout, allow_private=allow_private)
        try:
            connection.request("GET", path, headers={"User-Agent": user_agent, "Accept": "image/*, */*;q=0.5"})
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location") or ""
                if not location:
                    raise FetchFailed(f"HTTP {response.status} without a Location.", is_permanent=True)
                url = urllib.parse.urljoin(url, location)
                continue
            if response.status != 200:
                raise FetchFailed(
                    f"HTTP {response.status}.",
                    is_permanent=400 <= response.status < 500 and response.status not in (408, 429),
                )
            declared = response.getheader("Content-Length") or ""
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchFailed(f"Larger than {max_bytes} bytes ({declared} announced).", is_permanent=True)
            content = bytearray()
            while chunk := response.read(min(65536, max_bytes + 1 - len(content))):
                content.extend(chunk)
                if len(content) > max_bytes:
                    raise FetchFailed(f"Larger than {max_bytes} bytes.", is_permanent=True)
                if time.monotonic() > deadline:
                    raise FetchFailed(f"Not received within {timeout:g} s.")
            return Fetched(url=url, content=bytes(content), content_type=response.getheader("Content-Type") or "")
        except TimeoutError as error:
            raise FetchFailed(f"No answer within {timeout:g} s.") from error
        except (OSError, http.client.HTTPException, ssl.SSLError) as error:
            raise FetchFailed(f"{type(error).__name__}: {error}"[:300]) from error
        finally:
            connection.close()
    raise FetchFailed(f"More than {max_redirects} redirects.", is_permanent=True)

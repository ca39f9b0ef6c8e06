"""Checks made before serving (is the address free?) and what a serving process does once started."""

from __future__ import annotations

import errno
import gc
import socket


def settle_after_startup() -> int:
    """Put what start-up allocated out of the garbage collector's way (`gc.freeze()`) and return how many objects that
    is. A serving process keeps its apps, models, URL resolver, views and translations for its whole life; unfrozen,
    each full collection walks them all again (about 200,000 objects: 123–145 ms of CPU per full collection in a
    search worker, docs/PERFORMANCE.md "Search with tax and FX"), and the request that meets one is a tail outlier.
    The URL configuration is loaded first so that the view modules are among them. Called by config/wsgi.py."""
    from django.urls import get_resolver

    _ = get_resolver().url_patterns  # imports the URL configuration and every view module now
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def split_address(address: str) -> tuple[str, int]:
    """HOST:PORT (or a bare PORT, on 127.0.0.1) as (host, port); [::1]:8000 for IPv6. Raises ValueError."""
    host, separator, port = address.rpartition(":")
    if not separator:
        host, port = "127.0.0.1", address
    host = host.strip("[]") or "127.0.0.1"
    number = int(port)
    if not 0 < number < 65536:
        raise ValueError(f"port out of range: {number}")
    return host, number


def address_in_use(host: str, port: int) -> bool:
    """Whether another process already listens on (host, port): binding it fails with EADDRINUSE.

    Other failures (an address this machine does not have, a privileged port) are left to the server to report."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As the servers do: a port held only by connections in TIME_WAIT is free for them.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            return error.errno == errno.EADDRINUSE
    return False


def busy_address_message(address: str) -> str | None:
    """One line saying that `address` is taken and naming --addr with a free port nearby, or None when it is free."""
    try:
        host, port = split_address(address)
    except ValueError:
        return None
    if not address_in_use(host, port):
        return None
    free = next(
        (candidate for candidate in range(port + 1, min(port + 50, 65536)) if not address_in_use(host, candidate)),
        None,
    )
    suggestion = f"--addr {host}:{free}" if free else "--addr HOST:PORT"
    return f"{host}:{port} is already in use (another server is running there); serve elsewhere with {suggestion}."

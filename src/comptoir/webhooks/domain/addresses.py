"""Which network addresses a webhook may be sent to. Pure.

Webhook URLs are typed by sellers, and the server posts to them: without a check, a seller could make the server
reach its own private network (cloud metadata at 169.254.169.254, a database on 10.x, the admin on localhost) —
server-side request forgery. Only globally routable unicast addresses are allowed, unless the deployment allows
private ones (tests, a local development setup)."""

from __future__ import annotations

import ipaddress


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

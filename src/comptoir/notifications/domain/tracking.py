"""Where a buyer follows a parcel: the carrier's public tracking page for a tracking number. Pure.

The carrier is free text typed by the seller, so it is matched loosely (case, spaces and punctuation ignored);
an unknown carrier has no tracking link (the buyer still gets the number)."""

from __future__ import annotations

import re
from urllib.parse import quote

TRACKING_URL_PATTERNS: dict[str, str] = {
    "laposte": "https://www.laposte.fr/outils/suivre-vos-envois?code={number}",
    "colissimo": "https://www.laposte.fr/outils/suivre-vos-envois?code={number}",
    "chronopost": "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT={number}",
    "dhl": "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}",
    "dhlexpress": "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}",
    "ups": "https://www.ups.com/track?tracknum={number}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={number}",
    "dpd": "https://tracking.dpd.de/status/en_US/parcel/{number}",
    "gls": "https://gls-group.com/track/{number}",
    "mondialrelay": "https://www.mondialrelay.fr/suivi-de-colis/?numeroExpedition={number}",
    "postnl": "https://postnl.nl/tracktrace/?B={number}",
    "royalmail": "https://www.royalmail.com/track-your-item#/tracking-results/{number}",
}


def _carrier_key(carrier: str) -> str:
    return re.sub(r"[^a-z0-9]", "", carrier.lower())


def tracking_url(carrier: str, tracking_number: str) -> str:
    """The tracking page of `tracking_number` at `carrier`, or "" when the carrier is unknown or the number empty."""
    pattern = TRACKING_URL_PATTERNS.get(_carrier_key(carrier or ""))
    number = (tracking_number or "").strip()
    if pattern is None or not number:
        return ""
    return pattern.format(number=quote(number, safe=""))

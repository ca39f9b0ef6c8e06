"""Parcel carriers a seller picks from when shipping, with the public page where a buyer follows a parcel. Pure data.

A carrier is stored on the seller order by name (`SellerOrder.carrier`): a seller may still type any other name (a
local courier), which then gets no link. `tracking_url` finds the carrier of a stored name — the list's name, its
code or one of its aliases, so that names typed before this list existed ("La Poste", "DHL Express") link too.

The URL patterns are the carriers' own public tracking pages, which take the tracking number as a query parameter
or path segment (checked on each carrier's website, December 2026; cross-checked with the list kept at
https://eshipguy.com/tracking/). A carrier that changes its page only needs its pattern updated here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Carrier:
    code: str
    name: str
    url_pattern: str  # "{number}" is replaced by the URL-quoted tracking number
    aliases: tuple[str, ...] = ()


CARRIERS: tuple[Carrier, ...] = (
    # La Poste's tracking page follows Colissimo parcels and tracked letters alike.
    Carrier(
        "colissimo",
        "La Poste / Colissimo",
        "https://www.laposte.fr/outils/suivre-vos-envois?code={number}",
        ("colissimo", "la poste", "laposte", "lettre suivie"),
    ),
    Carrier(
        "chronopost",
        "Chronopost",
        "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT={number}",
        ("chronopost",),
    ),
    Carrier(
        "dhl",
        "DHL",
        "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}",
        ("dhl", "dhl express", "dhl parcel"),
    ),
    Carrier("ups", "UPS", "https://www.ups.com/track?tracknum={number}", ("ups", "ups express", "ups standard")),
    Carrier("dpd", "DPD", "https://tracking.dpd.de/status/en_US/parcel/{number}", ("dpd", "dpd predict")),
    Carrier("gls", "GLS", "https://gls-group.com/track/{number}", ("gls",)),
    Carrier("fedex", "FedEx", "https://www.fedex.com/fedextrack/?trknbr={number}", ("fedex", "tnt")),
    Carrier(
        "mondial_relay",
        "Mondial Relay",
        "https://www.mondialrelay.fr/suivi-de-colis/?NumeroExpedition={number}",
        ("mondial relay", "mondialrelay", "inpost"),
    ),
    Carrier(
        "colis_prive",
        "Colis Privé",
        "https://www.colisprive.com/moncolis/pages/detailColis.aspx?numColis={number}",
        ("colis prive", "colis privé"),
    ),
    Carrier("postnl", "PostNL", "https://postnl.nl/tracktrace/?B={number}", ("postnl",)),
)

BY_CODE = {carrier.code: carrier for carrier in CARRIERS}


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.casefold().replace("é", "e"))


_BY_KEY = {_key(alias): carrier for carrier in CARRIERS for alias in (carrier.code, carrier.name, *carrier.aliases)}


def carrier_for_name(name: str) -> Carrier | None:
    """The listed carrier a stored carrier name designates (its name, code or an alias, ignoring case, spaces and
    punctuation); None for a name typed freely."""
    return _BY_KEY.get(_key(name or ""))


def tracking_url(carrier_name: str, tracking_number: str) -> str | None:
    """The public page following this parcel, or None (no number, or a carrier not in the list)."""
    carrier = carrier_for_name(carrier_name)
    if carrier is None or not (tracking_number or "").strip():
        return None
    return carrier.url_pattern.format(number=quote(tracking_number.strip(), safe=""))

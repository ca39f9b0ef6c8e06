"""A search document's per-destination entries (`SearchDocument.delivery`), stored compactly. Pure (no Django).

The index prices a product for every destination (docs/SEARCH.md, "Prices at the destination"): country -> [lowest
landed price, business days, seller], "*" for every country no named entry covers, `[]` for a country where no offer
may be sold. With VAT, most EU countries often share one entry (a seller under the distance-sales threshold charges its
home VAT everywhere in the EU), and the map then held ~30 identical entries: on SQLite every query's `json_extract`
parses the whole map of each of its (up to 500) candidates, so the map's size was a cost of every query.

`delivery_compact` folds the members of a VAT area of several countries (the EU; Switzerland with Liechtenstein) that
share an entry into one area entry, "@EU": a country is looked up as itself, then its area's entry, then "*"
(`delivery_keys`), and the compact map gives every country exactly the entry the full map gave it
(`delivery_entry(compact, c) == delivery_entry(full, c)`, tested over random maps).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from comptoir.taxes.domain.jurisdictions import EU_MEMBER_STATES, SWITZERLAND_AREA, vat_area

ANYWHERE = "*"
AREA_PREFIX = "@"
# VAT areas of several countries, whose members may share one entry.
SHARED_AREAS: dict[str, frozenset[str]] = {"EU": frozenset(EU_MEMBER_STATES), "CH": SWITZERLAND_AREA}

Entry = list  # [landed, business days, seller id], or [] where nothing may be sold


def delivery_keys(country: str) -> tuple[str, ...]:
    """The keys a destination is looked up under, most specific first."""
    area = vat_area(country)
    if area in SHARED_AREAS:
        return (country, AREA_PREFIX + area, ANYWHERE)
    return (country, ANYWHERE)


def delivery_entry(delivery: Mapping[str, Entry], country: str) -> Entry | None:
    """The entry of `country` (None: no offer reaches it; `[]`: none may be sold there)."""
    for key in delivery_keys(country):
        if key in delivery:
            return delivery[key]
    return None


def delivery_compact(delivery: Mapping[str, Entry]) -> dict[str, Entry]:
    """The same entries with each shared area's most common one stored once under "@<area>" (its members holding it
    dropped, the others given their own), when that leaves fewer keys; otherwise the map as it is."""
    result = dict(delivery)
    for area, members in SHARED_AREAS.items():
        resolved = {country: delivery_entry(result, country) for country in sorted(members)}
        counts = Counter(_frozen(entry) for entry in resolved.values())
        # The most common entry (ties: the smallest, so the choice does not depend on dict order).
        default, _count = min(counts.items(), key=lambda item: (-item[1], repr(item[0])))
        area_entry: Entry = [] if default is None else list(default)
        candidate = {key: value for key, value in result.items() if not (key in members and _frozen(value) == default)}
        for country, entry in resolved.items():
            if country not in candidate and _frozen(entry) != default:
                candidate[country] = [] if entry is None else entry
        candidate[AREA_PREFIX + area] = area_entry
        if len(candidate) < len(result):
            result = candidate
    return result


def _frozen(entry: Entry | None) -> tuple | None:
    """A hashable form; an empty entry and no entry mean the same to a buyer (nothing to show) and compare equal."""
    return tuple(entry) if entry else None

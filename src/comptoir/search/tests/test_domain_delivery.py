"""The compact destination map (search.domain.delivery): every country keeps exactly its entry; shared entries of a
VAT area are stored once."""

import json
import random

from comptoir.search.domain.delivery import SHARED_AREAS, delivery_compact, delivery_entry, delivery_keys

EU = sorted(SHARED_AREAS["EU"])
SOME_OTHERS = ["GB", "CH", "LI", "US", "NO", "JP"]


def same(first, second) -> bool:
    """An empty entry and no entry mean the same thing to a buyer: nothing is shown."""
    return (first or None) == (second or None)


def test_a_seller_under_the_threshold_needs_one_entry_for_the_whole_eu():
    everywhere_home_vat = [5392, 5, 1]
    full = {"*": [4456, 5, 1], "GB": [5347, 5, 1], "CH": [4817, 5, 1]}
    full.update(dict.fromkeys(EU, everywhere_home_vat))

    compact = delivery_compact(full)

    assert compact == {"*": [4456, 5, 1], "GB": [5347, 5, 1], "CH": [4817, 5, 1], "@EU": everywhere_home_vat}
    assert len(json.dumps(compact)) * 5 < len(json.dumps(full))
    assert delivery_entry(compact, "DE") == everywhere_home_vat
    assert delivery_entry(compact, "US") == [4456, 5, 1]


def test_members_that_fell_back_to_anywhere_keep_their_entry_when_the_area_gets_one():
    # Shipped by named zones to 20 EU countries at one price; the other 7 are reached only by the "*" zone.
    full = {"*": [900, 9, 2], **{key: [500, 3, 1] for key in EU[:20]}}

    compact = delivery_compact(full)

    assert compact["@EU"] == [500, 3, 1]
    assert all(compact[country] == [900, 9, 2] for country in EU[20:])
    assert all(same(delivery_entry(compact, country), delivery_entry(full, country)) for country in EU)


def test_a_map_that_would_grow_is_left_as_it_is():
    # Two named countries and no "*": folding would add "@EU": [] for the 25 unreachable ones.
    full = {"FR": [500, 3, 1], "DE": [600, 3, 1]}

    assert delivery_compact(full) == full
    assert delivery_entry(full, "IT") is None


def test_a_country_where_nothing_may_be_sold_stays_empty():
    full = {"*": [900, 9, 2], **{key: [500, 3, 1] for key in EU}, "DE": []}

    compact = delivery_compact(full)

    assert compact["DE"] == [] and delivery_entry(compact, "DE") == []


def test_the_keys_are_the_country_its_shared_area_then_anywhere():
    assert delivery_keys("FR") == ("FR", "@EU", "*")
    assert delivery_keys("LI") == ("LI", "@CH", "*")
    assert delivery_keys("GB") == ("GB", "*")
    assert delivery_keys("US") == ("US", "*")


def test_every_country_gets_the_entry_of_the_full_map_over_random_maps():
    generator = random.Random(12)
    entries = [[500, 3, 1], [510, 3, 2], [900, 9, 2], []]
    for _ in range(400):
        countries = generator.sample(EU + SOME_OTHERS, generator.randint(0, len(EU) + len(SOME_OTHERS)))
        full = {country: generator.choice(entries) for country in countries}
        if generator.random() < 0.6:
            full["*"] = generator.choice(entries[:3])

        compact = delivery_compact(full)

        assert len(compact) <= len(full)
        for country in [*EU, *SOME_OTHERS, "ZZ"]:
            assert same(delivery_entry(compact, country), delivery_entry(full, country)), (full, compact, country)

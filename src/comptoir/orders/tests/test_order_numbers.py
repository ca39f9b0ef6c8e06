"""Order numbers: `CO-` and ten Crockford base32 characters, drawn from the system's random source."""

import random
import re

from comptoir.orders.services.numbers import new_order_number, order_numbers_from

NUMBER = re.compile(r"CO-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{10}")


def test_numbers_are_ten_crockford_characters_and_every_character_is_drawn():
    numbers = [new_order_number() for _ in range(2000)]

    assert all(NUMBER.fullmatch(number) for number in numbers)
    assert len(set(numbers)) == len(numbers)
    for position in range(3, 13):  # each position takes every one of the 32 characters (2000 draws: ≈ certain)
        assert len({number[position] for number in numbers}) == 32


def test_a_seeded_source_gives_the_same_numbers_as_before():
    with order_numbers_from(random.Random(7)):
        drawn = [new_order_number() for _ in range(3)]
    rng = random.Random(7)
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    assert drawn == ["CO-" + "".join(rng.choice(alphabet) for _ in range(10)) for _ in range(3)]

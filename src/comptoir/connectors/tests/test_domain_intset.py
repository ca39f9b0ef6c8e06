import random

from comptoir.connectors.domain.report import IntSet


def test_the_flat_integer_set_holds_what_a_set_holds_through_growth_collisions_zero_and_negative_keys():
    generator = random.Random(13)
    keys = [generator.randint(-(2**63), 2**63 - 1) for _ in range(5000)]
    keys += [0, 1, -1, 1024, 2048, 3072, 2**63 - 1, -(2**63)]  # 1024, 2048, 3072 share a slot in the first table
    flat: IntSet = IntSet()
    reference: set[int] = set()
    for key in keys + keys[:100]:  # some twice
        assert (key in flat) == (key in reference)
        flat.add(key)
        reference.add(key)
        assert key in flat
    assert len(flat) == len(reference)
    assert all(key in flat for key in reference)
    assert not any(generator.randint(1, 2**62) in flat for _ in range(1000))

"""Order numbers: `CO-` and ten Crockford base32 characters."""

from __future__ import annotations

import contextlib
import random
import secrets
import threading
from collections.abc import Iterator

_NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U

_number_source = threading.local()


def new_order_number() -> str:
    # 50 random bits: collisions are negligible (and the unique constraint would refuse one).
    rng = getattr(_number_source, "rng", None)
    if rng is not None:
        return "CO-" + "".join(rng.choice(_NUMBER_ALPHABET) for _ in range(10))
    # One draw of 50 bits from the system's random source, five bits a character (the alphabet has 32): the same
    # uniform, independent characters as ten `secrets.choice`, at one read of the source instead of ten.
    bits = secrets.randbits(50)
    return "CO-" + "".join(_NUMBER_ALPHABET[(bits >> shift) & 31] for shift in range(45, -1, -5))


@contextlib.contextmanager
def order_numbers_from(rng: random.Random) -> Iterator[None]:
    """Draw order numbers from `rng` in this thread, for reproducible seeded data (the demo). Never for real
    traffic."""
    previous = getattr(_number_source, "rng", None)
    _number_source.rng = rng
    try:
        yield
    finally:
        _number_source.rng = previous

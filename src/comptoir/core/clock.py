"""The one source of "now" for business rules, so that tests and the demo seeder can move time."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading

from django.utils import timezone

_state = threading.local()


def now() -> dt.datetime:
    frozen = getattr(_state, "frozen", None)
    return frozen if frozen is not None else timezone.now()


@contextlib.contextmanager
def frozen_at(moment: dt.datetime):
    """Make now() return `moment` in this thread for the duration of the block."""
    previous = getattr(_state, "frozen", None)
    _state.frozen = moment
    try:
        yield
    finally:
        _state.frozen = previous

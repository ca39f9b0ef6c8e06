"""Givens for trust service tests: run the on-commit trust tasks inside a frozen clock, step by step."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.test import TestCase

from comptoir.core import clock

T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


@contextlib.contextmanager
def at(moment: dt.datetime):
    """Freeze the clock at `moment` and run every on-commit callback (the trust tasks) before leaving, still frozen."""
    with clock.frozen_at(moment), TestCase.captureOnCommitCallbacks(execute=True):
        yield

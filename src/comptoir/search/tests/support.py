"""Test helpers for search: the index follows writes on commit, and tests run inside a transaction that never
commits."""

from __future__ import annotations

from django.test import TestCase


def committed():
    """Run the on-commit callbacks registered inside the block when it ends, as the commit of the writer's transaction
    would (the index's reindexing tasks among them); callbacks of a block that raises are not run."""
    return TestCase.captureOnCommitCallbacks(execute=True)

"""Running calls at the same moment on separate database connections (the concurrency tests on PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def run_together(*calls: Callable[[], Any]) -> tuple[list[Any], list[Exception]]:
    """Start every call in its own thread at once (a barrier), each on its own connection; returns the results and
    the exceptions raised (a thread never swallows a failure: the caller asserts on them)."""
    start = threading.Barrier(len(calls))
    errors: list[Exception] = []
    results: list[Any] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            start.wait(timeout=10)
            results.append(call())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors

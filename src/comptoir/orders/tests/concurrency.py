"""Run callables at the same instant in real threads, each with its own database connection."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db import connection


@dataclass
class Outcome:
    index: int
    value: object = None
    error: BaseException | None = None


def run_concurrently(count: int, work, *, timeout: float = 120) -> list[Outcome]:
    """Start `count` threads that call work(index) together (a barrier releases them at once).

    Every thread closes its own connection at the end, as a request would. Returns one Outcome per
    thread; fails if any thread is still running after `timeout` seconds (a deadlock or a lost wake-up)."""
    barrier = threading.Barrier(count)
    outcomes = [Outcome(index) for index in range(count)]

    def worker(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index].value = work(index)
        except BaseException as error:
            outcomes[index].error = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,), name=f"race-{index}") for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, f"threads still running after {timeout}s: {stuck}"
    return outcomes

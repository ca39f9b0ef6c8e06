"""How far a running import is. The commit is one transaction, so its progress cannot be read from its own rows
before it ends: it goes to the cache (shared by every process when the cache is Redis or files; the in-memory default
cache only serves a worker running in the web process, the `immediate` task backend)."""

from __future__ import annotations

from django.core.cache import cache

TIMEOUT_SECONDS = 24 * 3600


def _key(job_id: int) -> str:
    return f"connectors:import:{job_id}:done"


def progress_set(job_id: int, done: int) -> None:
    cache.set(_key(job_id), done, TIMEOUT_SECONDS)


def progress_get(job_id: int) -> int | None:
    value = cache.get(_key(job_id))
    return int(value) if value is not None else None

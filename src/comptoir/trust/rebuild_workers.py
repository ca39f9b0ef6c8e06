"""What the worker processes of `trust.rebuild` run. A spawned worker imports this module before Django is set up,
so it imports nothing of Django's models at module level: `setup` configures Django with the parent's database
settings first, the tasks import the rebuild when they run.

Each worker is its own one-process executor, so the state below lives from one step of a rebuild to the next: the
groups it prepared (step 1, while the parent analyses credibility), then the horizon's days of the sellers whose
groups it finished (step 2), from which it scores them (step 3, while the parent writes the buckets) without reading
the buckets back, then the scores it stores once the buckets are committed (step 4)."""

from __future__ import annotations

import datetime as dt
import gc
import os

_prepared: dict = {}  # group index -> rebuild.PreparedGroup
_days: dict = {}  # seller id -> [DayEvidence, ...] of the score horizon, from the buckets this worker built
_scores: list = []  # services.ChunkScores computed by `precompute`, stored by `store`


def setup(settings_module: str, databases: dict) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    gc.disable()  # a dedicated process holding millions of small objects without cycles (see rebuild.trust_rebuild)
    import django
    from django.conf import settings
    from django.db import connections
    from django.db.backends.signals import connection_created

    django.setup()
    for alias, values in databases.items():
        # The parent's connection settings, test database names included (a test run renames its databases at run time).
        settings.DATABASES[alias] = values
        connections[alias].settings_dict = values
    connection_created.connect(_sqlite_reads_mapped)


def _sqlite_reads_mapped(sender, connection, **kwargs) -> None:
    """A worker reads much of a SQLite file (every event of its sellers): through a memory map rather than a read
    system call per page (its default 2 MB page cache holds little of it)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA mmap_size = 1073741824")  # bytes: 1 GiB of the file mapped, read only as touched


def prepare(groups: list[tuple[int, list[int]]], limits: tuple[int, int, int], config: dict) -> int:
    """Step 1: read these groups up to their reviews (`rebuild.group_prepare`) and keep them. Returns the orders kept
    waiting for their reviews."""
    from comptoir.trust.rebuild import group_prepare

    _prepared.clear()
    _days.clear()
    _scores.clear()
    for index, seller_ids in groups:
        _prepared[index] = group_prepare(seller_ids, limits, config=config)
    return sum(len(group.pending) for group in _prepared.values())


def finish(
    index: int, limits: tuple[int, int, int], config: dict, today: dt.date, suspect_mark: int = 0
) -> list[tuple] | str:
    """Step 2: finish a prepared group with its reviews; its buckets ready to write (`rebuild.bucket_rows`), which the
    parent writes in its transaction. Keeps the horizon's days of the group's sellers for step 3."""
    from django.db import connections, router

    from comptoir.trust.domain.evidence import day_evidence_from_mapping
    from comptoir.trust.domain.score import horizon_start
    from comptoir.trust.models import SellerDailyStats
    from comptoir.trust.rebuild import bucket_rows, group_finish

    group = _prepared.pop(index)
    ordered = group_finish(group, limits, config=config, suspect_mark=suspect_mark)
    since = horizon_start(today, config)
    for seller_id in group.seller_ids:
        _days[seller_id] = []
    for (seller_id, day), values in ordered:  # in (seller, day) order, as the recompute reads them
        if since <= day <= today:
            _days[seller_id].append(day_evidence_from_mapping(day, values))
    return bucket_rows(connections[router.db_for_write(SellerDailyStats)], ordered)


def totals(today: dt.date, config: dict) -> dict:
    """Step 2½, queued after this worker's last `finish`: seller id -> the rate totals of the days it kept
    (`score.rate_totals`), for the parent's estimate of the prior strengths."""
    from comptoir.trust.services.priors import seller_rate_totals

    return seller_rate_totals(_days, today=today, config=config)


def precompute(more_seller_ids: list[int], today: dt.date, config: dict | None = None) -> int:
    """Step 3, queued after this worker's last `finish`: score the sellers of its groups from the days it kept, and
    `more_seller_ids` (sellers without orders, so without buckets), without locking anything, while the parent is still
    writing the buckets (`services.trust_scores_precompute`), with `config` (the parent's, with the prior strengths it
    estimated). Returns the number of sellers scored or deferred."""
    from comptoir.trust.services import trust_scores_precompute

    known = dict(_days)
    known.update((seller_id, []) for seller_id in more_seller_ids)
    _days.clear()
    _scores[:] = trust_scores_precompute(today=today, seller_ids=sorted(known), known_days=known, config=config)
    return len(known)


def store(today: dt.date, applied_mark: int, config: dict | None = None) -> int:
    """Step 4, once the buckets are committed: store the scores of step 3, chunk by chunk in transactions of this
    worker's own, recomputing under lock whatever changed meanwhile (`services.trust_scores_store`) with `config` (the
    parent's, with its prior strengths)."""
    from comptoir.trust.services import trust_scores_store

    chunks = list(_scores)
    _scores.clear()
    return trust_scores_store(chunks=chunks, today=today, applied_mark=applied_mark, config=config)

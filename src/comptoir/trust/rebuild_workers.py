"""What the worker processes of `trust.rebuild` run. A spawned worker imports this module before Django is set up,
so it imports nothing of Django's models at module level: `setup` configures Django with the parent's database
settings first, the tasks import the rebuild when they run."""

from __future__ import annotations

import datetime as dt
import os


def setup(settings_module: str, databases: dict) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django
    from django.conf import settings
    from django.db import connections

    django.setup()
    for alias, values in databases.items():
        # The parent's connection settings, test database names included (a test run renames its databases at run time).
        settings.DATABASES[alias] = values
        connections[alias].settings_dict = values


def group_rows(seller_ids: list[int], limits: tuple[int, int, int], config: dict) -> list[tuple] | str:
    """These sellers' buckets ready to write (`rebuild.bucket_rows`); the parent writes them in its transaction."""
    from django.db import connections, router

    from comptoir.trust.models import SellerDailyStats
    from comptoir.trust.rebuild import bucket_rows, group_buckets

    connection = connections[router.db_for_write(SellerDailyStats)]
    return bucket_rows(connection, group_buckets(seller_ids, limits, config=config))


def recompute(seller_ids: list[int], today: dt.date) -> int:
    """Recompute these sellers' trust, chunk by chunk in transactions of this worker's own."""
    from comptoir.trust.services import trust_recompute_all

    return trust_recompute_all(today=today, seller_ids=seller_ids, refresh_listing=True)

import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are deselected (not skipped) on SQLite; CI runs them in its PostgreSQL pass."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker("postgres_only") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture
def operator():
    """An operator (staff, superuser) with no session yet."""
    from comptoir.testing.builders import make_operator

    return make_operator()


@pytest.fixture
def console(client, operator):
    """The test client logged in as `operator` with a verified second factor: the operator console and the admin."""
    from comptoir.testing.auth import force_login_verified

    force_login_verified(client, operator)
    return client

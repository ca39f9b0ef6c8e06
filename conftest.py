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


# --- Faster flush between transactional tests -------------------------------------------------------------------
# A transactional test (live server, concurrency on PostgreSQL) ends with Django's `flush`: one TRUNCATE of all 70-odd
# tables, then the post_migrate signal re-creating every content type and permission. On PostgreSQL the TRUNCATE
# alone takes 0.5-4 s (it replaces each table's and index's files); with about 300 such tests that was minutes of
# CI. Deleting the rows of the (small) tables in one transaction, with the foreign keys checked at commit, leaves
# the database in the same state in milliseconds: every model table empty, except the content types and
# permissions that post_migrate would re-create identically, which are kept. Sequences are not reset (as Django's
# flush here does not reset them either). The SQLite full-text tables (search_fts_<language>, not model tables) are
# emptied too, as search's post_migrate handler does after a flush.
_KEPT_TABLES = {"django_content_type", "auth_permission"}
_flush_tables: dict[str, list[str]] = {}


def _fast_fixture_teardown(self):
    from django.db import connections, transaction

    if self.available_apps is not None or self.serialized_rollback:
        return _django_fixture_teardown(self)
    for db_name in self._databases_names(include_mirrors=False):
        connection = connections[db_name]
        key = f"{db_name}:{connection.settings_dict['NAME']}"
        if key not in _flush_tables:
            names = connection.introspection.django_table_names(only_existing=True, include_views=False)
            tables = sorted(name for name in names if name not in _KEPT_TABLES)
            if connection.vendor == "sqlite":
                # One FTS5 table per language (search_fts_en, …), not their shadow tables (search_fts_en_data, …).
                tables += sorted(
                    name
                    for name in connection.introspection.table_names()
                    if name.startswith("search_fts_") and name.count("_") == 2
                )
            _flush_tables[key] = tables
        quote = connection.ops.quote_name
        with transaction.atomic(using=db_name), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            elif connection.vendor == "sqlite":
                cursor.execute("PRAGMA defer_foreign_keys = ON")
            for table in _flush_tables[key]:
                cursor.execute(f"DELETE FROM {quote(table)}")


def _install_fast_flush():
    from django.test import testcases

    global _django_fixture_teardown
    _django_fixture_teardown = testcases.TransactionTestCase._fixture_teardown
    testcases.TransactionTestCase._fixture_teardown = _fast_fixture_teardown


_install_fast_flush()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language: a test (or a request handled in its thread) that activated another
    language must not change what the next test in the same worker reads."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_reference_rates():
    """Every test reads the reference rates its own database holds: a table cached by an earlier test in the same
    worker (whose import was rolled back with its transaction) must not convert this test's prices."""
    from comptoir.currencies.selectors import rates_cache_clear

    rates_cache_clear()
    yield
    rates_cache_clear()


@pytest.fixture(autouse=True)
def _trust_prior_estimate_forgotten():
    """The trust prior estimate is cached per process (trust.services.priors): a test's rolled-back estimate must not
    outlive it."""
    yield
    from comptoir.trust.services.priors import prior_estimate_forget

    prior_estimate_forget()

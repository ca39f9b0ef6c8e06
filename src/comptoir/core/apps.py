from django.apps import AppConfig

# psycopg keeps the parse of a statement (its `%s` placeholders turned into `$n`) in a 128-entry cache, but skips
# that cache for a statement with more than 50 parameters, a guard against ORMs' bulk INSERTs of varying row counts
# filling it. The checkout's fixed multi-table statements (core.db.insert_chain: the order, its seller orders,
# lines and events) carry 68 to 200 parameters in a handful of shapes, so every checkout re-parsed a 2 KB
# statement in Python. The length limit (4 KB) still keeps ORM-generated bulk statements out of the cache.
PSYCOPG_CACHED_STATEMENT_PARAMS = 250


def psycopg_statement_cache_widen() -> None:
    """Let psycopg cache the parse of statements with up to PSYCOPG_CACHED_STATEMENT_PARAMS parameters."""
    try:
        from psycopg import _queries
    except ImportError:  # SQLite-only installations
        return
    current = getattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", None)
    if current is not None:
        _queries.MAX_CACHED_STATEMENT_PARAMS = max(current, PSYCOPG_CACHED_STATEMENT_PARAMS)


class CoreConfig(AppConfig):
    name = "comptoir.core"
    label = "core"
    verbose_name = "Comptoir core"

    def ready(self) -> None:
        psycopg_statement_cache_widen()

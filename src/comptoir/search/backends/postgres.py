"""PostgreSQL full text: the narrow search_searchtext table holds one row per document and language (id, language,
category, `search_vector` tsvector), built with setweight (title A, brand B, attributes and categories C, description
D) over the language's text search configuration (`german`, `french`, …, `simple` for a language without one) applied
to the folded words without stop words that `search.domain.text` produced; one partial GIN index per language.
Relevance is ts_rank_cd."""

from __future__ import annotations

from django.db import connection

from comptoir.search.backends.base import IndexedText, checked_language
from comptoir.search.domain.text import ParsedQuery, configuration

# Run by migration 0005 (after Django created search_searchtext from the SearchText model).
INDEX_LANGUAGES = ("en", "fr", "de", "es", "it")


def create_sql(languages=INDEX_LANGUAGES) -> tuple[str, ...]:
    return (
        "ALTER TABLE search_searchtext ADD COLUMN IF NOT EXISTS search_vector tsvector NOT NULL DEFAULT ''::tsvector",
        *(
            f"CREATE INDEX IF NOT EXISTS search_text_vector_{checked_language(language)} ON search_searchtext "
            f"USING GIN (search_vector) WHERE language = '{language}'"
            for language in languages
        ),
    )


def drop_sql(languages=INDEX_LANGUAGES) -> tuple[str, ...]:
    return (
        *(f"DROP INDEX IF EXISTS search_text_vector_{checked_language(language)}" for language in languages),
        "ALTER TABLE search_searchtext DROP COLUMN IF EXISTS search_vector",
    )


VECTOR_SQL = (
    "setweight(to_tsvector(v.config::regconfig, v.title), 'A') || "
    "setweight(to_tsvector(v.config::regconfig, v.brand), 'B') || "
    "setweight(to_tsvector(v.config::regconfig, v.extra), 'C') || "
    "setweight(to_tsvector(v.config::regconfig, v.body), 'D')"
)
BATCH = 500


def tsquery_expression(query: ParsedQuery) -> str:
    """to_tsquery text: every folded word AND-ed (the configuration stems them), the last with `:*` when it is a prefix
    (words are letters and digits only)."""
    parts = list(query.words or query.terms)
    if query.last_is_prefix:
        parts[-1] += ":*"
    return " & ".join(parts)


class PostgresBackend:
    name = "postgresql-tsvector"

    def replace(self, documents: list[tuple[int, IndexedText]]) -> None:
        with connection.cursor() as cursor:
            for start in range(0, len(documents), BATCH):
                chunk = documents[start : start + BATCH]
                values = ", ".join(
                    ["(%s::bigint, %s::text, %s::text, %s::text, %s::text, %s::text, %s::text)"] * len(chunk)
                )
                params = [
                    item
                    for document_id, text in chunk
                    for item in (
                        document_id,
                        checked_language(text.language),
                        configuration(text.language),
                        text.title,
                        text.brand,
                        text.extra,
                        text.body,
                    )
                ]
                # The category is copied from the document (which must exist) so a scoped match never touches the
                # wide row.
                cursor.execute(
                    "INSERT INTO search_searchtext (product_id, language, category_id, search_vector) "
                    f"SELECT d.product_id, v.language, d.category_id, {VECTOR_SQL} "
                    f"FROM (VALUES {values}) AS v(id, language, config, title, brand, extra, body) "
                    "JOIN search_searchdocument d ON d.product_id = v.id "
                    "ON CONFLICT (product_id, language) DO UPDATE "
                    "SET category_id = EXCLUDED.category_id, search_vector = EXCLUDED.search_vector",
                    params,
                )

    def remove(self, document_ids: list[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_searchtext WHERE product_id = ANY(%s)", [list(document_ids)])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_searchtext")

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument")
            cursor.execute("ANALYZE search_searchtext")

    def match_sql(self, query: ParsedQuery, *, scope_ids: list[int] | None, limit: int) -> tuple[str, list]:
        language = checked_language(query.language)
        params: list = [tsquery_expression(query)]
        scope = ""
        if scope_ids is not None:
            scope = "AND t.category_id = ANY(%s)"
            params.append(list(scope_ids))
        params.append(limit)
        # The language and its configuration are literals (checked above), so the planner picks the language's
        # partial GIN index even for a prepared statement's generic plan.
        return (
            "SELECT t.product_id AS id, ts_rank_cd(t.search_vector, q) AS relevance "
            f"FROM search_searchtext t, to_tsquery('{configuration(language)}', %s) q "
            f"WHERE t.language = '{language}' AND t.search_vector @@ q {scope} "
            "ORDER BY relevance DESC, t.product_id LIMIT %s",
            params,
        )

    def match(self, query: ParsedQuery, *, scope_ids: list[int] | None, limit: int) -> list[tuple[int, float]]:
        if query.is_empty or (scope_ids is not None and not scope_ids):
            return []
        sql, params = self.match_sql(query, scope_ids=scope_ids, limit=limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(row[0], float(row[1])) for row in cursor.fetchall()]

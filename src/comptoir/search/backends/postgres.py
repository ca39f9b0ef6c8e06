"""PostgreSQL full text: a `search_vector` tsvector column with a GIN index on the narrow search_searchtext table (one
row per document: id, category, vector), built with setweight (title A, brand B, attributes and categories C,
description D) over the 'simple' configuration of the already stemmed and accent-folded text, so that matching is
exactly the SQLite backend's; relevance is ts_rank_cd."""

from __future__ import annotations

from django.db import connection

from comptoir.search.backends.base import IndexedText
from comptoir.search.domain.text import ParsedQuery

# Run by migration 0002 (after Django created search_searchtext from the SearchText model).
CREATE_SQL = (
    "ALTER TABLE search_searchtext ADD COLUMN IF NOT EXISTS search_vector tsvector NOT NULL DEFAULT ''::tsvector",
    "CREATE INDEX IF NOT EXISTS search_text_vector_gin ON search_searchtext USING GIN (search_vector)",
)
DROP_SQL = (
    "DROP INDEX IF EXISTS search_text_vector_gin",
    "ALTER TABLE search_searchtext DROP COLUMN IF EXISTS search_vector",
)
VECTOR_SQL = (
    "setweight(to_tsvector('simple', v.title), 'A') || setweight(to_tsvector('simple', v.brand), 'B') || "
    "setweight(to_tsvector('simple', v.extra), 'C') || setweight(to_tsvector('simple', v.body), 'D')"
)
BATCH = 500


def tsquery_expression(query: ParsedQuery) -> str:
    """to_tsquery text: every stem AND-ed, the last with `:*` when it is a prefix (stems are letters and digits
    only)."""
    parts = list(query.terms)
    if query.last_is_prefix:
        parts[-1] += ":*"
    return " & ".join(parts)


class PostgresBackend:
    name = "postgresql-tsvector"

    def replace(self, documents: list[tuple[int, IndexedText]]) -> None:
        with connection.cursor() as cursor:
            for start in range(0, len(documents), BATCH):
                chunk = documents[start : start + BATCH]
                values = ", ".join(["(%s::bigint, %s::text, %s::text, %s::text, %s::text)"] * len(chunk))
                params = [
                    item
                    for document_id, text in chunk
                    for item in (document_id, text.title, text.brand, text.extra, text.body)
                ]
                # The category is copied from the document (which must exist) so a scoped match never touches the
                # wide row.
                cursor.execute(
                    "INSERT INTO search_searchtext (product_id, category_id, search_vector) "
                    f"SELECT d.product_id, d.category_id, {VECTOR_SQL} "
                    f"FROM (VALUES {values}) AS v(id, title, brand, extra, body) "
                    "JOIN search_searchdocument d ON d.product_id = v.id "
                    "ON CONFLICT (product_id) DO UPDATE "
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
        params: list = [tsquery_expression(query)]
        scope = ""
        if scope_ids is not None:
            scope = "AND t.category_id = ANY(%s)"
            params.append(list(scope_ids))
        params.append(limit)
        return (
            "SELECT t.product_id AS id, ts_rank_cd(t.search_vector, q) AS relevance "
            "FROM search_searchtext t, to_tsquery('simple', %s) q "
            f"WHERE t.search_vector @@ q {scope} ORDER BY relevance DESC, t.product_id LIMIT %s",
            params,
        )

    def match(self, query: ParsedQuery, *, scope_ids: list[int] | None, limit: int) -> list[tuple[int, float]]:
        if query.is_empty or (scope_ids is not None and not scope_ids):
            return []
        sql, params = self.match_sql(query, scope_ids=scope_ids, limit=limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(row[0], float(row[1])) for row in cursor.fetchall()]

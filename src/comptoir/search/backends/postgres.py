"""PostgreSQL full text: a `search_vector` tsvector column on search_searchdocument with a GIN index, built with
setweight (title A, brand B, attributes and categories C, description D) over the 'simple' configuration of the
already stemmed and accent-folded text, so that matching is exactly the SQLite backend's; relevance is ts_rank_cd."""

from __future__ import annotations

from django.db import connection

from comptoir.search.backends.base import IndexedText
from comptoir.search.domain.text import ParsedQuery

CREATE_SQL = (
    "ALTER TABLE search_searchdocument ADD COLUMN IF NOT EXISTS search_vector tsvector NOT NULL DEFAULT ''::tsvector",
    "CREATE INDEX IF NOT EXISTS search_document_vector_gin ON search_searchdocument USING GIN (search_vector)",
)
DROP_SQL = (
    "DROP INDEX IF EXISTS search_document_vector_gin",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector",
)
VECTOR_SQL = ("setweight(to_tsvector('simple', v.title), 'A') || setweight(to_tsvector('simple', v.brand), 'B') || "
              "setweight(to_tsvector('simple', v.extra), 'C') || setweight(to_tsvector('simple', v.body), 'D')")
BATCH = 500


def tsquery_expression(query: ParsedQuery) -> str:
    """to_tsquery text: every stem AND-ed, the last with `:*` when it is a prefix (stems are letters and digits only)."""
    parts = list(query.terms)
    if query.last_is_prefix:
        parts[-1] += ":*"
    return " & ".join(parts)


class PostgresBackend:
    name = "postgresql-tsvector"

    def replace(self, documents: list[tuple[int, IndexedText]]) -> None:
        with connection.cursor() as cursor:
            for start in range(0, len(documents), BATCH):
                chunk = documents[start:start + BATCH]
                values = ", ".join(["(%s::bigint, %s::text, %s::text, %s::text, %s::text)"] * len(chunk))
                params = [item for document_id, text in chunk for item in (document_id, text.title, text.brand, text.extra, text.body)]
                cursor.execute(f"UPDATE search_searchdocument AS d SET search_vector = {VECTOR_SQL} "
                               f"FROM (VALUES {values}) AS v(id, title, brand, extra, body) WHERE d.product_id = v.id", params)

    def remove(self, document_ids: list[int]) -> None:
        # The vector lives on the document row: deleting the row removes it.
        return None

    def clear(self) -> None:
        return None

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument")

    def match(self, query: ParsedQuery, *, scope_ids: list[int] | None, limit: int) -> list[tuple[int, float]]:
        if query.is_empty:
            return []
        params: list = [tsquery_expression(query)]
        scope = ""
        if scope_ids is not None:
            if not scope_ids:
                return []
            scope = "AND d.category_id = ANY(%s)"
            params.append(list(scope_ids))
        params.append(limit)
        sql = ("SELECT d.product_id, ts_rank_cd(d.search_vector, q) AS score FROM search_searchdocument d, to_tsquery('simple', %s) q "
               f"WHERE d.search_vector @@ q {scope} ORDER BY score DESC, d.product_id LIMIT %s")
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(row[0], float(row[1])) for row in cursor.fetchall()]

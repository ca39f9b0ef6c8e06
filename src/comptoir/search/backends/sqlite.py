"""SQLite FTS5: a virtual table `search_fts(title, brand, extra, body)` whose rowid is the product id,
tokenizer unicode61 with diacritics removed; relevance is bm25 with per-column weights."""

from __future__ import annotations

from django.db import connection

from comptoir.search.backends.base import IndexedText
from comptoir.search.domain.text import ParsedQuery

CREATE_SQL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title, brand, extra, body, "
    "tokenize = 'unicode61 remove_diacritics 2')"
)
DROP_SQL = "DROP TABLE IF EXISTS search_fts"
BM25_WEIGHTS = (10.0, 6.0, 3.0, 1.0)


def match_expression(query: ParsedQuery) -> str:
    """FTS5 query: every stem as a quoted string (AND), the last with `*` when it is a prefix."""
    parts = [f'"{term}"' for term in query.terms]
    if query.last_is_prefix:
        parts[-1] += "*"
    return " ".join(parts)


class SqliteFts5Backend:
    name = "sqlite-fts5"

    def replace(self, documents: list[tuple[int, IndexedText]]) -> None:
        if not documents:
            return
        with connection.cursor() as cursor:
            self._delete(cursor, [document_id for document_id, _text in documents])
            cursor.executemany(
                "INSERT INTO search_fts(rowid, title, brand, extra, body) VALUES (%s, %s, %s, %s, %s)",
                [(document_id, text.title, text.brand, text.extra, text.body) for document_id, text in documents],
            )

    @staticmethod
    def _delete(cursor, document_ids: list[int]) -> None:
        for start in range(0, len(document_ids), 500):
            chunk = document_ids[start : start + 500]
            cursor.execute(f"DELETE FROM search_fts WHERE rowid IN ({', '.join(['%s'] * len(chunk))})", chunk)

    def remove(self, document_ids: list[int]) -> None:
        with connection.cursor() as cursor:
            self._delete(cursor, list(document_ids))

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")

    def match_sql(self, query: ParsedQuery, *, scope_ids: list[int] | None, limit: int) -> tuple[str, list]:
        weights = ", ".join(str(weight) for weight in BM25_WEIGHTS)
        params: list = [match_expression(query)]
        join, scope = "", ""
        if scope_ids is not None:
            # Join after the match: FTS5 finds the rows, the document's category narrows them.
            join = "JOIN search_searchdocument scope_d ON scope_d.product_id = search_fts.rowid"
            scope = f"AND scope_d.category_id IN ({', '.join(['%s'] * len(scope_ids))})"
            params.extend(scope_ids)
        params.append(limit)
        # bm25() is negative, lower is better: relevance is its opposite.
        return (
            f"SELECT search_fts.rowid AS id, -bm25(search_fts, {weights}) AS relevance FROM search_fts {join} "
            f"WHERE search_fts MATCH %s {scope} ORDER BY bm25(search_fts, {weights}) LIMIT %s",
            params,
        )

    def match(self, query: ParsedQuery, *, scope_ids: list[int] | None, limit: int) -> list[tuple[int, float]]:
        if query.is_empty or (scope_ids is not None and not scope_ids):
            return []
        sql, params = self.match_sql(query, scope_ids=scope_ids, limit=limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(row[0], row[1]) for row in cursor.fetchall()]

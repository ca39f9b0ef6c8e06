"""SQLite FTS5: one virtual table per language, `search_fts_<language>(title, brand, extra, body)`, whose rowid is the
product id, tokenizer unicode61 with diacritics removed; the text is stemmed in Python with the language's Snowball
stemmer (`search.domain.text`); relevance is bm25 with per-column weights."""

from __future__ import annotations

from django.db import connection

from comptoir.search.backends.base import IndexedText, checked_language
from comptoir.search.domain.text import ParsedQuery, stem_words

# Migration search.0005 creates the tables of the site's languages; another language's is created when first indexed.
INDEX_LANGUAGES = ("en", "fr", "de", "es", "it")
BM25_WEIGHTS = (10.0, 6.0, 3.0, 1.0)


def table_name(language: str) -> str:
    return f"search_fts_{checked_language(language)}"


def create_sql(language: str) -> str:
    return (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {table_name(language)} USING fts5(title, brand, extra, body, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )


def match_expression(query: ParsedQuery) -> str:
    """FTS5 query: every stem as a quoted string (AND), the last with `*` when it is a prefix."""
    parts = [f'"{term}"' for term in query.terms]
    if query.last_is_prefix:
        parts[-1] += "*"
    return " ".join(parts)


def _tables(cursor) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'search\\_fts\\_%' ESCAPE '\\'")
    return [row[0] for row in cursor.fetchall() if row[0].count("_") == 2]


class SqliteFts5Backend:
    name = "sqlite-fts5"

    def replace(self, documents: list[tuple[int, IndexedText]]) -> None:
        if not documents:
            return
        by_language: dict[str, list[tuple[int, IndexedText]]] = {}
        for document_id, text in documents:
            by_language.setdefault(text.language, []).append((document_id, text))
        with connection.cursor() as cursor:
            existing = set(_tables(cursor))
            for language, items in by_language.items():
                table = table_name(language)
                if table not in existing:
                    cursor.execute(create_sql(language))
                self._delete(cursor, table, [document_id for document_id, _text in items])
                cursor.executemany(
                    f"INSERT INTO {table}(rowid, title, brand, extra, body) VALUES (%s, %s, %s, %s, %s)",
                    [
                        (
                            document_id,
                            stem_words(text.title, language),
                            stem_words(text.brand, language),
                            stem_words(text.extra, language),
                            stem_words(text.body, language),
                        )
                        for document_id, text in items
                    ],
                )

    @staticmethod
    def _delete(cursor, table: str, document_ids: list[int]) -> None:
        for start in range(0, len(document_ids), 500):
            chunk = document_ids[start : start + 500]
            cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({', '.join(['%s'] * len(chunk))})", chunk)

    def remove(self, document_ids: list[int]) -> None:
        with connection.cursor() as cursor:
            for table in _tables(cursor):
                self._delete(cursor, table, list(document_ids))

    def clear(self) -> None:
        with connection.cursor() as cursor:
            for table in _tables(cursor):
                cursor.execute(f"DELETE FROM {table}")

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            for table in _tables(cursor):
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")

    def match_sql(self, query: ParsedQuery, *, scope_ids: list[int] | None, limit: int) -> tuple[str, list]:
        weights = ", ".join(str(weight) for weight in BM25_WEIGHTS)
        table = table_name(query.language)
        params: list = [match_expression(query)]
        join, scope = "", ""
        if scope_ids is not None:
            # Join after the match: FTS5 finds the rows, the document's category narrows them.
            join = f"JOIN search_searchdocument scope_d ON scope_d.product_id = {table}.rowid"
            scope = f"AND scope_d.category_id IN ({', '.join(['%s'] * len(scope_ids))})"
            params.extend(scope_ids)
        params.append(limit)
        # bm25() is negative, lower is better: relevance is its opposite.
        return (
            f"SELECT {table}.rowid AS id, -bm25({table}, {weights}) AS relevance FROM {table} {join} "
            f"WHERE {table} MATCH %s {scope} ORDER BY bm25({table}, {weights}) LIMIT %s",
            params,
        )

    def match(self, query: ParsedQuery, *, scope_ids: list[int] | None, limit: int) -> list[tuple[int, float]]:
        if query.is_empty or (scope_ids is not None and not scope_ids):
            return []
        sql, params = self.match_sql(query, scope_ids=scope_ids, limit=limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(row[0], row[1]) for row in cursor.fetchall()]

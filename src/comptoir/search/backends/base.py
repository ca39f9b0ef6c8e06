"""The interface every full-text backend implements. It knows documents by integer id and texts already reduced by
`search.domain.text.index_words` (folded words without stop words, separated by spaces) in one language each, nothing
of products or offers. Each document has one entry per language (docs/SEARCH.md, "Languages"); the backend stems the
words with the language's Snowball stemmer (SQLite, in Python) or configuration (PostgreSQL)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from comptoir.search.domain.text import ParsedQuery

# Relative importance of the fields, shared by both backends (FTS5 bm25 column weights; PostgreSQL labels A–D).
FIELDS = ("title", "brand", "extra", "body")


LANGUAGE_CODE = re.compile(r"[a-z]{2,8}")


def checked_language(language: str) -> str:
    """A language code safe to put in a table name or SQL literal ("de"); raises ValueError otherwise."""
    if not LANGUAGE_CODE.fullmatch(language or ""):
        raise ValueError(f"Not a language code: {language!r}")
    return language


@dataclass(frozen=True)
class IndexedText:
    title: str  # folded words of the title, stop words dropped (`index_words`)
    brand: str
    extra: str  # attribute and option values, category names
    body: str  # description
    language: str = "en"  # the index entry this text is (the language a buyer searches in)


class SearchBackend(Protocol):
    name: str

    def replace(self, documents: list[tuple[int, IndexedText]]) -> None:
        """Insert or replace the texts of these documents (their rows in the document table must exist on
        PostgreSQL)."""

    def remove(self, document_ids: list[int]) -> None:
        """Remove every language's entry of these documents."""

    def clear(self) -> None: ...

    def match_sql(self, query: ParsedQuery, *, scope_ids: list[int] | None, limit: int) -> tuple[str, list]:
        """`match` as one SQL statement (columns: id, relevance) over the entries of `query.language`, for the selector
        to join with the documents in a single round trip. Only called with a non-empty query and, when given, a
        non-empty scope."""

    def match(self, query: ParsedQuery, *, scope_ids: list[int] | None, limit: int) -> list[tuple[int, float]]:
        """Up to `limit` (document id, relevance) containing every term (the last as a prefix when the query says so),
        best first; relevance is positive, higher is better. `scope_ids` restricts to documents whose category id is
        listed."""

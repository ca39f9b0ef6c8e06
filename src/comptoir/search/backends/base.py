"""The interface every full-text backend implements. It knows documents by integer id and texts already
analysed by `search.domain.text` (stems separated by spaces), nothing of products or offers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from comptoir.search.domain.text import ParsedQuery

# Relative importance of the fields, shared by both backends (FTS5 bm25 column weights; PostgreSQL labels A–D).
FIELDS = ("title", "brand", "extra", "body")


@dataclass(frozen=True)
class IndexedText:
    title: str  # analysed title
    brand: str
    extra: str  # attribute values and category names (French and English)
    body: str  # description


class SearchBackend(Protocol):
    name: str

    def replace(self, documents: list[tuple[int, IndexedText]]) -> None:
        """Insert or replace the texts of these documents (their rows in the document table must exist on
        PostgreSQL)."""

    def remove(self, document_ids: list[int]) -> None: ...

    def clear(self) -> None: ...

    def match_sql(self, query: ParsedQuery, *, scope_ids: list[int] | None, limit: int) -> tuple[str, list]:
        """`match` as one SQL statement (columns: id, relevance), for the selector to join with the documents in a
        single round trip. Only called with a non-empty query and, when given, a non-empty scope."""

    def match(self, query: ParsedQuery, *, scope_ids: list[int] | None, limit: int) -> list[tuple[int, float]]:
        """Up to `limit` (document id, relevance) containing every term (the last as a prefix when the query says so),
        best first; relevance is positive, higher is better. `scope_ids` restricts to documents whose category id is
        listed."""

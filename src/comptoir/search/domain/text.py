"""Text analysis shared by indexing and querying, identical for every backend.

Words are lower-cased, accents folded (é → e), then stemmed by the French and then the English Snowball
stemmer, so "chaussures"/"chaussure" and "running"/"run" meet on one stem whatever the language of the
listing. The database only sees the resulting stems, separated by spaces: SQLite FTS5 (unicode61) and
PostgreSQL ('simple' configuration) then tokenise them the same way."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_QUERY_TERMS = 10
MIN_PREFIX_LENGTH = 2

_french = snowballstemmer.stemmer("french")
_english = snowballstemmer.stemmer("english")


def fold(text: str) -> str:
    """Lower case without diacritics ("Écouteurs" → "ecouteurs"); ligatures decomposed (œ → oe)."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """One stem per folded word: French then English rules; numbers and short words are kept as they are."""
    if len(word) <= 2 or not word.isalpha():
        return word
    # Applied until stable: one pass of each can leave a form the other still reduces ("speakers" → "speaker" →
    # "speak"), and singular and plural must end on the same stem.
    for _round in range(4):
        stemmed = _english.stemWord(_french.stemWord(word))
        if stemmed == word or len(stemmed) < 2:
            break
        word = stemmed
    return word


def words(text: str) -> list[str]:
    return WORD.findall(fold(text or ""))


# Words too common to help find anything; dropped at index and at query time alike.
STOP_WORDS = frozenset(
    fold(word)
    for word in [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "dans",
        "de",
        "des",
        "du",
        "en",
        "et",
        "la",
        "le",
        "les",
        "leur",
        "ou",
        "par",
        "pour",
        "sur",
        "un",
        "une",
        "à",
        "an",
        "and",
        "for",
        "in",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "by",
        "at",
        "from",
    ]
)


def analyse(text: str) -> str:
    """The indexed form of a text: its stems separated by spaces."""
    return " ".join(stem(word) for word in words(text) if word not in STOP_WORDS)


@dataclass(frozen=True)
class ParsedQuery:
    """Stems every document must contain; the last one may be a prefix (the buyer is still typing)."""

    terms: tuple[str, ...]
    last_is_prefix: bool

    @property
    def is_empty(self) -> bool:
        return not self.terms


def parse_query(query: str) -> ParsedQuery:
    raw = [word for word in words(query or "") if word not in STOP_WORDS]
    terms = tuple(dict.fromkeys(stem(word) for word in raw))[:MAX_QUERY_TERMS]  # duplicates removed, order kept
    ends_in_word = bool(query) and not query[-1].isspace() and bool(WORD.match(fold(query[-1])))
    last_is_prefix = bool(terms) and ends_in_word and len(terms[-1]) >= MIN_PREFIX_LENGTH
    return ParsedQuery(terms=terms, last_is_prefix=last_is_prefix)

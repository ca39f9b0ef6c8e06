"""Text analysis shared by indexing and querying, one analyser per language (docs/SEARCH.md, "Languages").

Words are lower-cased and their accents folded (é → e), stop words of the language dropped (PostgreSQL's lists for
its configurations, vendored in `stopwords/`, plus a few French and English ones), then reduced by the language's
Snowball stemmer ("Wanderschuhe"/"Wanderschuh" → "wanderschuh"). SQLite stores and queries the stems computed here;
PostgreSQL receives the folded words without stop words (`index_words`, `ParsedQuery.words`) and stems them with its
configuration of the same name (`german`, …; `simple` for a language without one), the same Snowball algorithms, so
a query matches the same products on both databases."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import snowballstemmer

WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_QUERY_TERMS = 10
MIN_PREFIX_LENGTH = 2
DEFAULT_LANGUAGE = "en"

# Language code → Snowball algorithm and PostgreSQL text search configuration (same names).
CONFIGURATIONS = {"en": "english", "fr": "french", "de": "german", "es": "spanish", "it": "italian"}
SIMPLE = "simple"  # no stemming: a language without its configuration
STOP_WORD_FILES = Path(__file__).with_name("stopwords")


def configuration(language: str) -> str:
    """The Snowball algorithm / PostgreSQL configuration of a language code ("de-AT" → "german"), else "simple"."""
    return CONFIGURATIONS.get((language or "").lower().split("-")[0], SIMPLE)


def fold(text: str) -> str:
    """Lower case without diacritics ("Écouteurs" → "ecouteurs"); ligatures decomposed (œ → oe)."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=16)
def _stemmer(name: str):
    return None if name == SIMPLE else snowballstemmer.stemmer(name)


@lru_cache(maxsize=200_000)
def stem(word: str, language: str = DEFAULT_LANGUAGE) -> str:
    """One stem per folded word with the language's Snowball stemmer; numbers, words with digits and words of one
    or two letters are kept as they are (PostgreSQL's parser does not stem words with digits either)."""
    stemmer = _stemmer(configuration(language))
    if stemmer is None or len(word) <= 2 or not word.isalpha():
        return word
    stemmed = stemmer.stemWord(word)
    return stemmed if len(stemmed) >= 2 else word


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


@lru_cache(maxsize=16)
def stop_words(language: str = DEFAULT_LANGUAGE) -> frozenset[str]:
    """Folded stop words of a language: its PostgreSQL configuration's list and the common French and English ones.
    Dropping at least what PostgreSQL drops keeps both databases' matches identical."""
    name = configuration(language)
    path = STOP_WORD_FILES / f"{name}.stop"
    listed = path.read_text(encoding="utf-8").split() if name != SIMPLE and path.exists() else []
    return STOP_WORDS | frozenset(fold(word) for word in listed)


def index_words(text: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The folded words of a text without the language's stop words, separated by spaces (what PostgreSQL stems)."""
    dropped = stop_words(language)
    return " ".join(word for word in words(text) if word not in dropped)


def analyse(text: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The indexed form of a text in a language: its stems separated by spaces (what SQLite stores)."""
    return " ".join(stem(word, language) for word in index_words(text, language).split())


def stem_words(folded: str, language: str = DEFAULT_LANGUAGE) -> str:
    """`analyse` of a text already reduced by `index_words`."""
    return " ".join(stem(word, language) for word in folded.split())


@dataclass(frozen=True)
class ParsedQuery:
    """Stems every document must contain; the last one may be a prefix (the buyer is still typing). `words` are the
    folded words the stems came from (one per stem), for a database that stems them itself; `language` says whose
    index to search."""

    terms: tuple[str, ...]
    last_is_prefix: bool
    words: tuple[str, ...] = ()
    language: str = DEFAULT_LANGUAGE

    @property
    def is_empty(self) -> bool:
        return not self.terms


def parse_query(query: str, language: str = DEFAULT_LANGUAGE) -> ParsedQuery:
    """A buyer's query analysed for the index of `language` (stems deduplicated in order, at most ten)."""
    dropped = stop_words(language)
    by_stem: dict[str, str] = {}
    for word in words(query or ""):
        if word not in dropped:
            by_stem.setdefault(stem(word, language), word)
    terms = tuple(by_stem)[:MAX_QUERY_TERMS]
    ends_in_word = bool(query) and not query[-1].isspace() and bool(WORD.match(fold(query[-1])))
    last_is_prefix = bool(terms) and ends_in_word and len(terms[-1]) >= MIN_PREFIX_LENGTH
    return ParsedQuery(
        terms=terms,
        last_is_prefix=last_is_prefix,
        words=tuple(by_stem[term] for term in terms),
        language=(language or DEFAULT_LANGUAGE).lower().split("-")[0],
    )

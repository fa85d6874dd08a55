"""A collection's own words: stems and their document frequencies, spelling correction
against them, words related in meaning, and the abbreviations its names spell. Built from the
documents through the store's port, once per tenant and store generation."""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import snowballstemmer  # type: ignore[import-untyped]
from rapidfuzz import process
from rapidfuzz.distance import OSA

from colonnade.knowledge.models import DEFAULT_TENANT
from colonnade.knowledge.ports import Embedder, KnowledgeStore, Vectors
from colonnade.knowledge.query_text import STOP_WORDS
from colonnade.orchestration.lexicon import (
    english,
    expand_abbreviations,
    max_edits,
    synonym_phrases,
)
from colonnade.orchestration.places import CALENDAR, DEMONYMS, place

__all__ = [
    "QUESTION_WORDS",
    "WORD",
    "Vocabulary",
    "VocabularyCache",
    "content_terms",
    "stem",
    "words",
]

MAX_RELATED_WORDS = 5000
# a number keeps its thousands separators and decimals ("€18,000" is one term, not "18 000")
WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
# words that say how something is asked, not what about
QUESTION_WORDS = frozenset(
    """many much long soon quickly often get got need needs allowed allow may might can
    im i'm whats what's ok okay please tell know want wants like also still actually really
    anything something someone thing things stuff kind way much lot lots yes hi
    """.split()
)
# prepositions and conjunctions the stop list lacks that place or link, never name, what
# a question is about ("anything towards my internet?"), and "one" standing for the thing
# ("a higher one"); "within", "without", "per", "outside" and the like do say something
# ("outside the EU") and stay
FUNCTION_WORDS = frozenset(
    """towards toward upon onto via among amongst unto whilst whether along across throughout
    beside besides despite one ones""".split()
)
# a name of two to five capitalised words, small joining words allowed inside ("Speak Up
# Policy", "Employee Assistance Programme", "Head of Quality")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[ \t]+(?:(?:of|and|for|the|&)[ \t]+)?[A-Z][a-z]+){1,4}\b")
# a capitalised word, a capitalised word inside a sentence ("staff of Larkspur Systems"),
# and a lower-case word; none of them in an address ("people@larkspur.example")
_CAPITAL = re.compile(r"(?<![\w@./-])[A-Z][a-z]+(?![\w@]|[./-]\w)")
_MID_CAPITAL = re.compile(r"(?<=[a-z0-9,;:] )[A-Z][a-z]+(?![\w@]|[./-]\w)")
# a word where a company is named: "at Larkspur", "does Fabrikam pay", "Tailspin's"
_AS_COMPANY = re.compile(
    r"\b(?:at|for|with|does|do|did|of|from|join|joined|by|about)\s+([^\W\d_]+)|\b([^\W\d_]+)'s\b",
    re.IGNORECASE,
)
# a capitalised word where a place is written: "in Verbier", "from Brno", "to Val d'Isère"
_LOCATED = re.compile(r"\b(?:in|to|from|near)\s+([A-Z][a-z]+)\b")
_LOWER = re.compile(r"(?<![\w@./-])[a-z]+(?![\w@]|[./-]\w)")
# the collection's own name is written in 15% or more of its documents (Larkspur's in 5 of
# 27, each sample company's in 4 to 10 of 14 or 15), and in three at least
HOUSE_SHARE = 0.15
HOUSE_DOCUMENTS = 3
# ... and is not mostly written where a place is ("in Verbier": Alpine Ski House's resort)
PLACED_SHARE = 0.5
_CONTRACTION = re.compile(r"(n't|'re|'ve|'ll|'d|'m)$")
_STEMMER = threading.local()


def fold(word: str) -> str:
    """The word without its accents: employees type "Solden" and "Val d'Isere" for the
    documents' "Sölden" and "Val d'Isère"."""
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of a lower-cased word, its accents folded."""
    stemmer = getattr(_STEMMER, "s", None)
    if stemmer is None:
        stemmer = _STEMMER.s = snowballstemmer.stemmer("english")
    return str(stemmer.stemWord(fold(word)))


def words(text: str) -> list[str]:
    return [fold(m.group(0).lower()).removesuffix("'s") for m in WORD.finditer(text)]


def content_terms(question: str) -> list[str]:
    """Distinct lower-cased words of the question that say what it is about."""
    seen: dict[str, None] = {}
    for w in words(expand_abbreviations(question.replace("’", "'"))):
        if _CONTRACTION.search(w):
            continue  # isn't, don't, we'll: how it is said, not what about
        if (
            w not in STOP_WORDS
            and w not in QUESTION_WORDS
            and w not in FUNCTION_WORDS
            and len(w) > 1
        ):
            seen.setdefault(w, None)
    return list(seen)


def _of_a_place(word: str) -> bool:
    """Whether a capitalised word names a place or is part of one's name: "Ireland", "Czech"
    (Republic), "United" (Kingdom), "Netherlands": where, which a table's row may depend on."""
    if word in DEMONYMS or place(word) is not None or place(f"the {word}") is not None:
        return True
    return any(place(f"{word} {w}") or place(f"{w} {word}") for w in _PLACE_HALVES)


# the words that make a country's name of two ("United Kingdom", "Czech Republic")
_PLACE_HALVES = ("kingdom", "united", "republic", "states", "arab", "emirates", "union")


@dataclass(slots=True)
class Vocabulary:
    """Document frequencies of the stems of a collection, and its surface words."""

    df: Counter[str]
    documents: int
    surfaces: dict[str, str] = field(default_factory=dict)  # word -> stem
    _choices: list[str] = field(default_factory=list)
    _related: tuple[list[str], Vectors] | None = None
    _nearest: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    _corrected: dict[str, str | None] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # initials -> the collection's name they abbreviate ("eap" -> "Employee Assistance
    # Programme"), mined from capitalised names in the collection's own text
    acronyms: dict[str, str] = field(default_factory=dict)
    # the colloquial phrases of the synonyms table the collection writes ("pay rise")
    phrases: frozenset[str] = frozenset()
    # the stems of the collection's own name ("Larkspur"): a word it only ever writes
    # capitalised, in a large share of its documents; naming the company whose documents
    # these are says nothing about which of them answers
    house: frozenset[str] = frozenset()

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Vocabulary:
        df: Counter[str] = Counter()
        surfaces: dict[str, str] = {}
        acronyms: dict[str, str] = {}
        phrases: set[str] = set()
        capitalised: Counter[str] = Counter()
        lower: set[str] = set()
        inside: Counter[str] = Counter()  # each word's occurrences inside sentences
        located: Counter[str] = Counter()  # ... of which where a place is written
        n = 0
        for text in texts:
            n += 1
            phrases |= synonym_phrases(text)
            capitalised.update({w.lower() for w in set(_CAPITAL.findall(text))})
            inside.update(_MID_CAPITAL.findall(text))
            located.update(_LOCATED.findall(text))
            lower.update(_LOWER.findall(text))
            for m in _NAME.finditer(text):
                # the name and its tails: "The Crew Wellbeing Line" is also "CWL"
                named = m.group(0).split()
                for start in range(len(named) - 1):
                    tail = named[start:]
                    if not tail[0][0].isupper():
                        continue
                    initials = "".join(w[0] for w in tail if w[0].isupper()).lower()
                    if len(initials) >= 3:
                        acronyms.setdefault(initials, " ".join(tail))
            stems = set()
            for w in words(text):
                s = surfaces.get(w)
                if s is None:
                    s = surfaces[w] = stem(w)
                stems.add(s)
            df.update(stems)
        choices = [w for w in surfaces if len(w) >= 4 and not w.isdigit()]
        # initials that spell a word of the collection are that word, not an abbreviation
        acronyms = {a: name for a, name in acronyms.items() if a not in surfaces}
        lower_stems = {surfaces.get(w) or stem(w) for w in lower}
        house = frozenset(
            stem(w)
            for w, k in capitalised.items()
            if stem(w) not in lower_stems
            and k >= max(HOUSE_DOCUMENTS, HOUSE_SHARE * n)
            # a name, not an English word that only ever opens a sentence ("None", "Book")
            and (w.capitalize() in inside or not english().common(w))
            # a resort, a site or a town the gazetteer lacks is written "in Verbier"; the
            # company hardly ever is ("at Larkspur", "Larkspur pays", "Larkspur's")
            and (
                located[w.capitalize()] == 0
                or located[w.capitalize()] < PLACED_SHARE * inside[w.capitalize()]
            )
            and w not in CALENDAR
            and not _of_a_place(w)
        )
        return cls(
            df, n, surfaces, choices, acronyms=acronyms, phrases=frozenset(phrases), house=house
        )

    def idf(self, term_stem: str) -> float:
        return math.log((self.documents + 1) / (self.df.get(term_stem, 0) + 0.5))

    @property
    def max_idf(self) -> float:
        return math.log((self.documents + 1) / 0.5)

    def house_named(self, text: str) -> set[str]:
        """The words of the question that name the collection's own company as one ("at
        Larkspur", "does Fabrikam pay", "Tailspin's"), not a word of a name of something it
        has ("the Kids Club")."""
        if not self.house:
            return set()
        return {
            w.lower()
            for m in _AS_COMPANY.finditer(text.replace("’", "'"))
            for w in m.groups()
            if w and stem(w.lower()) in self.house
        }

    def knows(self, word: str) -> bool:
        return word in self.surfaces or stem(word) in self.df

    def uses(self, phrase: str) -> bool:
        """Whether the collection writes a word, or a phrase of the synonyms table as one."""
        return phrase in self.phrases if " " in phrase else self.knows(phrase)

    def spelled_out(self, token: str) -> str | None:
        """What an abbreviation the collection never writes stands for, by the initials of a
        name it does write ("EAP" -> "Employee Assistance Programme"): a token in capitals,
        or one that is no English word ("eap")."""
        word = token.lower()
        if len(word) < 3 or not word.isalpha() or self.knows(word):
            return None
        if not token.isupper() and english().knows(word):
            return None
        return self.acronyms.get(word)

    def correct(self, word: str) -> str | None:
        """The collection's word this one is a misspelling of, if any.

        An English word the collection does not use is left alone ("bill" is not a
        misspelt "will"); a non-word takes the collection's closest spelling when no English
        word is closer ("pasword" -> "password"; "vacaton" means "vacation", which a
        collection that says "annual leave" lacks).
        """
        if self.knows(word):
            return word
        if len(word) < 4 or word.isdigit():
            return None
        if word in self._corrected:
            return self._corrected[word]
        lexicon = english()
        corrected: str | None = None
        if not lexicon.knows(word):
            limit = max_edits(word)
            found = process.extract(
                word, self._choices, scorer=OSA.distance, score_cutoff=limit, limit=20
            )
            best = min(
                found,
                key=lambda m: (m[1], -self.df.get(self.surfaces[m[0]], 0)),
                default=None,
            )
            if best is not None:
                spelled = lexicon.nearest(word)
                if spelled is None or best[1] <= OSA.distance(word, spelled):
                    corrected = str(best[0])
        if len(self._corrected) < 100_000:
            self._corrected[word] = corrected
        return corrected

    def reading(self, word: str) -> str:
        """The word as meant: the collection's spelling, else the nearest English word."""
        return self.correct(word) or english().nearest(word) or word

    def related(self, word: str, embedder: Embedder, *, k: int = 3) -> list[tuple[str, float]]:
        """The collection's words nearest in meaning (embedding cosine), best first.

        Mined from the collection itself: its most frequent words are embedded once per
        vocabulary, so "notebook" finds "laptop" and "vendor" finds "supplier".
        """
        cached = self._nearest.get(word)
        if cached is not None:
            return cached
        with self._lock:
            if self._related is None:
                by_df = sorted(
                    (w for w in self._choices if w.isalpha()),
                    key=lambda w: -self.df.get(self.surfaces[w], 0),
                )[:MAX_RELATED_WORDS]
                vectors = (
                    embedder.embed_documents(by_df)
                    if by_df
                    else np.zeros((0, embedder.dimension), dtype=np.float32)
                )
                self._related = (by_df, vectors)
            known, vectors = self._related
        if not known:
            return []
        sims = vectors @ embedder.embed_query(word)
        order = np.argsort(-sims)[:k]
        nearest = [(known[i], float(sims[i])) for i in order]
        if len(self._nearest) < 100_000:
            self._nearest[word] = nearest
        return nearest


class VocabularyCache:
    """One vocabulary per tenant, rebuilt when the store's generation changes.

    Built from the documents through the store's port (titles and text), so every store
    adapter gets it. Document frequency, not chunk frequency: rarity across documents.
    """

    def __init__(self, store: KnowledgeStore, *, max_documents: int = 20_000) -> None:
        self.store = store
        self.max_documents = max_documents
        self._cache: dict[str, tuple[int, Vocabulary]] = {}
        self._lock = threading.Lock()

    def get(self, tenant: str = DEFAULT_TENANT) -> Vocabulary:
        generation = int(getattr(self.store, "generation", lambda: 0)())
        with self._lock:
            cached = self._cache.get(tenant)
            if cached is not None and cached[0] == generation:
                return cached[1]
            texts = []
            for collection in self.store.list_collections(tenant=tenant):
                docs = self.store.list_documents(
                    collection.name, limit=self.max_documents, tenant=tenant
                )
                for doc in docs:
                    body = self.store.document_text(doc.id, tenant=tenant) or ""
                    texts.append(f"{doc.title}\n{body}")
            vocabulary = Vocabulary.from_texts(texts)
            self._cache[tenant] = (generation, vocabulary)
            return vocabulary

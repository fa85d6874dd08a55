"""English as a word list: which words are English, how common each is, and the nearest
English spelling of a word that is not.

The data is the frequency dictionary that ships inside the ``symspellpy`` package (82,765
English words with their counts in a web corpus); nothing is downloaded. It keeps spelling
correction honest: "great", "bill" or "rota" are words in their own right, so they are never
"corrected" into a collection's "treat", "will" or "root"; "vacaton" is not, and its nearest
English word "vacation" is what the question meant even when a collection never says it.

Nearest spellings are found with rapidfuzz's optimal string alignment distance (a
transposition is one edit: "hirse" is one edit from "hires").
"""

from __future__ import annotations

import importlib.resources
import math
import re
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

__all__ = [
    "English",
    "abbreviation",
    "acronym_singular",
    "english",
    "expand_abbreviations",
    "expand_synonyms",
    "left_behind",
    "max_edits",
    "synonym_phrases",
    "synonyms",
]

_DICTIONARY = "frequency_dictionary_en_82_765.txt"
# the web corpus counts contractions (don't, isn't) at a floor of 300,000
_COMMON = 300_000


def max_edits(word: str) -> int:
    """How many edits a misspelling of this length may carry: 1 up to 5 letters, then 2."""
    return 1 if len(word) <= 5 else 2


class English:
    """English words and their corpus counts."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self.total = sum(counts.values()) or 1
        self._by_count = sorted(counts, key=lambda w: -counts[w])
        self._lock = threading.Lock()
        self._nearest: dict[str, str | None] = {}

    @classmethod
    def load(cls) -> English:
        counts: dict[str, int] = {}
        path = importlib.resources.files("symspellpy").joinpath(_DICTIONARY)
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                word, _, count = line.partition(" ")
                if word and count:
                    counts[word] = int(count)
        return cls(counts)

    def knows(self, word: str) -> bool:
        return word in self.counts

    def rarity(self, word: str) -> float:
        """-log of the word's share of the corpus: about 7 for "back", 12 for "groceries"."""
        return math.log(self.total / (self.counts.get(word, 0) + 1))

    def common(self, word: str) -> bool:
        return self.counts.get(word, 0) >= _COMMON

    def nearest(self, word: str) -> str | None:
        """The most frequent English word within :func:`max_edits` of a non-word."""
        if self.knows(word):
            return word
        with self._lock:
            if word in self._nearest:
                return self._nearest[word]
        limit = max_edits(word)
        found = process.extract(
            word, self._by_count, scorer=OSA.distance, score_cutoff=limit, limit=20
        )
        best = min(found, key=lambda m: (m[1], m[2]), default=None)  # fewest edits, most common
        nearest = str(best[0]) if best is not None else None
        with self._lock:
            if len(self._nearest) < 100_000:
                self._nearest[word] = nearest
        return nearest


@lru_cache(maxsize=1)
def english() -> English:
    """The shared word list, loaded on first use (about 40 ms)."""
    return English.load()


_ABBREVIATIONS = Path(__file__).with_name("data") / "abbreviations.tsv"


@lru_cache(maxsize=1)
def _abbreviations() -> tuple[dict[str, str], re.Pattern[str]]:
    table: dict[str, str] = {}
    for line in _ABBREVIATIONS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            short, _, long = line.partition("\t")
            table[short] = long.strip()
            # in lower case too, unless that is an English word ("toil", "pip", "sop")
            if len(short) >= 3 and not english().knows(short.lower()):
                table.setdefault(short.lower(), long.strip())
    alternatives = "|".join(re.escape(a) for a in sorted(table, key=len, reverse=True))
    # "KPIs": the plural of one, in capitals
    return table, re.compile(rf"(?<![\w&])({alternatives})(?:(?<=[A-Z])s)?(?![\w&])")


def abbreviation(token: str) -> str | None:
    """What a workplace abbreviation stands for ("WFH" -> "working from home"), if it is one."""
    table = _abbreviations()[0]
    singular = acronym_singular(token)
    return table.get(token) or (table.get(singular) if singular else None)


def acronym_singular(token: str) -> str | None:
    """The acronym a plural in capitals is of ("KPIs" -> "KPI", "CMRs" -> "CMR")."""
    singular = token[:-1]
    return singular if token.endswith("s") and len(singular) >= 2 and singular.isupper() else None


def expand_abbreviations(text: str) -> str:
    """The text with each known abbreviation followed by what it stands for, in brackets:
    "a WFH stipend" -> "a WFH (working from home) stipend"."""
    table, pattern = _abbreviations()
    return pattern.sub(lambda m: f"{m.group(0)} ({table[m.group(1)]})", text)


_SYNONYMS = Path(__file__).with_name("data") / "synonyms.tsv"


def _phrase_key(text: str) -> str:
    return re.sub(r"[\s\-]+", " ", text.replace("’", "'").lower().strip())


@lru_cache(maxsize=1)
def _synonyms() -> tuple[dict[str, tuple[str, ...]], re.Pattern[str]]:
    table: dict[str, tuple[str, ...]] = {}
    for line in _SYNONYMS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            phrase, _, alternatives = line.partition("\t")
            table[_phrase_key(phrase)] = tuple(a.strip() for a in alternatives.split(","))
    # the plural as well ("rotas", "breathalysers"), unless the table says otherwise
    for key, readings in list(table.items()):
        if not key.endswith("s"):
            table.setdefault(f"{key}s", readings)
    alternatives = "|".join(
        r"[\s\-]+".join(re.escape(part) for part in key.split(" "))
        for key in sorted(table, key=len, reverse=True)
    )
    return table, re.compile(rf"(?<![\w'])({alternatives})(?![\w'])", re.IGNORECASE)


def synonyms(phrase: str) -> tuple[str, ...]:
    """What workplace policies call a word employees use ("maternity" -> "parental", ...)."""
    return _synonyms()[0].get(_phrase_key(phrase), ())


def synonym_phrases(text: str) -> set[str]:
    """The colloquial phrases of more than one word in the text ("pay rise", "time off"), as
    keys of the synonyms table: a collection that writes them is searched for them."""
    return {key for m in _synonyms()[1].finditer(text) if " " in (key := _phrase_key(m.group(0)))}


# "left my laptop on the train", "forgot my badge at the hotel": a thing left somewhere is
# lost, whatever else "left" means ("days left", "left the company")
_LEFT_BEHIND = re.compile(
    r"\b(?:left|forgot|forgotten)(?=\s+(?:my|our|his|her|their|a|the|an)\s+(?:[\w\-]+\s+){0,3}?"
    r"(?:on|in|at|behind)\s+(?:the|a|an|my|our)\b)",
    re.IGNORECASE,
)


def left_behind(text: str) -> str:
    """The text with a thing left somewhere said as lost: "left my laptop on the train" is
    "lost my laptop on the train"."""
    return _LEFT_BEHIND.sub("lost", text)


def expand_synonyms(text: str, uses: Callable[[str], bool]) -> str:
    """The text with each colloquial word or phrase the collection never uses followed by the
    policy words for it, in brackets: "hi-vis in the yard" -> "hi-vis (high-visibility) in the
    yard" for a collection that writes "high-visibility vest" and never "hi-vis". ``uses``
    is asked about the word or the phrase as a whole: a collection with "pay" and "rise" in
    other places does not say "pay rise"."""
    table, pattern = _synonyms()

    def expand(m: re.Match[str]) -> str:
        phrase = m.group(0)
        # a case-insensitive match need not lower-case to the key ("VİRUS"): left as written
        alternatives = table.get(_phrase_key(phrase))
        if alternatives is None or uses(_phrase_key(phrase)):
            return phrase
        return f"{phrase} ({', '.join(alternatives)})"

    text = _LEFT_BEHIND.sub(lambda m: f"{m.group(0)} (lost)", text.replace("’", "'"))
    return pattern.sub(expand, text)

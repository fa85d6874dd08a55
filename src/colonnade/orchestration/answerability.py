"""Answer or refuse: signals that survive paraphrase and typos, combined by a calibrated model.

The signals, for a question and the passages retrieved for it:

- ``coverage``: how much of the question's content is in the passages, each term weighted by
  its rarity (IDF) in the collection, after normalisation, stemming (Snowball) and spelling
  correction against the collection's own vocabulary (rapidfuzz);
- ``unknown``: the IDF-weighted share of terms the collection never uses, even corrected;
- ``similarity``: the best dense similarity between the question and a passage's sentence;
- ``agreement``: whether keyword and vector search both rank a top passage highly;
- ``foreign_entity``: a capitalised name in the question (an organisation, product, place or
  person) that the collection never contains;
- ``key_missing``: the question's rarest term is not in the passages;
- ``best_score``: the extractive answerer's score of its best sentence (similarity, term
  overlap, the answer type asked for), passed in by the answerer;
- ``sentence_coverage``: ``coverage`` in that one sentence with its title and headings, also
  passed in: a question on a neighbouring topic finds its words spread over the passages,
  an answerable one finds them where the answer is;
- ``type_missing``: the question asks for a number, a duration or a date and none of the
  answerer's three best sentences states one;
- ``phrase_missing``: the question names a thing in two words ("notice period", "learning
  budget", "fuel card limit") and no such pair of words stands together in the passages,
  although each word may be there on its own: a neighbouring topic.

A logistic model over them gives the probability that the passages answer the question. Its
weights are data (``answerability.json``), fitted on the tuning halves of three collections'
question sets by ``bench/answers.py fit``, over the signals that hold up when the model is
fitted on two collections and scored on the third (a signal without a weight there is
computed for the bench, not used); a name the collection lacks that is plainly an organisation
("Fabrikam's", "Acme Corp") refuses outright, with a reply that says so.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import snowballstemmer  # type: ignore[import-untyped]
from rapidfuzz import process
from rapidfuzz.distance import OSA

from colonnade.knowledge.models import DEFAULT_TENANT, SearchHit
from colonnade.knowledge.ports import Embedder, KnowledgeStore, Vectors
from colonnade.knowledge.query_text import STOP_WORDS
from colonnade.orchestration.lexicon import abbreviation, english, expand_abbreviations, max_edits

__all__ = [
    "FEATURES",
    "Answerability",
    "Assessment",
    "Vocabulary",
    "VocabularyCache",
    "content_terms",
    "foreign_entities",
    "stem",
]

FEATURES = (
    "coverage",
    "unknown",
    "similarity",
    "agreement",
    "foreign_entity",
    "key_missing",
    "best_score",
    "sentence_coverage",
    "type_missing",
    "phrase_missing",
)
MAX_RELATED_WORDS = 5000
RELATED = 0.55  # cosine above which a collection word counts as related to a question word
WEIGHTS = Path(__file__).with_name("answerability.json")

# a number keeps its thousands separators and decimals ("€18,000" is one term, not "18 000")
_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
# words that say how something is asked, not what about
_QUESTION_WORDS = frozenset(
    """many much long soon quickly often get got need needs allowed allow may might can
    im i'm whats what's ok okay please tell know want wants like also still actually really
    anything something someone thing things stuff kind way much lot lots yes hi
    """.split()
)
_ORG_SUFFIX = re.compile(
    r"^(corp|corporation|ltd|limited|inc|llc|gmbh|ag|plc|group|traders|co|company|labs)\b",
    re.IGNORECASE,
)
# a name of two to five capitalised words, small joining words allowed inside ("Speak Up
# Policy", "Employee Assistance Programme", "Head of Quality")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[ \t]+(?:(?:of|and|for|the|&)[ \t]+)?[A-Z][a-z]+){1,4}\b")
_CONTRACTION = re.compile(r"(n't|'re|'ve|'ll|'d|'m)$")
_STEMMER = threading.local()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of a lower-cased word."""
    stemmer = getattr(_STEMMER, "s", None)
    if stemmer is None:
        stemmer = _STEMMER.s = snowballstemmer.stemmer("english")
    return str(stemmer.stemWord(word))


def words(text: str) -> list[str]:
    return [m.group(0).lower().removesuffix("'s") for m in _WORD.finditer(text)]


def content_terms(question: str) -> list[str]:
    """Distinct lower-cased words of the question that say what it is about."""
    seen: dict[str, None] = {}
    for w in words(expand_abbreviations(question.replace("’", "'"))):
        if _CONTRACTION.search(w):
            continue  # isn't, don't, we'll: how it is said, not what about
        if w not in STOP_WORDS and w not in _QUESTION_WORDS and len(w) > 1:
            seen.setdefault(w, None)
    return list(seen)


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

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Vocabulary:
        df: Counter[str] = Counter()
        surfaces: dict[str, str] = {}
        acronyms: dict[str, str] = {}
        n = 0
        for text in texts:
            n += 1
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
        return cls(df, n, surfaces, choices, acronyms=acronyms)

    def idf(self, term_stem: str) -> float:
        return math.log((self.documents + 1) / (self.df.get(term_stem, 0) + 0.5))

    @property
    def max_idf(self) -> float:
        return math.log((self.documents + 1) / 0.5)

    def knows(self, word: str) -> bool:
        return word in self.surfaces or stem(word) in self.df

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


def foreign_entities(question: str, vocabulary: Vocabulary) -> tuple[list[str], bool]:
    """Capitalised names in the question the collection never uses, and whether one is an
    organisation (possessive, or with a company suffix such as "Ltd" or "Corp").

    In a question told as a story ("I was in a rush and emailed it to the wrong Gareth.
    Is there anything else I need to do?"), a person or place named before the sentence
    that asks is context; an organisation counts wherever it is named.

    Consecutive capitalised words form one name ("Northwind Traders"); a name is foreign
    when one of its words (other than a company suffix) is unknown to the collection.
    """
    text = question.replace("’", "'")
    groups: list[list[re.Match[str]]] = []
    for i, m in enumerate(_WORD.finditer(text)):
        raw = m.group(0)
        if "'" in raw and not raw.endswith("'s"):
            continue  # a contraction: I'm, I've, don't
        bare = raw.removesuffix("'s")
        sentence_start = i == 0 or re.search(r"[.!?:]\s*$", text[: m.start()]) is not None
        capitalised = bare[:1].isupper() and not bare.isupper() and len(bare) >= 3
        acronym = bare.isupper() and len(bare) >= 3 and bare.isalpha()
        if sentence_start or not (capitalised or acronym) or bare.lower() in STOP_WORDS:
            continue
        if abbreviation(bare) is not None:
            continue  # "WFH", "PTO": a workplace abbreviation, not a name
        previous = groups[-1][-1] if groups else None
        adjacent = (
            previous is not None
            and not previous.group(0).endswith("'s")
            and text[previous.end() : m.start()].strip() == ""
        )
        if adjacent:
            groups[-1].append(m)
        else:
            groups.append([m])
    asking = _asking_span(text)
    names: list[str] = []
    organisation = False
    for group in groups:
        tokens = [m.group(0).removesuffix("'s") for m in group]
        own = [t for t in tokens if not _ORG_SUFFIX.fullmatch(t)]
        if not own or all(vocabulary.knows(t.lower()) or vocabulary.spelled_out(t) for t in own):
            continue
        following = text[group[-1].end() :].lstrip()
        named_organisation = (
            group[-1].group(0).endswith("'s")
            or len(own) < len(tokens)
            or _ORG_SUFFIX.match(following) is not None
        )
        if group[0].start() < asking and not named_organisation:
            continue  # a person or place in the story before the question is context
        names.append(" ".join(tokens))
        organisation = organisation or named_organisation
    return names, organisation


def _adjacent_words(text: str) -> list[tuple[str, str]]:
    """Pairs of content words that stand next to each other (stop words between them are
    skipped: "days of annual leave" pairs days-annual and annual-leave), within a sentence."""
    out = []
    for sentence in re.split(r"[.!?;:\n|()]+", text):
        content = [
            w for w in words(sentence) if w not in STOP_WORDS and len(w) > 1 and not w.isdigit()
        ]
        out += list(pairwise(content))
    return out


def _adjacent(text: str) -> set[tuple[str, str]]:
    return {(stem(a), stem(b)) for a, b in _adjacent_words(text)}


def _asking_span(text: str) -> int:
    """Where the question proper starts in a question told as a story: the first sentence
    that asks (ends with "?"), or the last sentence; 0 for a question of one sentence."""
    sentences = [m.start() for m in re.finditer(r"[^.!?]+[.!?]*", text) if m.group(0).strip()]
    if len(sentences) < 2:
        return 0
    for m in re.finditer(r"[^.!?]+[.!?]*", text):
        if m.group(0).rstrip().endswith("?"):
            return m.start()
    return sentences[-1]


@dataclass(slots=True)
class Assessment:
    features: dict[str, float]
    probability: float
    entities: list[str]
    organisation: bool

    threshold: float = 0.5

    @property
    def answerable(self) -> bool:
        return self.probability >= self.threshold and not self.organisation


@lru_cache(maxsize=4)
def _load_weights(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


class Answerability:
    def __init__(
        self,
        vocabularies: VocabularyCache | None,
        *,
        embedder: Embedder | None = None,
        weights: dict[str, Any] | None = None,
    ) -> None:
        self.vocabularies = vocabularies
        self.embedder = embedder
        self.weights = weights or _load_weights(WEIGHTS)

    def vocabulary(self, tenant: str) -> Vocabulary:
        if self.vocabularies is None:
            return Vocabulary(Counter(), 0)
        return self.vocabularies.get(tenant)

    def term_stems(self, text: str, vocabulary: Vocabulary) -> set[str]:
        """Stems of the text's content terms, spelling-corrected, with related words added
        for words the collection does not use."""
        out: set[str] = set()
        for term in content_terms(text):
            name = vocabulary.spelled_out(term) if vocabulary.documents else None
            if name is not None:  # "eap": the words of "Employee Assistance Programme"
                out.update(stem(w) for w in content_terms(name))
                continue
            known = vocabulary.correct(term) if vocabulary.documents else term
            if known is not None:
                out.add(stem(known))
                continue
            out.add(stem(term))
            if self.embedder is not None:
                related = vocabulary.related(vocabulary.reading(term), self.embedder)
                out.update(stem(w) for w, sim in related if sim >= RELATED)
        return out

    def term_credits(
        self, question: str, present: set[str], vocabulary: Vocabulary
    ) -> list[tuple[str, float, float, bool]]:
        """For each content term: (term, IDF weight, credit 0..1 in the passages, known).

        A word the collection uses (after spelling correction) earns full credit where its
        stem is present; another word earns partial credit through its related words.
        """
        out = []
        for term in content_terms(question):
            if not vocabulary.documents:
                out.append((term, 1.0, float(stem(term) in present), True))
                continue
            name = vocabulary.spelled_out(term)
            if name is not None:  # an abbreviation of a name the collection writes out
                stems = [stem(w) for w in content_terms(name)]
                found = sum(s in present for s in stems) / len(stems) if stems else 0.0
                weight = max((vocabulary.idf(s) for s in stems), default=vocabulary.max_idf)
                out.append((term, weight, found, True))
                continue
            known = vocabulary.correct(term)
            if known is not None and stem(known) in present:
                out.append((term, vocabulary.idf(stem(known)), 1.0, True))
                continue
            # absent as written: its related words earn part of the credit
            related = (
                vocabulary.related(known or vocabulary.reading(term), self.embedder)
                if self.embedder is not None
                else []
            )
            close = [(w, sim) for w, sim in related if sim >= RELATED and w != known]
            credit = max(
                (min(1.0, (sim - 0.45) / 0.3) for w, sim in close if stem(w) in present),
                default=0.0,
            )
            if known is not None:
                out.append((term, vocabulary.idf(stem(known)), credit, True))
            else:
                out.append((term, vocabulary.max_idf, credit, bool(close)))
        return out

    def _pairs(self, question: str, vocabulary: Vocabulary) -> set[tuple[str, str]]:
        """Adjacent content words of the question as stems, spelling corrected."""
        out: set[tuple[str, str]] = set()
        for a, b in _adjacent_words(question):
            if a in _QUESTION_WORDS or b in _QUESTION_WORDS:
                continue
            ca = vocabulary.correct(a) if vocabulary.documents else a
            cb = vocabulary.correct(b) if vocabulary.documents else b
            out.add((stem(ca or a), stem(cb or b)))
        return out

    def coverage(self, question: str, present: set[str], vocabulary: Vocabulary) -> float:
        """The IDF-weighted share of the question's content found among ``present`` stems."""
        credits = self.term_credits(question, present, vocabulary)
        total = sum(w for _, w, _, _ in credits)
        return sum(w * c for _, w, c, _ in credits) / total if total else 0.0

    def assess(
        self,
        question: str,
        hits: Sequence[SearchHit],
        similarity: float,
        *,
        tenant: str = DEFAULT_TENANT,
        top: int = 3,
        extra: dict[str, float] | None = None,
    ) -> Assessment:
        vocabulary = self.vocabulary(tenant)
        passages = [f"{h.title} {' '.join(h.heading_path)} {h.text}" for h in hits[:top]]
        present = {stem(w) for text in passages for w in words(text)}
        credits = self.term_credits(question, present, vocabulary)
        total = sum(w for _, w, _, _ in credits)
        covered = sum(w * c for _, w, c, _ in credits)
        unknown = sum(w for _, w, _, known in credits if not known)
        key = max(credits, key=lambda t: t[1], default=None)
        agreement = any(
            h.keyword_rank is not None
            and h.vector_rank is not None
            and h.keyword_rank <= 5
            and h.vector_rank <= 5
            for h in hits[:top]
        )
        entities, organisation = (
            foreign_entities(question, vocabulary) if vocabulary.documents else ([], False)
        )
        pairs = self._pairs(question, vocabulary)
        if pairs:
            together: set[tuple[str, str]] = set()
            for text in passages:
                together.update(_adjacent(text))
            phrase_missing = float(not pairs & together)
        else:
            phrase_missing = 0.0
        features = {
            "phrase_missing": phrase_missing,
            "coverage": covered / total if total else 0.0,
            "unknown": unknown / total if total else 0.0,
            "similarity": float(similarity),
            "agreement": float(agreement),
            "foreign_entity": float(bool(entities)),
            "key_missing": float(key is not None and key[2] < 0.5),
            **(extra or {}),
        }
        coefficients = self.weights["coefficients"]
        z = float(self.weights["intercept"]) + sum(
            float(coefficients.get(name, 0.0)) * value for name, value in features.items()
        )
        probability = 1 / (1 + math.exp(-z))
        threshold = float(self.weights.get("threshold", 0.5))
        return Assessment(features, probability, entities, organisation, threshold)

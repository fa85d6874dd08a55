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
- ``type_missing``: the question asks for a number, a duration, a date, a contact, steps or
  a person and none of the answerer's three best sentences gives one;
- ``unmet_existence``: the question asks whether something exists or is provided ("is there
  a christmas bonus?", "does the company pay for ...?"), weighted by how much of it the best
  sentence lacks (1 - ``sentence_coverage``): about half of such questions in the sample sets
  are on something the documents lack, against one in seven of the others, and a sentence on
  the neighbouring topic is then the typical wrong answer.

A logistic model over them gives the probability that the passages answer the question. Its
weights are data (``answerability.json``), fitted on the tuning halves of seven collections'
question sets by ``bench/answers.py fit``, over the subset of signals that scores best when
the model is fitted on six collections and scored on the seventh (a signal without a weight
there is computed for the bench, not used); a name the collection lacks that is plainly an
organisation ("Fabrikam's", "Acme Corp") refuses outright, with a reply that says so.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from colonnade.knowledge.models import DEFAULT_TENANT, SearchHit
from colonnade.knowledge.ports import Embedder
from colonnade.knowledge.query_text import STOP_WORDS
from colonnade.orchestration.lexicon import (
    abbreviation,
    acronym_singular,
    left_behind,
    synonym_phrases,
    synonyms,
)
from colonnade.orchestration.places import DEMONYMS, named_as_origin, names_a_site, place
from colonnade.orchestration.vocabulary import (
    WORD,
    Vocabulary,
    VocabularyCache,
    content_terms,
    stem,
    words,
)

__all__ = [
    "FEATURES",
    "Answerability",
    "Assessment",
    "Vocabulary",
    "VocabularyCache",
    "content_terms",
    "foreign_entities",
    "stem",
    "words",
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
    "unmet_existence",
)
RELATED = 0.55  # cosine above which a collection word counts as related to a question word
WEIGHTS = Path(__file__).with_name("answerability.json")

# capitalised words that name a time of the year, not an organisation, product or person
CALENDAR = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday christmas xmas easter advent lent
    whitsun pentecost ramadan eid diwali hanukkah chanukah passover thanksgiving halloween
    hogmanay midsummer""".split()
)

_ORG_SUFFIX = re.compile(
    r"^(corp|corporation|ltd|limited|inc|llc|gmbh|ag|plc|group|traders|co|company|labs)\b",
    re.IGNORECASE,
)


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
    for i, m in enumerate(WORD.finditer(text)):
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
        if bare.lower() in CALENDAR:
            continue  # "Christmas", "Monday", "March": a time, not a name
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
        if not own or all(_known_name(t, vocabulary) for t in own):
            continue
        following = text[group[-1].end() :].lstrip()
        named_organisation = (
            group[-1].group(0).endswith("'s")
            or len(own) < len(tokens)
            or _ORG_SUFFIX.match(following) is not None
        )
        if group[0].start() < asking and not named_organisation:
            continue  # a person or place in the story before the question is context
        name = " ".join(tokens)
        if not named_organisation and (
            all(t.lower() in DEMONYMS for t in own) or named_as_origin(text, name)
        ):
            continue  # "German lessons", "I work in Felixstowe": no place asked about
        names.append(name)
        organisation = organisation or named_organisation
    return names, organisation


def _known_name(token: str, vocabulary: Vocabulary) -> bool:
    """The collection uses the word, or spells out the abbreviation; an acronym's plural
    ("CMRs", "SOPs") counts as its singular."""
    singular = acronym_singular(token)
    return any(
        vocabulary.knows(t.lower()) or vocabulary.spelled_out(t) is not None
        for t in (token, *([singular] if singular else []))
    )


def _policy_words(term: str, vocabulary: Vocabulary) -> list[list[str]]:
    """The stems of what the collection calls a colloquial word it never uses ("maternity"
    -> "parental"), from the workplace synonyms; empty for a word it uses."""
    if not vocabulary.documents or vocabulary.knows(term):
        return []
    readings = [[stem(w) for w in content_terms(alt)] for alt in synonyms(term)]
    return [r for r in readings if r and all(s in vocabulary.df for s in r)]


def _colloquial_phrases(
    text: str, vocabulary: Vocabulary
) -> list[tuple[set[str], list[list[str]]]]:
    """The colloquial phrases of more than one word in the text that the collection never
    writes ("pay rise" where it says "salary increase"), each as its words and the stems of
    the policy's words for it; none without documents."""
    if not vocabulary.documents:
        return []
    out = []
    for key in synonym_phrases(text):
        if vocabulary.uses(key):
            continue
        readings = [[stem(w) for w in content_terms(alt)] for alt in synonyms(key)]
        readings = [r for r in readings if r and all(s in vocabulary.df for s in r)]
        if readings:
            out.append((set(key.split()), readings))
    return out


def _asking_span(text: str) -> int:
    """Where the question proper starts in a question told as a story: the first sentence
    that asks (ends with "?"), or the last sentence; 0 for a question of one sentence."""
    sentences = [m for m in re.finditer(r"[^.!?]+[.!?]*", text) if m.group(0).strip()]
    if len(sentences) < 2:
        return 0
    asking = next((m for m in sentences if m.group(0).rstrip().endswith("?")), sentences[-1])
    return asking.start()


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
        phrases = _colloquial_phrases(text, vocabulary)
        for _, readings in phrases:  # "pay rise": the policy's "salary increase"
            out.update(s for stems in readings for s in stems)
        phrased = {w for said, _ in phrases for w in said}
        company = vocabulary.house_named(text)  # "at Larkspur"
        for term in content_terms(left_behind(text)):
            if term in phrased or term in company:
                continue
            name = vocabulary.spelled_out(term) if vocabulary.documents else None
            if name is not None:  # "eap": the words of "Employee Assistance Programme"
                out.update(stem(w) for w in content_terms(name))
                continue
            readings = _policy_words(term, vocabulary)
            if readings:  # "maternity" in a collection that says "parental"
                out.update(s for stems in readings for s in stems)
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
        phrases = _colloquial_phrases(question, vocabulary)
        for said, readings in phrases:  # "pay rise" is found as the policy's words for it
            found = max(sum(s in present for s in r) / len(r) for r in readings)
            weight = max(vocabulary.idf(s) for r in readings for s in r)
            out.append((" ".join(sorted(said)), weight, found, True))
        phrased = {w for said, _ in phrases for w in said}
        company = vocabulary.house_named(question)
        for term in content_terms(left_behind(question)):
            if term in phrased or term in company:
                continue
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
            readings = _policy_words(term, vocabulary)
            if readings:  # a colloquial word for what the collection names otherwise
                found = max(sum(s in present for s in r) / len(r) for r in readings)
                weight = max(vocabulary.idf(s) for r in readings for s in r)
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
        signals: Collection[str] | None = None,
    ) -> Assessment:
        """``signals``: the ones to compute (those the model weighs, on the answer path);
        every signal when None."""
        vocabulary = self.vocabulary(tenant)
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
        features = {
            "similarity": float(similarity),
            "agreement": float(agreement),
            # a place the documents do not name is often only where the asker is going
            # ("on holiday in Croatia"): half the weight of a product, person or company
            "foreign_entity": (
                0.0
                if not entities
                else 0.5
                if all(place(n) and not names_a_site(question, n) for n in entities)
                else 1.0
            ),
        }
        if signals is None or {"coverage", "unknown", "key_missing"} & set(signals):
            passages = [f"{h.title} {' '.join(h.heading_path)} {h.text}" for h in hits[:top]]
            present = {stem(w) for text in passages for w in words(text)}
            credits = self.term_credits(question, present, vocabulary)
            total = sum(w for _, w, _, _ in credits)
            covered = sum(w * c for _, w, c, _ in credits)
            unknown = sum(w for _, w, _, known in credits if not known)
            key = max(credits, key=lambda t: t[1], default=None)
            features["coverage"] = covered / total if total else 0.0
            features["unknown"] = unknown / total if total else 0.0
            features["key_missing"] = float(key is not None and key[2] < 0.5)
        features.update(extra or {})
        coefficients = self.weights["coefficients"]
        z = float(self.weights["intercept"]) + sum(
            float(coefficients.get(name, 0.0)) * value for name, value in features.items()
        )
        probability = 1 / (1 + math.exp(-z))
        threshold = float(self.weights.get("threshold", 0.5))
        return Assessment(features, probability, entities, organisation, threshold)

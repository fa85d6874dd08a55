"""Checking a generated answer's citation markers against what was retrieved.

Markers name sources by their number in the prompt. A marker for a source that
was not given is removed and reported; sentences without any marker are
counted, and an answer that cites nothing is not grounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from colonnade.knowledge.models import SearchHit
from colonnade.knowledge.query_text import keyword_terms
from colonnade.orchestration.extractive import split_sentences
from colonnade.orchestration.models import Citation

__all__ = ["CheckedCitations", "check_citations"]

_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?])")


@dataclass(slots=True)
class CheckedCitations:
    text: str
    citations: list[Citation]
    cited_sentences: int
    sentences: int
    warnings: list[str] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        return self.cited_sentences / self.sentences if self.sentences else 0.0


def _supporting_sentence(claim: str, passage: str) -> str:
    """The sentence of the passage that shares most words with the claim."""
    words = set(keyword_terms(claim))
    best, best_overlap = passage[:300], -1
    for start, end in split_sentences(passage):
        sentence = passage[start:end]
        overlap = len(words & set(keyword_terms(sentence)))
        if overlap > best_overlap:
            best, best_overlap = sentence, overlap
    return best


def check_citations(text: str, hits: list[SearchHit]) -> CheckedCitations:
    known = range(1, len(hits) + 1)
    unknown: list[int] = []
    first_claim: dict[int, str] = {}

    def keep_known(match: re.Match[str]) -> str:
        numbers = [int(n) for n in re.split(r"\s*,\s*", match.group(1))]
        good = [n for n in numbers if n in known]
        unknown.extend(n for n in numbers if n not in known)
        return "".join(f"[{n}]" for n in good)

    cleaned = _SPACE_BEFORE_PUNCT.sub(r"\1", _MARKER.sub(keep_known, text)).strip()
    spans = split_sentences(cleaned)
    cited = 0
    for start, end in spans:
        sentence = cleaned[start:end]
        numbers = [int(n) for n in _MARKER.findall(sentence)]
        if numbers:
            cited += 1
        claim = _MARKER.sub("", sentence)
        for n in numbers:
            first_claim.setdefault(n, claim)
    # a marker alone after the last sentence's full stop cites that sentence
    trailing = [int(n) for n in _MARKER.findall(cleaned[spans[-1][1] :])] if spans else []
    for n in trailing:
        first_claim.setdefault(n, cleaned)
    citations = []
    for n in sorted(first_claim):
        hit = hits[n - 1]
        citations.append(Citation.of(n, hit, _supporting_sentence(first_claim[n], hit.text)))
    warnings = []
    if unknown:
        listed = ", ".join(f"[{n}]" for n in sorted(set(unknown)))
        warnings.append(f"removed citations of sources that were not retrieved: {listed}")
    uncited = len(spans) - cited
    if citations and uncited:
        warnings.append(f"{uncited} of {len(spans)} sentences cite no source")
    if not citations:
        warnings.append("the answer cites no source")
    return CheckedCitations(cleaned, citations, cited, len(spans), warnings)

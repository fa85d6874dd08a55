"""The extractive answerer: the embedded default generator and the rule-based fallback.

It composes an answer from the most relevant sentences of the retrieved
chunks, verbatim, each marked with its citation ``[n]``. Sentences are scored
against the question by embedding similarity and keyword overlap. When the
best sentence scores below ``min_confidence`` it says plainly that nothing
relevant was found. It never writes text of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np

from colonnade.knowledge.models import SearchHit
from colonnade.knowledge.ports import Embedder
from colonnade.knowledge.query_text import keyword_terms
from colonnade.orchestration.models import Answer, Citation, TextDelta
from colonnade.orchestration.ports import GenerationRequest

__all__ = ["NOT_FOUND", "Answer", "Citation", "ExtractiveAnswerer", "split_sentences"]

NOT_FOUND = "I could not find anything about this in the documents you can access."
_SENTENCE = re.compile(r"[^\n.!?]+(?:[.!?]+(?=\s|$)|$)|[^\n]+", re.MULTILINE)
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans of sentences (and of table rows and list items, one per line)."""
    spans = []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        chunk = text[start:end]
        stripped = chunk.strip()
        if len(stripped) < 3 or _TABLE_RULE.match(stripped):
            continue
        start += len(chunk) - len(chunk.lstrip())
        end -= len(chunk) - len(chunk.rstrip())
        spans.append((start, end))
    return spans


def _stem(term: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if term.endswith(suffix) and len(term) - len(suffix) >= 3:
            return term[: -len(suffix)]
    return term


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(
        self,
        embedder: Embedder,
        *,
        max_sentences: int = 3,
        min_confidence: float = 0.45,
        keyword_share: float = 0.35,
        max_hits: int = 5,
    ) -> None:
        # the last step of every fallback chain: it must not fail on a bad setting
        if not 0 <= min_confidence <= 1:
            raise ValueError("min_confidence is a score between 0 and 1")
        self.embedder = embedder
        self.max_sentences = max_sentences
        self.min_confidence = min_confidence
        self.keyword_share = keyword_share
        self.max_hits = max_hits

    def stream(self, request: GenerationRequest) -> Iterator[TextDelta | Answer]:
        """One delta per chosen sentence (with its marker), then the answer."""
        answer = self.answer(request.search_query, request.hits)
        if answer.sentences:
            for i, (sentence, number) in enumerate(answer.sentences):
                yield TextDelta(f"{' ' if i else ''}{sentence} [{number}]")
        else:
            yield TextDelta(answer.text)
        yield answer

    def answer(self, question: str, hits: list[SearchHit]) -> Answer:
        candidates: list[tuple[int, int, str]] = []  # (hit index, position, sentence)
        for h, hit in enumerate(hits[: self.max_hits]):
            for position, (start, end) in enumerate(split_sentences(hit.text)):
                candidates.append((h, position, hit.text[start:end]))
        if not candidates:
            return Answer(NOT_FOUND, [], self.name, 0.0, grounded=False)
        terms = {_stem(t) for t in keyword_terms(question)}
        qvec = self.embedder.embed_query(question)
        svecs = self.embedder.embed_documents([c[2] for c in candidates])
        similarity = svecs @ qvec
        scores = []
        for (h, _, sentence), sim in zip(candidates, similarity, strict=True):
            words = {_stem(t) for t in keyword_terms(sentence)}
            overlap = len(terms & words) / len(terms) if terms else 0.0
            # earlier hits ranked higher by retrieval: a small prior
            prior = 0.02 * (self.max_hits - h) / self.max_hits
            scores.append(
                (1 - self.keyword_share) * float(sim) + self.keyword_share * overlap + prior
            )
        order = np.argsort(scores)[::-1]
        confidence = float(scores[order[0]])
        if confidence < self.min_confidence:
            return Answer(NOT_FOUND, [], self.name, confidence, grounded=False)
        chosen = [int(i) for i in order[: self.max_sentences] if scores[i] >= 0.8 * confidence]
        chosen.sort(key=lambda i: (candidates[i][0], candidates[i][1]))
        numbers: dict[int, int] = {}
        citations: list[Citation] = []
        parts: list[str] = []
        sentences: list[tuple[str, int]] = []
        for i in chosen:
            h, _, sentence = candidates[i]
            hit = hits[h]
            if h not in numbers:
                numbers[h] = len(numbers) + 1
                citations.append(
                    Citation(
                        number=numbers[h],
                        chunk_id=hit.chunk_id,
                        document_id=hit.document_id,
                        title=hit.title,
                        source_uri=hit.source_uri,
                        page=hit.page,
                        heading_path=hit.heading_path,
                        snippet=sentence,
                        passage=hit.text,
                    )
                )
            parts.append(f"{sentence} [{numbers[h]}]")
            sentences.append((sentence, numbers[h]))
        return Answer(
            " ".join(parts), citations, self.name, confidence, grounded=True, sentences=sentences
        )

"""The extractive answerer: the embedded default generator and the rule-based fallback.

It composes an answer from the most relevant sentences of the retrieved
chunks, verbatim, each marked with its citation ``[n]``. Sentences are scored
against the question by embedding similarity and keyword overlap. When the
best sentence scores below ``min_confidence`` it says plainly that nothing
relevant was found. It never writes text of its own.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from colonnade.knowledge.models import SearchHit
from colonnade.knowledge.ports import Embedder, Vectors
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


def _markdown_row(line: str, suffix: str = "") -> str:
    """``a | b`` (or ``| a | b |``) as a Markdown table row; ``suffix`` ends the last cell."""
    cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
    cells[-1] += suffix
    return "| " + " | ".join(cells) + " |"


def _table_headers(text: str) -> dict[int, str]:
    """For each line that is a row of a table (cells split by ``|``), the table's header line.

    Keys are the character offsets where rows start; a header row maps to itself.
    """
    headers: dict[int, str] = {}
    header: str | None = None
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if "|" in stripped and not _TABLE_RULE.match(stripped):
            header = header or stripped
            headers[offset + len(line) - len(line.lstrip())] = header
        elif not _TABLE_RULE.match(stripped):
            header = None
        offset += len(line) + 1
    return headers


@dataclass(slots=True, frozen=True)
class _Candidate:
    hit: int
    position: int
    sentence: str
    table_header: str | None  # the header line when the sentence is a table row


class _VectorCache:
    """Bounded LRU of sentence vectors: passages that are asked about are embedded once."""

    def __init__(self, embedder: Embedder, size: int) -> None:
        self.embedder = embedder
        self.size = size
        self._vectors: OrderedDict[str, Vectors] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> Vectors:
        """Vectors in the order of ``texts`` (never empty: callers pass candidates)."""
        out: list[Vectors | None] = [None] * len(texts)
        missing: list[int] = []
        with self._lock:
            for i, text in enumerate(texts):
                vector = self._vectors.get(text)
                if vector is None:
                    missing.append(i)
                else:
                    self._vectors.move_to_end(text)
                    out[i] = vector
        if missing:
            fresh = self.embedder.embed_documents([texts[i] for i in missing])
            with self._lock:
                for i, vector in zip(missing, fresh, strict=True):
                    out[i] = vector
                    if self.size:
                        self._vectors[texts[i]] = vector
                while len(self._vectors) > self.size:
                    self._vectors.popitem(last=False)
        return np.vstack([v for v in out if v is not None]).astype(np.float32, copy=False)


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(
        self,
        embedder: Embedder,
        *,
        max_sentences: int = 3,
        min_confidence: float = 0.5,
        keyword_share: float = 0.25,
        max_hits: int = 5,
        cache_size: int = 50_000,
    ) -> None:
        # the last step of every fallback chain: it must not fail on a bad setting
        if not 0 <= min_confidence <= 1:
            raise ValueError("min_confidence is a score between 0 and 1")
        self.embedder = embedder
        self.max_sentences = max_sentences
        self.min_confidence = min_confidence
        self.keyword_share = keyword_share
        self.max_hits = max_hits
        self._vectors = _VectorCache(embedder, cache_size)

    def stream(self, request: GenerationRequest) -> Iterator[TextDelta | Answer]:
        """One delta per chosen sentence (with its marker), then the answer."""
        answer, pieces = self._compose(request.search_query, request.hits)
        for piece in pieces:
            yield TextDelta(piece)
        yield answer

    def answer(self, question: str, hits: list[SearchHit]) -> Answer:
        return self._compose(question, hits)[0]

    def _candidates(self, hits: list[SearchHit]) -> list[_Candidate]:
        candidates = []
        for h, hit in enumerate(hits[: self.max_hits]):
            headers = _table_headers(hit.text)
            for position, (start, end) in enumerate(split_sentences(hit.text)):
                sentence = hit.text[start:end]
                header = headers.get(start)
                if header == sentence:  # a header row alone states nothing
                    continue
                candidates.append(_Candidate(h, position, sentence, header))
        return candidates

    def _compose(self, question: str, hits: list[SearchHit]) -> tuple[Answer, list[str]]:
        candidates = self._candidates(hits)
        if not candidates:
            return Answer(NOT_FOUND, [], self.name, 0.0, grounded=False), [NOT_FOUND]
        terms = {_stem(t) for t in keyword_terms(question)}
        qvec = self.embedder.embed_query(question)
        texts = [
            f"{c.table_header}\n{c.sentence}" if c.table_header else c.sentence for c in candidates
        ]
        similarity = self._vectors.embed(texts) @ qvec
        scores = []
        for c, text, sim in zip(candidates, texts, similarity, strict=True):
            words = {_stem(t) for t in keyword_terms(text)}
            overlap = len(terms & words) / len(terms) if terms else 0.0
            # earlier hits ranked higher by retrieval: a small prior
            prior = 0.02 * (self.max_hits - c.hit) / self.max_hits
            scores.append(
                (1 - self.keyword_share) * float(sim) + self.keyword_share * overlap + prior
            )
        order = np.argsort(scores)[::-1]
        confidence = float(scores[order[0]])
        if confidence < self.min_confidence:
            return Answer(NOT_FOUND, [], self.name, confidence, grounded=False), [NOT_FOUND]
        chosen = [int(i) for i in order[: self.max_sentences] if scores[i] >= 0.8 * confidence]
        chosen.sort(key=lambda i: (candidates[i].hit, candidates[i].position))
        numbers: dict[int, int] = {}
        citations: list[Citation] = []
        pieces: list[str] = []
        sentences: list[tuple[str, int]] = []
        shown_headers: set[tuple[int, str]] = set()
        previous: tuple[int, str] | None = None  # the table the last piece was a row of
        for i in chosen:
            c = candidates[i]
            hit = hits[c.hit]
            if c.hit not in numbers:
                numbers[c.hit] = len(numbers) + 1
                citations.append(Citation.of(numbers[c.hit], hit, c.sentence))
            quote = f"{c.sentence} [{numbers[c.hit]}]"
            table = (c.hit, c.table_header) if c.table_header is not None else None
            if table is not None:
                # a table row is quoted under its header line, cells verbatim, as a Markdown
                # table (GFM) so that readers render it as one
                quote = _markdown_row(c.sentence, f" [{numbers[c.hit]}]")
                if table not in shown_headers or table != previous:
                    shown_headers.add(table)
                    header = _markdown_row(table[1])
                    rule = "|" + " --- |" * header.count(" | ") + " --- |"
                    quote = f"{header}\n{rule}\n{quote}"
            if table is not None and table == previous:
                separator = "\n"
            else:
                separator = "\n\n" if (table is not None or previous is not None) else " "
            pieces.append(f"{separator if pieces else ''}{quote}")
            sentences.append((c.sentence, numbers[c.hit]))
            previous = table
        answer = Answer(
            "".join(pieces), citations, self.name, confidence, grounded=True, sentences=sentences
        )
        return answer, pieces

"""Sentences of passages as the extractive answerer reads and quotes them: splitting a passage
into sentences and table rows, the candidate sentences, a cache of their vectors, and the
answer rendered with its citations."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from colonnade.knowledge.models import SearchHit
from colonnade.knowledge.ports import Embedder, Vectors
from colonnade.orchestration.models import Answer, Citation
from colonnade.orchestration.question_analysis import (
    AnswerType,
    matches_type,
    names_label,
    range_holds,
)
from colonnade.orchestration.tables import TABLE_RULE, first_cell, markdown_row
from colonnade.orchestration.vocabulary import stem, words

__all__ = [
    "Candidate",
    "VectorCache",
    "distinct",
    "normal",
    "not_mentioned",
    "quoted_before",
    "render",
    "run_on",
    "score_sentence",
    "split_sentences",
    "stems_in_place",
    "stems_of",
]

_SENTENCE = re.compile(r"[^\n.!?]+(?:[.!?]+(?=\s|$)|$)|[^\n]+", re.MULTILINE)


# a full stop that does not end the sentence: after a title before a name ("St. Anton",
# "Dr. Weber"); after "No." or "ext." before a number ("No. 5", "ext. 4000"); after a
# shortened word before a number or a word in lower case ("approx. 20", "pens, paper etc. are
# provided"). Each is looked for at the end of the sentence so far only: merging never scans
# what it merged before
_TITLE = re.compile(r"\b(?:St|Dr|Mr|Mrs|Ms|Prof|Mt)\.")
_NUMBERED = re.compile(r"\b(?:No|Nr|no|nr|[Ee]xt|[Tt]el)\.")
_SHORTENED = re.compile(r"\b(?:[Aa]pprox|[Ii]ncl|etc|vs|cf|ca|esp)\.")


def _goes_on(text: str, start: int, end: int, following: str) -> bool:
    """Whether ``following`` continues the sentence ``text[start:end]``: its full stop was
    an abbreviation's."""

    def ends_with(pattern: re.Pattern[str]) -> bool:
        tail = max(start, end - 8)  # the longest abbreviation and its stop
        return any(m.end() == end for m in pattern.finditer(text, tail, end))

    head = following[:1]
    return (
        ends_with(_TITLE)
        or (head.isdigit() and (ends_with(_NUMBERED) or ends_with(_SHORTENED)))
        or (head.islower() and ends_with(_SHORTENED))
    )


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans of sentences (and of table rows and list items, one per line)."""
    spans: list[tuple[int, int]] = []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        chunk = text[start:end]
        stripped = chunk.strip()
        if not stripped:
            continue
        start += len(chunk) - len(chunk.lstrip())
        end -= len(chunk) - len(chunk.rstrip())
        if (
            spans
            and "\n" not in text[spans[-1][1] : start]
            and _goes_on(text, spans[-1][0], spans[-1][1], stripped)
        ):
            spans[-1] = (spans[-1][0], end)
            continue
        if len(stripped) < 3 or TABLE_RULE.match(stripped):
            continue
        spans.append((start, end))
    return spans


def not_mentioned(names: list[str]) -> str:
    listed = " or ".join(dict.fromkeys(names))
    return (
        f"The documents you can access do not mention {listed}, so I cannot answer this from them."
    )


def normal(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass(slots=True, frozen=True)
class Candidate:
    hit: int
    position: int
    sentence: str
    table_header: str | None  # the header line when the sentence is a table row
    start: int = 0
    document: str = ""


class VectorCache:
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

    def query(self, text: str) -> Vectors:
        """A query's vector, kept among the recent ones (a question is embedded once)."""
        key = f"\x00q:{text}"
        with self._lock:
            vector = self._vectors.get(key)
            if vector is not None:
                self._vectors.move_to_end(key)
                return vector
        vector = self.embedder.embed_query(text)
        with self._lock:
            if self.size:
                self._vectors[key] = vector
        return vector


def render(
    name: str,
    hits: list[SearchHit],
    candidates: list[Candidate],
    chosen: list[int],
    confidence: float,
) -> tuple[Answer, list[str]]:
    """The chosen sentences quoted with their citation markers: table rows under their
    table's header line as a Markdown table."""
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
            quote = markdown_row(c.sentence, f" [{numbers[c.hit]}]")
            if table not in shown_headers or table != previous:
                shown_headers.add(table)
                header = markdown_row(table[1])
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
        "".join(pieces), citations, name, confidence, grounded=True, sentences=sentences
    )
    return answer, pieces


def stems_of(text: str) -> set[str]:
    return {stem(w) for w in words(text)}


# a question's words a sentence needs for full overlap: a question told as a story has twenty
# or more (with their related words), of which the policy's sentence shares a handful ("a
# supplier sent me a bottle of whisky ... worth about 60 euros ... can I keep it?"); chosen on
# the tuning sets (12: +2 answered, 8: +5, 6: +4 and one refusal lost)
STORY_TERMS = 8


def score_sentence(
    keyword_share: float,
    c: Candidate,
    text: str,
    sim: float,
    own: set[str],
    carried: set[str],
    kind: AnswerType,
    numbers: list[float],
    hits: int,
    placed: bool = False,
    question: str = "",
) -> float:
    """How well a candidate answers: embedding similarity and word overlap (``keyword_share``
    of the score), the type asked for, a table row's value, label or place, and retrieval's
    rank as a small prior."""
    present = {stem(w) for w in words(text)}
    # a follow-up's own words ("and for contractors?") weigh as much as all the terms
    # it carries from the conversation, however many those are; a story's sentence with
    # STORY_TERMS of its words overlaps it fully
    mine = min(1.0, len(own & present) / min(len(own), STORY_TERMS)) if own else 0.0
    theirs = len(carried & present) / len(carried) if carried else 0.0
    overlap = 0.6 * mine + 0.4 * theirs if own and carried else mine if own else theirs
    score = (1 - keyword_share) * sim + keyword_share * overlap
    if kind is not AnswerType.any and matches_type(c.sentence, kind):
        score += 0.08
    if c.table_header is not None:
        first = first_cell(c.sentence)
        if (
            any(range_holds(first, n) for n in numbers)
            or (question and names_label(first, question))
            or placed  # the row of the place asked about, its country's, or "any other ..."
        ):
            score += 0.3
    # earlier hits ranked higher by retrieval: a small prior
    return score + 0.02 * (hits - c.hit) / max(hits, 1)


def quoted_before(previous: str, candidates: list[Candidate], best: int) -> bool:
    """Whether the previous answer quoted a sentence of the best sentence's document."""
    document = candidates[best].document
    return any(c.document == document and c.sentence.strip() in previous for c in candidates)


def stems_in_place(hit: SearchHit, text: str) -> set[str]:
    """The stems of a sentence read in its place: its document's title, headings, text."""
    return stems_of(f"{hit.title} {' '.join(hit.heading_path)} {text}")


def distinct(hits: list[SearchHit]) -> list[SearchHit]:
    """One hit per passage text: the same file in two collections or versions is cited once."""
    seen: set[str] = set()
    out = []
    for hit in hits:
        key = normal(hit.text)
        if key not in seen:
            seen.add(key)
            out.append(hit)
    return out


# a sentence that opens with one of these goes on from the one before it: "Up to 5 unused
# days may be carried over. They must be taken by 31 March." Not "It is mandatory to ..."
# nor "This policy ...", which say "it" and "this" of nothing before them
_REFERS_BACK = re.compile(
    r"^(?!(it|this|that)(\s+is|\s+was|'s)\s+\w+\s+(to|that)\b)"
    r"(?!(this|these)\s+(policy|policies|section|document|procedure|standard|guideline|"
    r"guidelines|guidance|page|chapter|rules?)\b)"
    r"(they|them|this|these|those|it|its|such|that|he|she|in (that|this|which) case"
    r"|if so|otherwise|after that|then)\b",
    re.IGNORECASE,
)


def run_on(candidates: list[Candidate], best: int, hits: Sequence[SearchHit]) -> list[int]:
    """The sentences that the best one cannot be read without: the sentence right after it in
    its paragraph when that one refers back to it ("They must be taken by ..."), and the one
    right before it when the best one refers back. Found by their place in the document, in
    whichever passage has them (passages overlap, and a sentence is a candidate once). Table
    rows stand alone."""
    top = candidates[best]
    if top.table_header is not None:
        return []

    def at(c: Candidate) -> int:
        return hits[c.hit].start_char + c.start

    def adjacent(first: Candidate, second: Candidate) -> bool:
        """``second`` right after ``first``, nothing but a space or a line break between."""
        gap = at(second) - (at(first) + len(first.sentence))
        if first.hit == second.hit:
            between = hits[first.hit].text[first.start + len(first.sentence) : second.start]
            return 0 <= gap <= 2 and "\n\n" not in between and not between.strip()
        return 0 <= gap <= 1  # another passage: no blank line fits in one character

    refers_back = _REFERS_BACK.match(top.sentence.lstrip()) is not None
    return [
        i
        for i, c in enumerate(candidates)
        if c.document == top.document
        and c.table_header is None
        and i != best
        and (
            (adjacent(top, c) and _REFERS_BACK.match(c.sentence.lstrip()) is not None)
            or (refers_back and adjacent(c, top))
        )
    ]

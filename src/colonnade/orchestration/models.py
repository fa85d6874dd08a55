"""Values of the assistant: citations, answers, and the events of a streamed answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from colonnade.knowledge.models import SearchHit

__all__ = ["Answer", "Citation", "Intent", "TextDelta", "related"]


class Intent(StrEnum):
    """What the asker needs: documents, small talk, a served model's prediction, a tool, or
    several of them in one turn (mixed)."""

    documents = "documents"
    chit_chat = "chit_chat"
    prediction = "prediction"
    tool = "tool"
    mixed = "mixed"


@dataclass(slots=True, frozen=True)
class Citation:
    number: int
    chunk_id: int
    document_id: str
    title: str
    source_uri: str
    page: int | None
    heading_path: tuple[str, ...]
    snippet: str
    passage: str = ""

    @classmethod
    def of(cls, number: int, hit: SearchHit, snippet: str) -> Citation:
        """Cite a retrieved chunk; the passage is the whole chunk."""
        return cls(
            number=number,
            chunk_id=hit.chunk_id,
            document_id=hit.document_id,
            title=hit.title,
            source_uri=hit.source_uri,
            page=hit.page,
            heading_path=hit.heading_path,
            snippet=snippet,
            passage=hit.text,
        )


def related(hits: Sequence[SearchHit], limit: int = 3) -> list[Citation]:
    """The best passage of each of the first ``limit`` documents among ``hits``."""
    seen: set[str] = set()
    out: list[Citation] = []
    for hit in hits:
        if hit.document_id not in seen and len(out) < limit:
            seen.add(hit.document_id)
            out.append(Citation.of(len(out) + 1, hit, ""))
    return out


@dataclass(slots=True)
class Answer:
    text: str
    citations: list[Citation]
    generator: str
    confidence: float
    grounded: bool
    model: str | None = None
    sentences: list[tuple[str, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=dict)
    served: dict[str, str | int | float] = field(default_factory=dict)
    # a refusal for want of support: the passages retrieval found nearest, one per document,
    # for the asker to read; the answer does not rest on them
    related: list[Citation] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class TextDelta:
    """A piece of the answer text, sent as soon as it is known."""

    text: str

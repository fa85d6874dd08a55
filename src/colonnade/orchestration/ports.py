"""The orchestration layer's port: a generator turns a question and sources into an answer.

The extractive answerer (embedded default, last rule-based step of every
fallback chain) and the LLM answerer implement it. ``stream`` yields text as
it is produced and ends with the complete :class:`Answer`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from colonnade.knowledge.models import SearchHit
from colonnade.orchestration.models import Answer, TextDelta

__all__ = ["GenerationRequest", "Generator", "HistoryTurn"]


@dataclass(slots=True, frozen=True)
class HistoryTurn:
    question: str
    answer: str


@dataclass(slots=True)
class GenerationRequest:
    question: str  # as the user asked it
    search_query: str  # standalone form used for retrieval
    hits: list[SearchHit]
    history: list[HistoryTurn] = field(default_factory=list)
    summary: str = ""  # running summary of turns older than ``history``
    conversation_id: str | None = None  # canary splits stick to it
    classification: str | None = None  # raised by the guardrails (PII in the question)
    tenant: str | None = None  # whose collections: rarity of terms is counted in them


@runtime_checkable
class Generator(Protocol):
    name: str

    def stream(self, request: GenerationRequest) -> Iterator[TextDelta | Answer]:
        """Text deltas as they come, then exactly one Answer, last."""
        ...

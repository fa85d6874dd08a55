"""The orchestration layer's port: a generator turns a question and sources into an answer.

The extractive answerer (embedded default, last rule-based step of every
fallback chain) and the LLM answerer implement it. ``stream`` yields text as
it is produced and ends with the complete :class:`Answer`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from colonnade.knowledge.models import Filters, SearchHit
from colonnade.orchestration.models import Answer, TextDelta
from colonnade.safety import Outcome

__all__ = ["GenerationReport", "GenerationRequest", "Generator", "HistoryTurn", "QuestionScreen"]


@dataclass(slots=True, frozen=True)
class HistoryTurn:
    question: str
    answer: str


@dataclass(slots=True)
class GenerationReport:
    """What the wrappers around a generator did for one request: the reply and the audit
    record read it after the stream ends."""

    hits: list[SearchHit] = field(default_factory=list)  # the sources the answer is built on
    guardrails: Outcome | None = None  # None: no guardrails configured
    cache: str = "off"  # exact, semantic, miss or off
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def withheld(self) -> bool:
        return self.guardrails is not None and self.guardrails.denied


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
    filters: Filters | None = None  # the caller's scope: retrieval and cache keys use it
    report: GenerationReport = field(default_factory=GenerationReport)


@runtime_checkable
class Generator(Protocol):
    name: str

    def stream(self, request: GenerationRequest) -> Iterator[TextDelta | Answer]:
        """Text deltas as they come, then exactly one Answer, last."""
        ...


class QuestionScreen(Protocol):
    """Checks a question before anything is stored: raises to refuse it, returns the text to
    use (PII may be masked) and records what it found in ``report``."""

    def screen(self, question: str, report: GenerationReport) -> str: ...

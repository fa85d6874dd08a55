"""The guardrails as a wrapper around a generator.

The question is screened before anything is stored (:meth:`Guarded.screen`);
passages that carry instructions are dropped or quoted before the generator
sees them; the answer's citations, PII and deny-list are checked before it
leaves. With output checks on, no text leaves before the whole answer passed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from colonnade.knowledge.models import SearchHit
from colonnade.orchestration.models import Answer, TextDelta
from colonnade.orchestration.ports import GenerationReport, GenerationRequest, Generator
from colonnade.safety import Guardrails, Outcome

__all__ = ["Guarded", "Unscreened", "checked_answer", "checked_passages"]


class Unscreened:
    """The question screen with no guardrails configured: the question as asked."""

    def screen(self, question: str, report: GenerationReport) -> str:
        return question


class Guarded:
    def __init__(self, inner: Generator, guard: Guardrails) -> None:
        self.inner = inner
        self.guard = guard
        self.name = inner.name

    def screen(self, question: str, report: GenerationReport) -> str:
        report.guardrails = Outcome()
        return self.guard.check_question(question, report.guardrails)

    def stream(self, request: GenerationRequest) -> Iterator[TextDelta | Answer]:
        report = request.report
        outcome = report.guardrails = report.guardrails or Outcome()
        hits = checked_passages(self.guard, request.hits, outcome)
        request.hits = report.hits = hits
        request.classification = outcome.classification
        hold = self.guard.holds_stream
        answer: Answer | None = None
        for event in self.inner.stream(request):
            if isinstance(event, Answer):
                answer = event
            elif not hold:
                yield event
        assert answer is not None, "a generator stream ends with its Answer"
        answer = checked_answer(self.guard, answer, hits, outcome)
        if hold:
            yield TextDelta(answer.text)
        yield answer


def checked_passages(guard: Guardrails, hits: list[SearchHit], outcome: Outcome) -> list[SearchHit]:
    """The passages the generator may see: injected ones dropped or quoted as data."""
    texts = guard.check_passages([h.text for h in hits], [h.chunk_id for h in hits], outcome)
    return [
        hit if text == hit.text else dataclasses.replace(hit, text=text)
        for hit, text in zip(hits, texts, strict=True)
        if text is not None
    ]


def checked_answer(
    guard: Guardrails, answer: Answer, hits: list[SearchHit], outcome: Outcome
) -> Answer:
    """Citations must point at passages retrieved for this principal; then the guardrails'
    verdict on the text: as it is, masked, or withheld in favour of the policy's refusal
    (keeping who wrote the answer and what it cost)."""
    retrieved = {h.chunk_id for h in hits}
    bad = [c.number for c in answer.citations if c.chunk_id not in retrieved]
    if bad:
        outcome.dropped_citations = bad
        answer.citations = [c for c in answer.citations if c.chunk_id in retrieved]
        answer.warnings.append("citations to passages that were not retrieved were removed")
    verdict = guard.check_answer_text(answer.text, [h.text for h in hits], outcome)
    if verdict.withheld is not None:
        return dataclasses.replace(
            answer,
            text=verdict.text,
            citations=[],
            confidence=0.0,
            grounded=False,
            sentences=[],
            warnings=[*answer.warnings, verdict.withheld],
        )
    answer.text = verdict.text
    answer.warnings.extend(verdict.warnings)
    return answer

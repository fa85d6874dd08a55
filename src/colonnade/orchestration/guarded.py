"""The guardrails as a wrapper around a generator.

The question is screened before anything is stored (:meth:`Guarded.screen`);
passages that carry instructions are dropped or quoted before the generator
sees them; the answer's citations, PII and deny-list are checked before it
leaves. With output checks on, no text leaves before the whole answer passed.
"""

from __future__ import annotations

from collections.abc import Iterator

from colonnade.orchestration.models import Answer, TextDelta
from colonnade.orchestration.ports import GenerationReport, GenerationRequest, Generator
from colonnade.safety import Guardrails, Outcome

__all__ = ["Guarded", "Unscreened"]


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
        hits = self.guard.filter_passages(request.hits, outcome)
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
        answer = self.guard.check_answer(answer, hits, outcome)
        if hold:
            yield TextDelta(answer.text)
        yield answer

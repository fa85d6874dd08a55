"""The guardrails as a wrapper around a generator.

The question is screened before anything is stored (:meth:`Guarded.screen`);
passages that carry instructions are dropped or quoted before the generator
sees them; the answer's citations, PII and deny-list are checked before it
leaves. With output checks on, no text leaves before the whole answer passed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from colonnade.knowledge.models import SearchHit
from colonnade.orchestration.models import Answer, Citation, TextDelta
from colonnade.orchestration.ports import (
    GenerationReport,
    GenerationRequest,
    Generator,
    HistoryTurn,
)
from colonnade.safety import WITHHELD, Guardrails, Outcome
from colonnade.safety.injection import quote_as_data

__all__ = [
    "WITHHELD_FIELD",
    "Guarded",
    "Unscreened",
    "checked_answer",
    "checked_context",
    "checked_passages",
]


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
        request.summary, request.history = checked_context(
            self.guard, request.summary, request.history, outcome
        )
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


def _visible_text(title: str, headings: tuple[str, ...] | list[str], passage: str) -> str:
    return " ".join([title, *headings, passage])


def _shown_whole(guard: Guardrails, citation: Citation) -> Citation:
    """A citation as it may go out: its whole passage, else only its quoted sentence, else
    neither (the answer's own text was masked; its raw sentence must not ride along)."""
    if guard.shows_whole(citation.passage):
        return citation
    snippet = citation.snippet if guard.shows_whole(citation.snippet) else ""
    return dataclasses.replace(citation, passage=snippet, snippet=snippet)


def checked_passages(guard: Guardrails, hits: list[SearchHit], outcome: Outcome) -> list[SearchHit]:
    """The passages the generator may see: one whose text carries instructions is dropped,
    or quoted as data, with any other flagged field withheld; one whose text is clean keeps
    its text, and only the flagged title, headings or metadata are withheld. The classifier
    flags a few words of a heading now and then ("What you are issued", "Your equipment":
    6 of the 516 headings and titles of the sample collections), which dropped the whole
    passage from every answer; a planted heading is withheld all the same."""
    mode = guard.settings.injection
    kept = []
    for hit in hits:
        fields = guard.flagged_fields(_fields(hit))
        if not fields:
            kept.append(hit)
            continue
        # reported, and never a refusal's lead, whichever field it was
        outcome.injected_passages.append(hit.chunk_id)
        outcome.injected_fields += [f"{name}:{hit.chunk_id}" for name in fields]
        # a clean text is kept as it is, in either mode, with the flagged fields withheld
        if mode == "quote" or "text" not in fields:
            kept.append(_quoted(hit, fields))
    if outcome.injected_passages:
        outcome.passage_action = mode
    return kept


def checked_context(
    guard: Guardrails, summary: str, history: list[HistoryTurn], outcome: Outcome
) -> tuple[str, list[HistoryTurn]]:
    """The running summary and earlier turns without those that carry instructions."""
    summary, kept = guard.check_context(summary, [(t.question, t.answer) for t in history], outcome)
    return summary, [history[i] for i in kept]


WITHHELD_FIELD = "(withheld: it reads as instructions)"


def _fields(hit: SearchHit) -> list[tuple[str, str]]:
    """Every field of a passage that reaches a prompt, checked on its own."""
    fields = [("text", hit.text), ("title", hit.title)]
    fields += [(f"heading{n}", h) for n, h in enumerate(hit.heading_path, start=1)]
    fields += [(f"metadata.{k}", v) for k, v in _strings(hit.metadata)]
    return fields


def _strings(metadata: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """The string values of metadata with dotted keys (bounded in depth at ingestion)."""
    out: list[tuple[str, str]] = []
    for key, value in metadata.items():
        name = f"{prefix}{key}"
        if isinstance(value, str):
            out.append((name, value))
        elif isinstance(value, dict):
            out += _strings(value, f"{name}.")
        elif isinstance(value, list):
            out += [(name, v) for v in value if isinstance(v, str)]
    return out


def _quoted(hit: SearchHit, fields: list[str]) -> SearchHit:
    text = quote_as_data(hit.text) if "text" in fields else hit.text
    title = WITHHELD_FIELD if "title" in fields else hit.title
    headings = tuple(
        WITHHELD_FIELD if f"heading{n}" in fields else h
        for n, h in enumerate(hit.heading_path, start=1)
    )
    metadata = {
        k: v
        for k, v in hit.metadata.items()
        if not any(f == f"metadata.{k}" or f.startswith(f"metadata.{k}.") for f in fields)
    }
    return dataclasses.replace(
        hit, text=text, title=title, heading_path=headings, metadata=metadata
    )


def checked_answer(
    guard: Guardrails, answer: Answer, hits: list[SearchHit], outcome: Outcome
) -> Answer:
    """Citations must point at passages retrieved for this principal; then the guardrails'
    verdict on the text: as it is, masked, or withheld in favour of the policy's refusal
    (keeping who wrote the answer and what it cost). The whole passages that go out with it
    are checked too: a cited one with a deny-listed phrase withholds the answer, one with
    severe personal data goes out as its quoted sentence only (or without text), and a
    refusal's leads are only passages that pass (and never one that carried instructions)."""
    retrieved = {h.chunk_id for h in hits}
    bad = [c.number for c in answer.citations if c.chunk_id not in retrieved]
    if bad:
        outcome.dropped_citations = bad
        answer.citations = [c for c in answer.citations if c.chunk_id in retrieved]
        answer.warnings.append("citations to passages that were not retrieved were removed")
    injected = set(outcome.injected_passages)
    answer.related = [
        c
        for c in answer.related
        if c.chunk_id in retrieved
        and c.chunk_id not in injected
        and guard.shows_whole(_visible_text(c.title, c.heading_path, c.passage))
    ]
    verdict = guard.check_answer_text(answer.text, [h.text for h in hits], outcome)
    if verdict.withheld is None and any(
        guard.denies(_visible_text(c.title, c.heading_path, c.passage)) for c in answer.citations
    ):
        outcome.denied = True
        verdict = dataclasses.replace(verdict, withheld="withheld by the deny-list")
    if verdict.withheld is not None:
        return dataclasses.replace(
            answer,
            text=WITHHELD,
            citations=[],
            related=[],
            confidence=0.0,
            grounded=False,
            sentences=[],
            warnings=[*answer.warnings, verdict.withheld],
        )
    answer.citations = [_shown_whole(guard, c) for c in answer.citations]
    answer.text = verdict.text
    answer.warnings.extend(verdict.warnings)
    return answer

"""The guardrails around one answer: the question, the passages, and the answer itself."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from colonnade.errors import GuardrailBlocked
from colonnade.knowledge.models import SearchHit
from colonnade.safety.injection import check_injection, quote_as_data
from colonnade.safety.pii import SEVERE, PIIDetector
from colonnade.settings import SafetySettings

if TYPE_CHECKING:  # the orchestration layer calls the guardrails, never the other way round
    from colonnade.orchestration.models import Answer
    from colonnade.orchestration.ports import HistoryTurn

__all__ = ["Guardrails", "Outcome"]

WITHHELD = (
    "The answer was withheld: it contained something the organisation's policy does not "
    "allow in answers. Rephrase the question or ask an administrator."
)


@dataclass(slots=True)
class Outcome:
    """What the guardrails found and did, for the reply and the audit record."""

    question_pii: list[str] = field(default_factory=list)
    classification: str | None = None
    injected_passages: list[int] = field(default_factory=list)
    injected_fields: list[str] = field(default_factory=list)  # "title:12", "summary", ...
    passage_action: str = ""
    answer_pii_redacted: list[str] = field(default_factory=list)
    denied: bool = False
    dropped_citations: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v}


class Guardrails:
    def __init__(self, settings: SafetySettings, pii: PIIDetector | None = None) -> None:
        self.settings = settings
        needs_pii = settings.pii != "off" or settings.output_pii != "off"
        self.pii = pii if pii is not None else (PIIDetector(settings) if needs_pii else None)
        self.deny = [d.lower() for d in settings.deny_list if d.strip()]

    @property
    def holds_stream(self) -> bool:
        """Whether answers must be checked before any of their text leaves."""
        checks_text = bool(self.deny) or (
            self.pii is not None and self.settings.output_pii != "off"
        )
        return checks_text and not self.settings.stream_before_checks

    def check_question(self, question: str, outcome: Outcome) -> str:
        """Block an injected question; classify (or redact) PII. Returns the question to use."""
        s = self.settings
        if s.block_injected_questions:
            check = check_injection(question, learned=False)
            if check.flagged:
                raise GuardrailBlocked(
                    "the question reads as an attempt to override the assistant's instructions "
                    f"({', '.join(check.patterns)}): ask about the documents instead",
                    code="prompt_injection",
                )
        if self.pii is not None and s.pii != "off":
            findings = self.pii.find(question)
            outcome.question_pii = sorted({f.entity for f in findings})
            if findings and s.pii == "classify":
                outcome.classification = "confidential"
            elif findings and s.pii == "redact":
                return self.pii.redact(question, findings)
        return question

    def filter_passages(self, hits: list[SearchHit], outcome: Outcome) -> list[SearchHit]:
        """Indirect injection: a passage whose text, title, headings or metadata carry
        instructions is dropped, or quoted as data with the flagged fields withheld."""
        mode = self.settings.injection
        if mode == "off":
            return hits
        kept = []
        for hit in hits:
            fields = _flagged_fields(hit)
            if not fields:
                kept.append(hit)
                continue
            outcome.injected_passages.append(hit.chunk_id)
            outcome.injected_fields += [f"{name}:{hit.chunk_id}" for name in fields]
            if mode == "quote":
                kept.append(_quoted(hit, fields))
        if outcome.injected_passages:
            outcome.passage_action = mode
        return kept

    def filter_context(
        self, summary: str, history: list[HistoryTurn], outcome: Outcome
    ) -> tuple[str, list[HistoryTurn]]:
        """The conversation's running summary and earlier turns enter the prompt too: one
        that carries instructions (an answer that repeated a planted note) is left out."""
        if self.settings.injection == "off":
            return summary, history
        if summary and check_injection(summary).flagged:
            outcome.injected_fields.append("summary")
            summary = ""
        kept = []
        for number, turn in enumerate(history, start=1):
            if (
                check_injection(turn.answer).flagged
                or check_injection(turn.question, learned=False).flagged
            ):
                outcome.injected_fields.append(f"history:{number}")
            else:
                kept.append(turn)
        return summary, kept

    def check_answer(self, answer: Answer, hits: list[SearchHit], outcome: Outcome) -> Answer:
        """Citations must point at passages retrieved for this principal; PII and the
        deny-list are checked in the text."""
        retrieved = {h.chunk_id for h in hits}
        bad = [c.number for c in answer.citations if c.chunk_id not in retrieved]
        if bad:
            outcome.dropped_citations = bad
            answer.citations = [c for c in answer.citations if c.chunk_id in retrieved]
            answer.warnings.append("citations to passages that were not retrieved were removed")
        lowered = answer.text.lower()
        if any(phrase in lowered for phrase in self.deny):
            return _withheld(answer, outcome, "withheld by the deny-list")
        mode = self.settings.output_pii
        if self.pii is not None and mode != "off" and answer.text.strip():
            sources = " ".join(h.text for h in hits)
            leaks = [
                f for f in self.pii.find(answer.text) if f.entity in SEVERE or f.text not in sources
            ]
            if leaks:
                outcome.answer_pii_redacted = sorted({f.entity for f in leaks})
            if leaks and mode == "block":
                return _withheld(answer, outcome, "withheld: personal data")
            if leaks:
                answer.text = self.pii.redact(answer.text, leaks)
                answer.warnings.append("personal data was masked in the answer")
        return answer


WITHHELD_FIELD = "(withheld: it reads as instructions)"


def _flagged_fields(hit: SearchHit) -> list[str]:
    """Every field of a passage that reaches a prompt, checked on its own."""
    fields = [("text", hit.text), ("title", hit.title)]
    fields += [(f"heading{n}", h) for n, h in enumerate(hit.heading_path, start=1)]
    fields += [(f"metadata.{k}", v) for k, v in _strings(hit.metadata)]
    return [name for name, value in fields if value and check_injection(value).flagged]


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


def _withheld(answer: Answer, outcome: Outcome, why: str) -> Answer:
    """The policy's refusal in place of an answer, keeping who wrote it and what it cost."""
    outcome.denied = True
    return dataclasses.replace(
        answer,
        text=WITHHELD,
        citations=[],
        confidence=0.0,
        grounded=False,
        sentences=[],
        warnings=[*answer.warnings, why],
    )

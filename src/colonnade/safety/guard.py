"""The guardrails around one answer: the question, the passages, and the answer itself.

They check text and say what they found; the orchestration layer applies their verdicts
to its own values (passages, answers), so safety imports no layer above it.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cachetools import LRUCache

from colonnade.errors import GuardrailBlocked
from colonnade.safety.injection import check_injection, quote_as_data
from colonnade.safety.pii import SEVERE, PIIDetector
from colonnade.settings import SafetySettings

__all__ = ["WITHHELD", "Guardrails", "Outcome", "Verdict"]

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
        self._whole: LRUCache[str, bool] = LRUCache(maxsize=4096)
        self._lock = threading.Lock()

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

    def flagged_fields(self, fields: Sequence[tuple[str, str]]) -> list[str]:
        """Indirect injection: the names of the fields (a passage's text, title, headings,
        metadata; an earlier answer; a summary) whose text reads as instructions."""
        if self.settings.injection == "off":
            return []
        return [name for name, value in fields if value and check_injection(value).flagged]

    def check_passages(
        self, texts: Sequence[str], ids: Sequence[int], outcome: Outcome
    ) -> list[str | None]:
        """Indirect injection in passages' text: one carrying instructions is dropped (None)
        or quoted as data; the others come back as they are."""
        mode = self.settings.injection
        if mode == "off":
            return list(texts)
        kept: list[str | None] = []
        for text, chunk_id in zip(texts, ids, strict=True):
            if check_injection(text).flagged:
                outcome.injected_passages.append(chunk_id)
                kept.append(quote_as_data(text) if mode == "quote" else None)
            else:
                kept.append(text)
        if outcome.injected_passages:
            outcome.passage_action = mode
        return kept

    def check_context(
        self, summary: str, turns: Sequence[tuple[str, str]], outcome: Outcome
    ) -> tuple[str, list[int]]:
        """The conversation's running summary and earlier turns (question, answer) enter the
        prompt too: one that carries instructions (an answer that repeated a planted note)
        is left out. Returns the summary to use and the indexes of the turns kept."""
        if self.settings.injection == "off":
            return summary, list(range(len(turns)))
        if summary and check_injection(summary).flagged:
            outcome.injected_fields.append("summary")
            summary = ""
        kept = []
        for number, (question, answer) in enumerate(turns, start=1):
            if check_injection(answer).flagged or check_injection(question, learned=False).flagged:
                outcome.injected_fields.append(f"history:{number}")
            else:
                kept.append(number - 1)
        return summary, kept

    def denies(self, text: str) -> bool:
        """Whether the text holds a phrase on the deny-list."""
        lowered = text.lower()
        return any(phrase in lowered for phrase in self.deny)

    def shows_whole(self, passage: str) -> bool:
        """Whether a whole passage may go out beside an answer (a citation's context, a
        refusal's lead): none of the deny-list, and no personal data of a severe kind."""
        if self.denies(passage):
            return False
        if self.pii is None or self.settings.output_pii == "off" or not passage.strip():
            return True
        # a passage's personal data is the passage's, not the answer's: found once (about
        # 5 ms for a 1,200-character chunk) and remembered for the next answer that cites it
        with self._lock:
            known = self._whole.get(passage)
        if known is None:
            known = not any(f.entity in SEVERE for f in self.pii.find(passage))
            with self._lock:
                self._whole[passage] = known
        return known

    def check_answer_text(self, text: str, sources: Sequence[str], outcome: Outcome) -> Verdict:
        """The deny-list and personal data in an answer's text; personal data that is in the
        sources the caller may read stays, unless it is of a severe kind."""
        if self.denies(text):
            outcome.denied = True
            return Verdict(WITHHELD, withheld="withheld by the deny-list")
        mode = self.settings.output_pii
        if self.pii is None or mode == "off" or not text.strip():
            return Verdict(text)
        joined = " ".join(sources)
        leaks = [f for f in self.pii.find(text) if f.entity in SEVERE or f.text not in joined]
        if not leaks:
            return Verdict(text)
        outcome.answer_pii_redacted = sorted({f.entity for f in leaks})
        if mode == "block":
            outcome.denied = True
            return Verdict(WITHHELD, withheld="withheld: personal data")
        return Verdict(
            self.pii.redact(text, leaks), warnings=("personal data was masked in the answer",)
        )


@dataclass(slots=True, frozen=True)
class Verdict:
    """What the output checks decided about an answer's text; orchestration applies it."""

    text: str
    withheld: str | None = None  # why the policy withholds the answer, when it does
    warnings: tuple[str, ...] = ()

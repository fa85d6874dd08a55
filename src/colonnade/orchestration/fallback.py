"""A generator that falls back to the next one when the first fails before any text is sent.

After the first delta has gone out the failure is not hidden: it propagates, and
the API ends the stream with an explicit error event. The LLM layer replaces
this with its full chain (deployments, breakers); the extractive answerer stays
the last rule-based step.
"""

from __future__ import annotations

from collections.abc import Iterator

from colonnade.errors import LLMError
from colonnade.observability import get_logger
from colonnade.orchestration.models import Answer, TextDelta
from colonnade.orchestration.ports import GenerationRequest, Generator

__all__ = ["FallbackGenerator"]

log = get_logger(__name__)


class FallbackGenerator:
    def __init__(self, primary: Generator, fallback: Generator) -> None:
        self.primary = primary
        self.fallback = fallback
        self.name = primary.name

    def stream(self, request: GenerationRequest) -> Iterator[TextDelta | Answer]:
        sent = False
        try:
            for event in self.primary.stream(request):
                sent = sent or isinstance(event, TextDelta)
                yield event
            return
        except LLMError as exc:
            if sent:
                raise
            log.warning("generator_fallback", primary=self.primary.name, error=exc.message)
            reason = exc.message
        for event in self.fallback.stream(request):
            if isinstance(event, Answer):
                event.warnings.append(
                    f"{self.primary.name} failed ({reason}); answered by {self.fallback.name}"
                )
            yield event

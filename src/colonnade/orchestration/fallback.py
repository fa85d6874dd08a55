"""The assistant's end of the fallback chain.

The router tries a route's deployments and fallbacks; when all of them fail,
``FallbackGenerator`` hands the question to the extractive answerer, and when
that fails too, to ``DefaultResponse``. A fallback happens only before any text
is sent: after the first delta the failure propagates, and the API ends the
stream with an explicit error event.
"""

from __future__ import annotations

from collections.abc import Iterator

from colonnade.errors import EmbeddingError, LLMError, StoreError
from colonnade.observability import get_logger
from colonnade.orchestration.models import Answer, TextDelta
from colonnade.orchestration.ports import GenerationRequest, Generator

__all__ = ["DefaultResponse", "FallbackGenerator"]

log = get_logger(__name__)


class FallbackGenerator:
    def __init__(
        self,
        primary: Generator,
        fallback: Generator,
        *,
        catch: tuple[type[Exception], ...] = (LLMError,),
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self.catch = catch
        self.name = primary.name

    def stream(self, request: GenerationRequest) -> Iterator[TextDelta | Answer]:
        sent = False
        try:
            for event in self.primary.stream(request):
                sent = sent or isinstance(event, TextDelta)
                yield event
            return
        except self.catch as exc:
            if sent:
                raise
            reason = getattr(exc, "message", str(exc))
            log.warning("generator_fallback", primary=self.primary.name, error=reason)
        for event in self.fallback.stream(request):
            if isinstance(event, Answer):
                event.warnings.append(
                    f"{self.primary.name} failed ({reason}); answered by {self.fallback.name}"
                )
            yield event


class DefaultResponse:
    """The configured answer of last resort: no sources, plainly marked as not grounded."""

    name = "default"
    CATCH = (LLMError, EmbeddingError, StoreError)

    def __init__(self, text: str) -> None:
        self.text = text

    def stream(self, request: GenerationRequest) -> Iterator[TextDelta | Answer]:
        yield TextDelta(self.text)
        yield Answer(self.text, [], self.name, 0.0, grounded=False)

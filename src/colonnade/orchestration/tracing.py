"""A span around the assistant's answer path, as a wrapper around the Generator port.

The generator is synchronous and its events are pulled one by one (from a
worker thread, in the API): the span is made current only while the wrapped
generator computes its next event, never across a ``yield``, so the layers
below (retrieval, embeddings, the router) open their spans under it.
"""

from __future__ import annotations

from collections.abc import Iterator

from opentelemetry import trace
from opentelemetry.trace import Status, StatusCode, Tracer

from colonnade.observability.tracing import (
    CONVERSATION_ID,
    INPUT_TOKENS,
    OPERATION,
    OUTPUT_TOKENS,
)
from colonnade.orchestration.models import Answer, TextDelta
from colonnade.orchestration.ports import GenerationRequest, Generator

__all__ = ["TracedGenerator"]

_AGENT = "colonnade-assistant"


class TracedGenerator:
    def __init__(self, inner: Generator, tracer: Tracer) -> None:
        self.inner = inner
        self.tracer = tracer
        self.name = inner.name

    def stream(self, request: GenerationRequest) -> Iterator[TextDelta | Answer]:
        attributes = {OPERATION: "invoke_agent", "gen_ai.agent.name": _AGENT}
        if request.conversation_id:
            attributes[CONVERSATION_ID] = request.conversation_id
        span = self.tracer.start_span(f"invoke_agent {_AGENT}", attributes=attributes)
        events = self.inner.stream(request)
        try:
            while True:
                with trace.use_span(span, end_on_exit=False, record_exception=False):
                    event = next(events, None)
                if event is None:
                    break
                if isinstance(event, Answer):
                    span.set_attribute("colonnade.generator", event.generator)
                    if event.model:
                        span.set_attribute("gen_ai.response.model", event.model)
                    span.set_attribute(INPUT_TOKENS, event.usage.get("prompt_tokens", 0))
                    span.set_attribute(OUTPUT_TOKENS, event.usage.get("completion_tokens", 0))
                yield event
        except Exception as exc:
            span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
            span.set_attribute("error.type", type(exc).__name__)
            raise
        finally:
            report = request.report
            span.set_attribute("colonnade.cache", report.cache)
            span.set_attribute("colonnade.sources", len(report.hits))
            if report.withheld:
                span.set_attribute("colonnade.withheld", True)
            span.end()
            close = getattr(events, "close", None)  # a consumer that stopped early stops it too
            if close is not None:
                close()

"""Spans around a chat model, as a wrapper that implements the port it wraps.

The router is wrapped once (a span per request to an alias) and each
deployment's chain once (a span per attempt on a provider), with the GenAI
semantic conventions. A stream's span ends when the stream does, with its
usage; the router's fallbacks and the breakers' decisions are events on them.
"""

from __future__ import annotations

from typing import Any

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer

from colonnade.errors import LLMError
from colonnade.llm.ports import ChatModel, ChatRequest, ChatStream, Completion, Served, Usage
from colonnade.observability.tracing import (
    CONVERSATION_ID,
    INPUT_TOKENS,
    OPERATION,
    OUTPUT_TOKENS,
    PROVIDER,
    REQUEST_MODEL,
    RESPONSE_MODEL,
)

__all__ = ["TracedChatModel"]


class TracedChatModel:
    def __init__(
        self,
        inner: ChatModel,
        tracer: Tracer,
        *,
        provider: str | None = None,
        model: str | None = None,
        attributes: dict[str, Any] | None = None,
    ) -> None:
        """``model``: the model a deployment asks for; None: the alias the caller asked for."""
        self.inner = inner
        self.tracer = tracer
        self.provider = provider
        self.model = model
        self.attributes = attributes or {}

    @property
    def name(self) -> str:
        return self.inner.name

    def _start(self, request: ChatRequest, stream: bool) -> tuple[Span, dict[str, Any]]:
        """The span, and the attributes it opens with: they are set with the outcome's, in one
        batch when the span ends, so that a stream's first token waits for none of that work
        (the samplers in use read no attributes).

        The alias's span (no ``model``) holds what is about the request as a whole (its
        sensitivity, the conversation, whether it streams); a deployment's span holds what is
        about one call to one model (its provider, parameters and token usage), so that a
        backend adding up ``gen_ai.usage`` over chat spans counts each token once, and no
        attribute is written (and checked by the SDK) twice."""
        inference = self.model is not None
        attributes: dict[str, Any] = {
            OPERATION: "chat",
            REQUEST_MODEL: self.model or request.model,
            **self.attributes,
        }
        if inference:
            if self.provider:
                attributes[PROVIDER] = self.provider
            for key in ("temperature", "max_tokens"):
                value = request.body.get(key)
                if isinstance(value, int | float):
                    attributes[f"gen_ai.request.{key}"] = value
        else:
            attributes["colonnade.classification"] = request.classification
            attributes["colonnade.stream"] = stream
            if request.sticky_key:
                attributes[CONVERSATION_ID] = request.sticky_key
        span = self.tracer.start_span(f"chat {attributes[REQUEST_MODEL]}", kind=SpanKind.CLIENT)
        return span, attributes

    async def complete(self, request: ChatRequest) -> Completion:
        span, opening = self._start(request, False)
        with trace.use_span(span, end_on_exit=True, record_exception=False):
            try:
                completion = await self.inner.complete(request)
            except LLMError as exc:
                _failed(span, exc, opening)
                raise
            except BaseException:
                span.set_attributes(opening)
                raise
            _finished(
                span,
                completion.served,
                completion.usage,
                completion.body.get("model"),
                self.model is not None,
                opening,
            )
            return completion

    async def open_stream(self, request: ChatRequest) -> ChatStream:
        span, opening = self._start(request, True)
        with trace.use_span(span, end_on_exit=False, record_exception=False):
            try:
                stream = await self.inner.open_stream(request)
            except BaseException as exc:
                if isinstance(exc, LLMError):
                    _failed(span, exc, opening)
                else:
                    span.set_attributes(opening)
                span.end()
                raise

        def close(s: ChatStream, error: BaseException | None) -> None:
            ending = dict(opening)
            if isinstance(error, LLMError):
                _failed(span, error, {})
            elif error is not None:
                ending["error.type"] = type(error).__name__
            elif self.model is not None:
                ending["gen_ai.response.finish_reasons"] = [s.finish_reason or ""]
            _finished(
                span, s.served, s.usage, s.served.model or None, self.model is not None, ending
            )
            span.end()

        stream.on_close(close)
        return stream


def _finished(
    span: Span,
    served: Served,
    usage: Usage,
    response_model: Any,
    inference: bool,
    opening: dict[str, Any],
) -> None:
    """The outcome's attributes with those the span opened with, in one call: on a
    deployment's span the tokens and the model that answered; on the alias's span which
    deployment served it, on which attempt, and whether from the cache or a fallback."""
    attributes: dict[str, Any] = dict(opening)
    if inference:
        attributes[INPUT_TOKENS] = usage.prompt_tokens
        attributes[OUTPUT_TOKENS] = usage.completion_tokens
        if isinstance(response_model, str) and response_model:
            attributes[RESPONSE_MODEL] = response_model
    else:
        attributes["colonnade.deployment"] = served.deployment
        attributes["colonnade.path"] = served.path
        attributes["colonnade.attempt"] = served.attempt
        if served.cache:
            attributes["colonnade.cache"] = served.cache
        if served.fallback_reason:
            attributes["colonnade.fallback_reason"] = served.fallback_reason
    span.set_attributes(attributes)  # one lock and one pass, not one per attribute


def _failed(span: Span, exc: LLMError, opening: dict[str, Any]) -> None:
    span.set_attributes({**opening, "error.type": exc.kind.value})
    span.set_status(Status(StatusCode.ERROR, exc.kind.value))

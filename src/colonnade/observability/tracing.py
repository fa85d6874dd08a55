"""OpenTelemetry traces: the provider, the GenAI attribute names, and the trace id in logs.

The provider is built by the composition root inside each server process (after
uvicorn forks its workers), so the batch exporter's thread and connection
belong to the process that records the spans. It is never installed as the
global provider: each Container has its own, and spans reach it through the
tracer the Container hands to its wrappers. Context (the current span) is the
global OpenTelemetry context, so a span opened in the API is the parent of the
spans the layers below open.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.sampling import ALWAYS_ON, ParentBased, ParentBasedTraceIdRatio
from opentelemetry.trace import Span, Tracer

from colonnade import __version__
from colonnade.observability.otlp import OtlpHttpSpanExporter, encode_spans
from colonnade.settings import TracingSettings

__all__ = [
    "CONVERSATION_ID",
    "INPUT_TOKENS",
    "OPERATION",
    "OUTPUT_TOKENS",
    "PROVIDER",
    "REQUEST_MODEL",
    "RESPONSE_MODEL",
    "MemorySink",
    "add_trace_ids",
    "build_tracer_provider",
    "span_event",
    "trace_id",
    "tracer_of",
]

# OpenTelemetry GenAI semantic conventions
OPERATION = "gen_ai.operation.name"
PROVIDER = "gen_ai.provider.name"
REQUEST_MODEL = "gen_ai.request.model"
RESPONSE_MODEL = "gen_ai.response.model"
INPUT_TOKENS = "gen_ai.usage.input_tokens"
OUTPUT_TOKENS = "gen_ai.usage.output_tokens"
CONVERSATION_ID = "gen_ai.conversation.id"


def build_tracer_provider(
    settings: TracingSettings, exporter: SpanExporter | None = None
) -> TracerProvider | None:
    """A provider exporting over OTLP/HTTP when an endpoint is set (or to ``exporter``);
    None when tracing is off."""
    if not settings.enabled:
        return None
    provider = TracerProvider(
        resource=Resource.create(
            {"service.name": settings.service_name, "service.version": __version__}
        ),
        # every trace kept: the plain parent-based sampler, which skips the ratio's arithmetic
        sampler=ParentBased(ALWAYS_ON)
        if settings.sample_ratio >= 1
        else ParentBasedTraceIdRatio(settings.sample_ratio),
    )
    if exporter is None and settings.sink == "memory":
        exporter = MemorySink()
    if exporter is None and settings.otlp_endpoint:
        exporter = OtlpHttpSpanExporter(settings.otlp_endpoint, settings.otlp_headers)
    if exporter is not None:
        provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


class MemorySink(SpanExporter):
    """Encodes each batch as the OTLP exporter does and keeps only the last one."""

    def __init__(self) -> None:
        self.last = b""
        self.spans = 0

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        self.last = encode_spans(spans)
        self.spans += len(spans)
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        return None


def tracer_of(provider: TracerProvider | None) -> Tracer | None:
    return provider.get_tracer("colonnade", __version__) if provider is not None else None


def trace_id(span: Span | None = None) -> str | None:
    """The current (or given) span's trace id as 32 hex digits; None outside a trace."""
    context = (span or trace.get_current_span()).get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


def span_event(name: str, **attributes: Any) -> None:
    """An event on the current span (a fallback, a breaker decision); nothing outside a trace."""
    span = trace.get_current_span()
    if span.is_recording():
        span.add_event(name, {k: v for k, v in attributes.items() if v is not None})


def add_trace_ids(
    _logger: Any, _method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: every line logged inside a trace carries its trace and span id."""
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event.setdefault("trace_id", format(context.trace_id, "032x"))
        event.setdefault("span_id", format(context.span_id, "016x"))
    return event

"""The span encoder against the OpenTelemetry library's own, and the OTLP/HTTP exporter
against a real receiver on loopback that fails as collectors do."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans as library_encode
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import (
    Link,
    NonRecordingSpan,
    SpanContext,
    SpanKind,
    Status,
    StatusCode,
    TraceFlags,
    TraceState,
    set_span_in_context,
)

from colonnade.observability.otlp import OtlpHttpSpanExporter, encode_spans
from tests.servers import free_port, serve_handler


def _value(rng: random.Random) -> Any:
    kind = rng.choice(["str", "int", "neg", "big", "float", "bool", "list", "empty", "unicode"])
    return {
        "str": lambda: rng.choice(["chat", "gpt-4o", "/v1/answers", ""]),
        "int": lambda: rng.randrange(0, 300),
        "neg": lambda: -rng.randrange(1, 10**12),
        "big": lambda: rng.randrange(2**40, 2**63),
        "float": lambda: rng.choice([0.0, -1.5, 0.7, 1e300]),
        "bool": lambda: rng.random() < 0.5,
        "list": lambda: rng.choice([["stop"], [1, 2, 3], [True, False], [0.5], []]),
        "empty": lambda: "",
        "unicode": lambda: "Zürich — 東京 ✓",
    }[kind]()


def _random_spans(seed: int) -> list[ReadableSpan]:
    rng = random.Random(seed)
    spans: list[ReadableSpan] = []
    for resource in (
        Resource.create({"service.name": "colonnade", "k8s.pod.name": "api-0"}),
        Resource({}, schema_url="https://opentelemetry.io/schemas/1.26.0"),
    ):
        sink = InMemorySpanExporter()
        provider = TracerProvider(resource=resource)
        provider.add_span_processor(SimpleSpanProcessor(sink))
        tracers = [
            provider.get_tracer("colonnade", "1.2.3"),
            provider.get_tracer("other", None, schema_url="https://example.com/s"),
        ]
        remote = SpanContext(
            rng.getrandbits(128) or 1,
            rng.getrandbits(64) or 1,
            is_remote=True,
            trace_flags=TraceFlags(1),
            trace_state=TraceState([("vendor", "abc"), ("rojo", "00f067aa0ba902b7")]),
        )
        for i in range(25):
            tracer = rng.choice(tracers)
            parent = set_span_in_context(NonRecordingSpan(remote)) if i % 3 == 0 else None
            links = [Link(remote, {"link.kind": _value(rng)})] if i % 4 == 0 else []
            with tracer.start_as_current_span(
                f"span {i} ✓", context=parent, kind=rng.choice(list(SpanKind)), links=links
            ) as outer:
                outer.set_attributes({f"a{j}": _value(rng) for j in range(rng.randrange(0, 8))})
                with tracer.start_as_current_span("inner") as inner:
                    if rng.random() < 0.5:
                        inner.add_event("fallback", {"reason": _value(rng), "attempt": 2})
                    if rng.random() < 0.3:
                        inner.add_event("empty")
                    inner.set_status(
                        rng.choice(
                            [
                                Status(StatusCode.ERROR, "upstream timed out"),
                                Status(StatusCode.ERROR),
                                Status(StatusCode.OK),
                                Status(StatusCode.UNSET),
                            ]
                        )
                    )
        spans += sink.get_finished_spans()
        provider.shutdown()
    rng.shuffle(spans)
    return spans


@pytest.mark.parametrize("seed", range(8))
def test_the_encoding_decodes_to_the_message_the_library_builds(seed: int) -> None:
    spans = _random_spans(seed)
    ours = ExportTraceServiceRequest.FromString(encode_spans(spans))
    assert ours == library_encode(spans)
    # a second pass reads the remembered attribute bytes: the same message again
    assert ExportTraceServiceRequest.FromString(encode_spans(spans)) == ours


def test_equal_values_of_other_types_and_levels_keep_their_own_encoding() -> None:
    """The remembered bytes of an attribute belong to one field number and one value type:
    the same key and value on a resource, a span, an event and a link, and values that are
    equal in Python (1 and 1.0 and True, -0.0 and 0.0, (1, 2) and (1.0, 2.0)), stay apart."""
    shared = {"k": "v", "n": 1}
    sink = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource(shared))
    provider.add_span_processor(SimpleSpanProcessor(sink))
    tracer = provider.get_tracer("colonnade", "1")
    pairs = [(1, 1.0), (1, True), (0.0, -0.0), ((1, 2), (1.0, 2.0)), ((1, 0), (True, False))]
    with tracer.start_as_current_span("linked") as first:
        first.set_attributes(shared)
    link = Link(first.get_span_context(), shared)
    for a, b in pairs:
        for value in (a, b, a):
            with tracer.start_as_current_span("s", links=[link]) as span:
                span.set_attributes({**shared, "x": value})
                span.add_event("e", {**shared, "x": value})
    spans = sink.get_finished_spans()
    for _ in range(2):  # the second pass reads only remembered bytes
        assert ExportTraceServiceRequest.FromString(encode_spans(spans)) == library_encode(spans)


def test_equal_resources_share_a_group_and_unencodable_values_are_left_out() -> None:
    spans: list[ReadableSpan] = []
    for _ in range(2):  # two providers with equal resources, as the library groups them
        sink = InMemorySpanExporter()
        provider = TracerProvider(resource=Resource({"service.name": "colonnade"}))
        provider.add_span_processor(SimpleSpanProcessor(sink))
        with provider.get_tracer("colonnade", "1").start_as_current_span("s") as span:
            span.set_attributes({"ok": 1, "huge": 2**64 + 5, "huge_list": [1, 2**70]})
        spans += sink.get_finished_spans()
    ours = ExportTraceServiceRequest.FromString(encode_spans(spans))
    assert ours == library_encode(spans)
    assert len(ours.resource_spans) == 1
    [kept] = {
        tuple(a.key for a in s.attributes) for s in ours.resource_spans[0].scope_spans[0].spans
    }
    assert kept == ("ok",)


def test_an_attribute_value_without_an_encoding_is_refused_by_name() -> None:
    from colonnade.observability.otlp import _value

    with pytest.raises(TypeError, match="of type object"):
        _value(object())


class _Collector(BaseHTTPRequestHandler):
    """Answers with the statuses in ``plan`` (then 200) and keeps every body it decoded; a
    503 asks to come back in 0 seconds, a 400 says why."""

    plan: list[int]
    got: list[ExportTraceServiceRequest]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.got.append(ExportTraceServiceRequest.FromString(body))
        status = self.plan.pop(0) if self.plan else 200
        reply = b"unknown field in span" if status == 400 else b""
        self.send_response(status)
        if status == 503:
            self.send_header("Retry-After", "0")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def _collector(plan: list[int]) -> Iterator[tuple[str, list[ExportTraceServiceRequest]]]:
    got: list[ExportTraceServiceRequest] = []
    with serve_handler(type("C", (_Collector,), {"plan": plan, "got": got})) as url:
        yield f"{url}/v1/traces", got


def test_the_exporter_retries_a_busy_collector_and_delivers_the_batch_once() -> None:
    spans = _random_spans(1)
    with _collector([503, 503, 429]) as (url, got):
        exporter = OtlpHttpSpanExporter(url, {"x-tenant": "a"}, timeout=10)
        assert exporter.export(spans) is SpanExportResult.SUCCESS
        exporter.shutdown()
    assert len(got) == 4 and got[-1] == library_encode(spans)


def test_the_exporter_gives_up_on_a_refusal_and_on_a_collector_that_is_gone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from colonnade.observability import configure_logging

    configure_logging("INFO", json=True)
    spans = _random_spans(2)
    with _collector([400]) as (url, got):
        secret = url.replace("http://", "http://trace-user:s3cret-pass@") + "?token=abc123"
        exporter = OtlpHttpSpanExporter(secret, timeout=5)
        assert exporter.export(spans) is SpanExportResult.FAILURE
        assert len(got) == 1  # a 400 is not retried
        logged = capsys.readouterr().err
        assert "unknown field in span" in logged  # the collector's reason
        assert "s3cret-pass" not in logged and "abc123" not in logged and "/v1/traces" in logged
        exporter.shutdown()
        assert exporter.export(spans) is SpanExportResult.FAILURE  # after shutdown: nothing sent
        assert len(got) == 1
    gone = OtlpHttpSpanExporter(f"http://127.0.0.1:{free_port()}/v1/traces", timeout=1.5)
    assert gone.export(spans) is SpanExportResult.FAILURE  # retried until the timeout, then dropped
    gone.shutdown()

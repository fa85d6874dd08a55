"""One trace per request through every layer, with the GenAI semantic conventions.

Spans go to the SDK's in-memory exporter, and over OTLP/HTTP to a receiver on
loopback that decodes the protobuf ``ExportTraceServiceRequest`` it gets.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from colonnade.api import create_app
from colonnade.container import Container
from colonnade.knowledge.embedders import MiniLMEmbedder
from colonnade.knowledge.sources import FolderSource
from colonnade.observability import configure_logging
from colonnade.settings import Settings
from tests.conftest import HANDBOOK
from tests.llm.conftest import managed
from tests.llm.fake_openai import Script, fake_openai_app
from tests.servers import serve, serve_handler

pytestmark = pytest.mark.integration
QUESTION = "How long is parental leave for the primary carer?"


@contextmanager
def running(container: Container) -> Iterator[httpx.Client]:
    s = container.settings
    report = container.ingestor.ingest(
        FolderSource(HANDBOOK, exclude=s.ingestion.exclude), "handbook"
    )
    assert report.ok, report.failed
    with serve(create_app(s, container=container)) as url:
        key = (s.storage.data_dir / "api_key").read_text().strip()
        with httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=60
        ) as client:
            yield client


def _attrs(span: ReadableSpan) -> dict[str, Any]:
    return dict(span.attributes or {})


def test_a_question_is_one_trace_from_the_api_to_each_provider_attempt(
    tmp_path: Path, minilm: MiniLMEmbedder, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", json=True)
    primary, backup = Script(default="Primary."), Script(default="Twenty weeks [1].")
    primary.replies = [500]
    exporter = InMemorySpanExporter()
    with ExitStack() as stack:
        p_url = stack.enter_context(serve(fake_openai_app(primary, name="primary")))
        b_url = stack.enter_context(serve(fake_openai_app(backup, name="backup")))
        settings = Settings(
            storage={"data_dir": tmp_path},  # type: ignore[arg-type]
            llm={  # type: ignore[arg-type]
                "deployments": {
                    "primary": managed(f"{p_url}/v1"),
                    "backup": managed(f"{b_url}/v1", model="gpt-backup"),
                },
                "routes": {"chat": {"deployments": ["primary"], "fallbacks": ["backup"]}},
            },
            tracing={"enabled": True},  # type: ignore[arg-type]
            security={"cache": {"enabled": False}},  # type: ignore[arg-type]
        )
        c = Container(settings)
        c.__dict__["embedder"] = minilm
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        c.__dict__["tracer_provider"] = provider
        with running(c) as client:
            r = client.post("/v1/answers", json={"question": QUESTION})
            assert r.status_code == 200, r.text
            conversation = r.json()["conversation_id"]
            bad = client.post("/v1/answers", json={"question": "   "})
        c.close()
    spans = exporter.get_finished_spans()
    by_name: dict[str, list[ReadableSpan]] = {}
    for span in spans:
        by_name.setdefault(span.name, []).append(span)
    [server] = [
        s for s in by_name["POST /v1/answers"] if _attrs(s)["http.response.status_code"] == 200
    ]
    trace = server.context.trace_id
    ours = [s for s in spans if s.context.trace_id == trace]
    names = {s.name for s in ours}
    assert {"invoke_agent colonnade-assistant", "retrieval knowledge", "chat chat"} <= names
    assert f"embeddings {minilm.model_id}" in names
    [agent] = by_name["invoke_agent colonnade-assistant"][:1]
    assert _attrs(agent)["gen_ai.conversation.id"] == conversation
    assert agent.parent is not None and agent.parent.span_id == server.context.span_id
    [retrieval] = [s for s in ours if s.name == "retrieval knowledge"]
    assert _attrs(retrieval)["gen_ai.operation.name"] == "retrieval"
    assert retrieval.parent is not None and retrieval.parent.span_id == agent.context.span_id
    # the alias's span holds the fallback as an event, above one span per provider attempt
    [alias] = [s for s in ours if s.name == "chat chat"]
    assert _attrs(alias)["gen_ai.request.model"] == "chat"
    fallbacks = [e for e in alias.events if e.name == "colonnade.fallback"]
    assert [dict(e.attributes or {})["deployment"] for e in fallbacks] == ["primary"]
    attempts = [s for s in ours if s.parent and s.parent.span_id == alias.context.span_id]
    failed, served = sorted(attempts, key=lambda s: s.start_time or 0)
    assert (_attrs(failed)["gen_ai.provider.name"], _attrs(failed)["error.type"]) == (
        "openai",
        "server",
    )
    assert _attrs(served)["gen_ai.request.model"] == "gpt-backup"
    assert _attrs(served)["gen_ai.usage.input_tokens"] > 0
    assert _attrs(served)["gen_ai.usage.output_tokens"] > 0
    assert _attrs(alias)["colonnade.deployment"] == "backup"
    # tokens are counted once, on the call that used them; the request's own facts on the alias
    assert "gen_ai.usage.input_tokens" not in _attrs(alias)
    assert "colonnade.classification" in _attrs(alias)
    assert "colonnade.classification" not in _attrs(served)
    # the trace id is in problem documents and on every log line logged inside the trace
    problem = bad.json()
    assert bad.status_code == 422 and len(problem["trace_id"]) == 32
    assert any(s.context.trace_id == int(problem["trace_id"], 16) for s in spans)
    lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    [failure] = [x for x in lines if x.get("event") == "llm_call_failed"]
    assert failure["trace_id"] == format(trace, "032x")


class _Receiver(BaseHTTPRequestHandler):
    got: list[ExportTraceServiceRequest]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        assert self.headers["Content-Type"] == "application/x-protobuf"
        self.got.append(ExportTraceServiceRequest.FromString(body))
        reply = ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: Any) -> None:
        pass


def test_spans_are_exported_over_otlp_http(tmp_path: Path, minilm: MiniLMEmbedder) -> None:
    got: list[ExportTraceServiceRequest] = []
    with serve_handler(type("Receiver", (_Receiver,), {"got": got})) as url:
        settings = Settings(
            storage={"data_dir": tmp_path},  # type: ignore[arg-type]
            tracing={  # type: ignore[arg-type]
                "enabled": True,
                "otlp_endpoint": f"{url}/v1/traces",
                "service_name": "colonnade-test",
            },
        )
        c = Container(settings)
        c.__dict__["embedder"] = minilm
        with running(c) as client:
            assert client.post("/v1/answers", json={"question": QUESTION}).status_code == 200
        c.close()  # shuts the provider down: the batch is flushed to the receiver
    resources = [rs for request in got for rs in request.resource_spans]
    service = {
        a.value.string_value
        for rs in resources
        for a in rs.resource.attributes
        if a.key == "service.name"
    }
    assert service == {"colonnade-test"}
    names = {s.name for rs in resources for ss in rs.scope_spans for s in ss.spans}
    assert {"POST /v1/answers", "invoke_agent colonnade-assistant", "retrieval knowledge"} <= names
    traces = {s.trace_id for rs in resources for ss in rs.scope_spans for s in ss.spans}
    assert len(traces) >= 1 and all(len(t) == 16 for t in traces)


def test_the_memory_sink_encodes_each_batch_as_otlp_would() -> None:
    from colonnade.observability.tracing import MemorySink, build_tracer_provider, tracer_of
    from colonnade.settings import TracingSettings

    assert build_tracer_provider(TracingSettings()) is None  # off by default
    sink = MemorySink()
    provider = build_tracer_provider(TracingSettings(enabled=True), exporter=sink)
    tracer = tracer_of(provider)
    assert provider is not None and tracer is not None
    with tracer.start_as_current_span("outer"), tracer.start_as_current_span("inner"):
        pass
    provider.force_flush()
    sent = ExportTraceServiceRequest.FromString(sink.last)
    names = {s.name for rs in sent.resource_spans for ss in rs.scope_spans for s in ss.spans}
    assert (sink.spans, names) == (2, {"outer", "inner"})
    provider.shutdown()

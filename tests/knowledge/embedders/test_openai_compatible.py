"""The OpenAI-compatible adapter against a real HTTP server on loopback.

The server implements ``POST /v1/embeddings`` (the wire format of OpenAI,
Azure OpenAI, vLLM and Ollama) on top of the local MiniLM model, and can be
told to fail.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from colonnade.errors import EmbeddingError
from colonnade.knowledge.embedders import MiniLMEmbedder, OpenAICompatibleEmbedder
from colonnade.knowledge.ports import Embedder
from tests.knowledge.embedder_contract import EmbedderContract


class _Server(ThreadingHTTPServer):
    model: Embedder
    fail_with: int | None = None
    requests: list[dict[str, object]]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(body)
        if self.path != "/v1/embeddings":
            return self._send(404, {"error": {"message": "not found"}})
        if self.server.fail_with:
            return self._send(self.server.fail_with, {"error": {"message": "upstream trouble"}})
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        vectors = self.server.model.embed_documents(inputs)
        data = [
            {"object": "embedding", "index": i, "embedding": v.tolist()}
            for i, v in reversed(list(enumerate(vectors)))  # out of order on purpose
        ]
        self._send(
            200,
            {
                "object": "list",
                "data": data,
                "model": body["model"],
                "usage": {"prompt_tokens": 1, "total_tokens": 1},
            },
        )

    def _send(self, status: int, payload: dict[str, object]) -> None:
        raw = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


@pytest.fixture
def server(minilm: MiniLMEmbedder) -> Iterator[_Server]:
    srv = _Server(("127.0.0.1", 0), _Handler)
    srv.model = minilm
    srv.requests = []
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _client(server: _Server, **kw: object) -> OpenAICompatibleEmbedder:
    host, port = server.server_address[:2]
    return OpenAICompatibleEmbedder(
        model="text-embedding-3-small",
        base_url=f"http://{host}:{port}/v1",
        api_key="sk-test",
        max_retries=0,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.integration
class TestOpenAICompatible(EmbedderContract):
    @pytest.fixture
    def embedder(self, server: _Server) -> OpenAICompatibleEmbedder:
        return _client(server, batch_size=8)


@pytest.mark.integration
def test_batches_requests(server: _Server) -> None:
    emb = _client(server, batch_size=4, dimensions=384)
    assert emb.embed_documents([f"t{i}" for i in range(10)]).shape == (10, 384)
    assert [len(r["input"]) for r in server.requests] == [4, 4, 2]  # type: ignore[arg-type]
    assert all(r["dimensions"] == 384 for r in server.requests)
    assert emb.model_id == "openai:text-embedding-3-small:384"


@pytest.mark.integration
@pytest.mark.parametrize(("status", "retryable"), [(429, True), (503, True), (400, False)])
def test_upstream_errors_are_mapped(server: _Server, status: int, retryable: bool) -> None:
    server.fail_with = status
    with pytest.raises(EmbeddingError) as info:
        _client(server).embed_documents(["x"])
    assert info.value.retryable is retryable
    assert info.value.data["status_code"] == status


def test_unreachable_endpoint() -> None:
    emb = OpenAICompatibleEmbedder(
        model="m", base_url="http://127.0.0.1:9/v1", api_key="k", max_retries=0, timeout_s=2
    )
    with pytest.raises(EmbeddingError, match="cannot reach") as info:
        emb.embed_query("x")
    assert info.value.retryable

"""/metrics counts API requests by route template, method and status class, with latency:
what the canary analysis and the API alerts read."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi.routing import APIRoute
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from colonnade.api.app import create_app
from colonnade.container import Container
from colonnade.identity import LocalKeyAuthenticator
from colonnade.knowledge.embedders import MiniLMEmbedder
from colonnade.settings import Settings
from tests.servers import serve


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_requests_are_counted_by_route_template_and_status(
    tmp_path: Path, minilm: MiniLMEmbedder
) -> None:
    settings = Settings(storage={"data_dir": tmp_path}, security={"limits": {"enabled": False}})  # type: ignore[arg-type]
    container = Container(settings)
    container.__dict__["embedder"] = minilm
    key = LocalKeyAuthenticator(tmp_path, None).key
    with serve(create_app(settings, container=container)) as url:
        auth = {"Authorization": f"Bearer {key}"}
        for _ in range(3):
            assert httpx.get(f"{url}/healthz").status_code == 200
        assert httpx.get(f"{url}/v1/conversations/abc", headers=auth).status_code == 404
        assert httpx.get(f"{url}/no/such/path").status_code == 404
        assert (
            httpx.get(
                f"{url}/v1/conversations", headers={"Authorization": "Bearer wrong"}
            ).status_code
            == 401
        )
        text = httpx.get(f"{url}/metrics", headers=auth).text
    found = samples(text)

    def count(route: str, method: str, status: str) -> float:
        labels = frozenset({"route": route, "method": method, "status": status}.items())
        return found.get(("colonnade_http_requests_total", labels), 0.0)

    assert count("/healthz", "GET", "2xx") == 3
    assert (
        count("/v1/conversations/{conversation_id}", "GET", "4xx") == 1
    )  # the template, not the id
    assert count("unmatched", "GET", "4xx") == 1
    assert count("/v1/conversations", "GET", "4xx") == 1
    latency = frozenset({"route": "/healthz", "method": "GET"}.items())
    assert found[("colonnade_http_request_seconds_count", latency)] == 3


def test_apps_sharing_a_container_share_the_metrics(tmp_path: Path, minilm: MiniLMEmbedder) -> None:
    settings = Settings(storage={"data_dir": tmp_path}, ml={"enabled": False})  # type: ignore[arg-type]
    container = Container(settings)
    container.__dict__["embedder"] = minilm
    for _ in range(2):  # a second app on the same registry must not register the metrics again
        with serve(create_app(settings, container=container)) as url:
            assert httpx.get(f"{url}/healthz").status_code == 200
    text = generate_latest(container.llm_metrics.registry).decode()
    labels = frozenset({"route": "/healthz", "method": "GET", "status": "2xx"}.items())
    assert samples(text)[("colonnade_http_requests_total", labels)] == 2


def test_chat_completions_are_served_by_the_plain_asgi_route_ahead_of_fastapi(
    tmp_path: Path, minilm: MiniLMEmbedder
) -> None:
    """The hottest route skips FastAPI's request handling, yet answers errors in OpenAI's
    shape through the same handlers and is counted under its template."""
    settings = Settings(storage={"data_dir": tmp_path}, security={"limits": {"enabled": False}})  # type: ignore[arg-type]
    container = Container(settings)
    container.__dict__["embedder"] = minilm
    app = create_app(settings, container=container)
    first = app.router.routes[0]
    assert getattr(first, "path", None) == "/v1/chat/completions"
    assert not isinstance(first, APIRoute)
    key = LocalKeyAuthenticator(tmp_path, None).key
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}
    with serve(app) as url:
        auth = {"Authorization": f"Bearer {key}"}
        refused = httpx.post(f"{url}/v1/chat/completions", json=body)
        unknown = httpx.post(f"{url}/v1/chat/completions", json=body, headers=auth)
        bad = httpx.post(f"{url}/v1/chat/completions", content=b"{", headers=auth)
        text = httpx.get(f"{url}/metrics", headers=auth).text
    assert refused.status_code == 401
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "model_not_found"
    assert unknown.headers["x-request-id"]
    assert bad.status_code == 400
    assert "not valid JSON" in bad.json()["error"]["message"]
    labels = frozenset({"route": "/v1/chat/completions", "method": "POST", "status": "4xx"}.items())
    assert samples(text)[("colonnade_http_requests_total", labels)] == 3

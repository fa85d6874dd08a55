from __future__ import annotations

import httpx

from colonnade.api.problems import OPENAI_PATHS
from tests.api.conftest import Api


def test_health_needs_no_key(api: Api) -> None:
    assert httpx.get(f"{api.url}/healthz").json() == {"status": "ok", "checks": {}}
    ready = httpx.get(f"{api.url}/readyz").json()
    assert ready == {"status": "ok", "checks": {"store": "ok", "embedder": "ok"}}


def test_every_route_needs_the_key(api: Api) -> None:
    for method, path in [
        ("POST", "/v1/answers"),
        ("GET", "/v1/conversations"),
        ("POST", "/v1/search"),
        ("GET", "/v1/documents"),
        ("GET", "/v1/collections"),
    ]:
        r = httpx.request(method, f"{api.url}{path}", json={"question": "q", "query": "q"})
        assert r.status_code == 401, path
        assert r.headers["www-authenticate"] == "Bearer"
        assert r.headers["content-type"] == "application/problem+json"
        assert "colonnade api-key" in r.json()["detail"]
    wrong = httpx.get(f"{api.url}/v1/collections", headers={"Authorization": "Bearer col_wrong"})
    assert wrong.status_code == 401 and "not valid" in wrong.json()["detail"]
    as_header = httpx.get(f"{api.url}/v1/collections", headers={"X-API-Key": api.key})
    assert as_header.status_code == 200


def test_the_key_file_is_private_and_stable(api: Api) -> None:
    path = api.container.settings.storage.data_dir / "api_key"
    assert path.stat().st_mode & 0o077 == 0
    from colonnade.identity import LocalKeyAuthenticator

    assert LocalKeyAuthenticator(path.parent).key == api.key


def test_unknown_routes_are_problems_too(client: httpx.Client) -> None:
    r = client.get("/v1/nothing-here")
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    r = client.put("/v1/answers")
    assert r.status_code == 405 and r.json()["status"] == 405


def test_openapi_describes_every_route_and_its_errors(api: Api) -> None:
    spec = httpx.get(f"{api.url}/openapi.json").json()
    routes = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    assert routes >= {
        ("POST", "/v1/answers"),
        ("GET", "/v1/conversations"),
        ("GET", "/v1/conversations/{conversation_id}"),
        ("PATCH", "/v1/conversations/{conversation_id}"),
        ("DELETE", "/v1/conversations/{conversation_id}"),
        ("POST", "/v1/search"),
        ("POST", "/v1/documents"),
        ("GET", "/v1/documents"),
        ("GET", "/v1/documents/{document_id}"),
        ("DELETE", "/v1/documents/{document_id}"),
        ("GET", "/v1/collections"),
        ("GET", "/healthz"),
        ("GET", "/readyz"),
        ("POST", "/v1/chat/completions"),
        ("POST", "/v1/embeddings"),
        ("GET", "/v1/models"),
        ("GET", "/v1/admin/llm"),
        ("GET", "/v1/admin/llm/usage"),
        ("GET", "/v1/admin/llm/shadows"),
        ("GET", "/metrics"),
    }
    for path, ops in spec["paths"].items():
        if not path.startswith("/v1/"):
            continue
        for method, op in ops.items():
            if path in OPENAI_PATHS:  # OpenAI's error shape, for the SDKs
                assert op["responses"]["401"]["content"] == {
                    "application/json": {"schema": {"$ref": "#/components/schemas/OpenAIError"}}
                }, (method, path)
                assert op.get("security"), (method, path)
                continue
            for status in ("401", "422"):
                if status == "422" and status not in op["responses"]:
                    continue  # nothing to validate: no body, query or path parameters
                assert op["responses"][status]["content"] == {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                }, (method, path, status)
            assert "HTTPValidationError" not in str(op["responses"]), (method, path)
            assert op.get("security"), (method, path)
    answers = spec["paths"]["/v1/answers"]["post"]["responses"]["200"]["content"]
    assert {"application/json", "text/event-stream"} <= set(answers)

"""Every operation in /openapi.json has a written summary and a typed 2xx answer, and the
answers real calls get conform to what the document says about their status and media type:
the schemas are true, not only present."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from colonnade.api.app import create_app
from tests.api.conftest import Api
from tests.ml.conftest import Trained, ml_settings, trained  # noqa: F401 (a fixture)
from tests.ml.test_serving import LOYAL, ROW, _key
from tests.servers import serve

_JSON = ("application/json", "application/problem+json")
_LINES = ("application/x-ndjson", "application/jsonl")


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _typed(spec: dict[str, Any], schema: dict[str, Any]) -> bool:
    """A schema that says something: a type (objects with their properties, arrays with
    their items), or a choice of such schemas."""
    schema = _resolve(spec, schema)
    if "anyOf" in schema or "oneOf" in schema:
        return all(_typed(spec, s) for s in schema.get("anyOf", schema.get("oneOf", [])))
    kind = schema.get("type")
    if kind == "object":
        return bool(schema.get("properties"))
    if kind == "array":
        return _typed(spec, schema.get("items", {}))
    return kind in ("string", "integer", "number", "boolean", "null")


def conforms(spec: dict[str, Any], path: str, method: str, response: httpx.Response) -> None:
    """The answer's status and media type are documented for the operation, and its body
    validates against the schema documented for them."""
    op = spec["paths"][path][method]
    doc = op["responses"].get(str(response.status_code))
    assert doc is not None, f"{method} {path}: {response.status_code} is not documented"
    if response.status_code == 204:
        return
    media = response.headers["content-type"].split(";")[0].strip()
    assert media in doc.get("content", {}), f"{method} {path}: {media} is not documented"
    documented = doc["content"][media]["schema"]
    assert not response.is_success or _typed(spec, documented), f"{method} {path}: untyped"
    schema = {**documented, "components": spec["components"]}
    validator = Draft202012Validator(schema)
    if media in _JSON:
        validator.validate(response.json())
    elif media in _LINES and _resolve(spec, documented).get("properties"):
        for line in response.text.splitlines():
            validator.validate(json.loads(line))


@pytest.fixture(scope="module")
def spec(api: Api) -> dict[str, Any]:
    document: dict[str, Any] = httpx.get(f"{api.url}/openapi.json").json()
    return document


def test_every_operation_has_a_summary_and_a_typed_success(spec: dict[str, Any]) -> None:
    operations = [(p, m, op) for p, ops in spec["paths"].items() for m, op in ops.items()]
    assert len(operations) > 40
    for path, method, op in operations:
        where = f"{method.upper()} {path}"
        summary = op.get("summary", "")
        # FastAPI's fallback is the function's name ("Get Approval"): that is no summary
        assert summary, where
        assert not op["operationId"].startswith(summary.lower().replace(" ", "_") + "_"), where
        ok = {code: r for code, r in op["responses"].items() if code.startswith("2")}
        assert ok, f"{where}: no 2xx response"
        for code, response in ok.items():
            if code == "204":
                assert not response.get("content"), where
                continue
            content = response.get("content")
            assert content, f"{where} {code}: no content"
            for media, body in content.items():
                assert _typed(spec, body.get("schema", {})), f"{where} {code} {media}: {body}"


def test_every_plain_read_answers_as_documented(
    spec: dict[str, Any], api: Api, client: httpx.Client
) -> None:
    # a rated turn, so the feedback export has a line to check
    answer = client.post("/v1/answers", json={"question": "How many days of annual leave?"})
    conforms(spec, "/v1/answers", "post", answer)
    cid, turn = answer.json()["conversation_id"], answer.json()["turn"]
    url = "/v1/conversations/{conversation_id}/turns/{turn}/feedback"
    rated = client.put(url.format(conversation_id=cid, turn=turn), json={"rating": "up"})
    conforms(spec, url, "put", rated)

    answered = {}
    for path, ops in spec["paths"].items():
        if "get" in ops and "{" not in path:
            response = client.get(path)
            conforms(spec, path, "get", response)
            answered[path] = response
    ok = {p for p, r in answered.items() if r.is_success}
    assert {"/v2/health/live", "/v2", "/v1/admin/feedback", "/v1/tools", "/v1/usage"} <= ok
    assert {"/v1/documents", "/v1/collections", "/v1/conversations", "/healthz"} <= ok
    assert answered["/v1/admin/feedback"].text.count("\n") == 1
    # no model is served here: the protocol's "not ready" is documented too
    assert answered["/v2/health/ready"].status_code == 400


def test_answers_with_parameters_match_the_document(
    spec: dict[str, Any], client: httpx.Client
) -> None:
    documents = client.get("/v1/documents").json()
    doc = next(d for d in documents if d["title"])
    for path in ("/v1/documents/{document_id}", "/v1/documents/{document_id}/original"):
        response = client.get(path.format(document_id=doc["id"]))
        assert response.is_success, response.text
        conforms(spec, path, "get", response)
    missing = client.get("/v1/documents/nope/original")
    assert missing.status_code == 404
    conforms(spec, "/v1/documents/{document_id}/original", "get", missing)

    path = "/v1/tools/{name}"
    called = client.post(
        path.format(name="knowledge_search"), json={"arguments": {"query": "leave"}}
    )
    assert called.status_code == 200, called.text
    conforms(spec, path, "post", called)
    assert called.json()["status"] == "done"
    unknown = client.post(path.format(name="nope"), json={"arguments": {}})
    conforms(spec, path, "post", unknown)

    for path in ("/v2/models/{name}", "/v2/models/{name}/ready"):
        response = client.get(path.format(name="churn"))
        assert response.status_code in (404, 503), response.text
        conforms(spec, path, "get", response)


@pytest.fixture(scope="module")
def served(
    trained: Trained,  # noqa: F811 (the fixture imported above)
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, str]]:
    """A server with a trained churn model as champion, and its admin key."""
    data_dir = tmp_path_factory.mktemp("complete") / "data"
    shutil.copytree(trained.data_dir, data_dir, ignore=shutil.ignore_patterns("serving"))
    settings = ml_settings(data_dir)
    settings.security.limits.enabled = False
    with serve(create_app(settings)) as url:
        yield url, _key(data_dir)


def test_inference_v2_answers_match_the_document(served: tuple[str, str]) -> None:
    url, key = served
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) as c:
        spec = c.get("/openapi.json").json()
        conforms(spec, "/v2/health/ready", "get", ready := c.get("/v2/health/ready"))
        assert ready.json() == {"ready": True}
        meta = c.get("/v2/models/churn")
        assert meta.status_code == 200, meta.text
        conforms(spec, "/v2/models/{name}", "get", meta)
        conforms(spec, "/v2/models/{name}/ready", "get", c.get("/v2/models/churn/ready"))
        datatypes = {t["name"]: t["datatype"] for t in meta.json()["inputs"]}
        inputs = [
            {"name": n, "datatype": t, "shape": [2], "data": [ROW[n], LOYAL[n]]}
            for n, t in datatypes.items()
        ]
        for body in ({"id": "r1", "inputs": inputs}, {"inputs": inputs}):
            scored = c.post("/v2/models/churn/infer", json=body)
            assert scored.status_code == 200, scored.text
            conforms(spec, "/v2/models/{name}/infer", "post", scored)
        assert [o["shape"] for o in scored.json()["outputs"]] == [[2], [2]]
        conforms(
            spec,
            "/v1/predictions/models/{name}/drift",
            "get",
            c.get("/v1/predictions/models/churn/drift"),
        )
        conforms(spec, "/v1/predictions/models", "get", c.get("/v1/predictions/models"))

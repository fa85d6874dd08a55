"""Every operation in /openapi.json says what it takes and answers; the OpenAI-compatible
routes' documented shapes match what they really send."""

from __future__ import annotations

import re
from typing import Any

import httpx
from pydantic import TypeAdapter

from colonnade.api.openapi_docs import ChatCompletion, ModelList, Usage
from tests.api.conftest import Api


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    assert ref.startswith("#/components/schemas/"), schema
    found: dict[str, Any] = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return found


def test_raw_json_routes_have_request_and_response_schemas(api: Api) -> None:
    spec = httpx.get(f"{api.url}/openapi.json").json()
    paths = spec["paths"]
    chat = paths["/v1/chat/completions"]["post"]
    request = _resolve(spec, chat["requestBody"]["content"]["application/json"]["schema"])
    assert {"model", "messages"} <= set(request["required"])
    for path, method in [
        ("/v1/chat/completions", "post"),
        ("/v1/embeddings", "post"),
        ("/v1/models", "get"),
        ("/v1/usage", "get"),
        ("/v1/admin/usage/keys/{key_id}", "get"),
        ("/v1/admin/audit/verify", "get"),
        ("/v1/admin/llm", "get"),
        ("/v1/admin/llm/usage", "get"),
        ("/v1/admin/llm/shadows", "get"),
    ]:
        ok = paths[path][method]["responses"]["200"]["content"]["application/json"]["schema"]
        assert _resolve(spec, ok)["properties"], path
    # every $ref in the document points at a schema that exists
    text = httpx.get(f"{api.url}/openapi.json").text
    for name in set(re.findall(r'"#/components/schemas/([^"]+)"', text)):
        assert name in spec["components"]["schemas"], name


def test_documented_shapes_match_the_answers(api: Api) -> None:
    headers = {"Authorization": f"Bearer {api.key}"}
    models = httpx.get(f"{api.url}/v1/models", headers=headers).json()
    TypeAdapter(ModelList).validate_python(models)
    usage = httpx.get(f"{api.url}/v1/usage", headers=headers).json()
    TypeAdapter(Usage).validate_python(usage)
    assert ChatCompletion.model_fields["choices"].is_required()

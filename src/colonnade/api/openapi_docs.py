"""Schemas in the OpenAPI document for routes that read or write raw JSON.

The OpenAI-compatible routes pass unknown fields through to the upstream model, so they
parse the body themselves; the usage and audit routes answer plain dicts. These models
only describe those bodies in ``/openapi.json`` (and so in ``/docs``); they are never
used to parse, so nothing the gateway passes through is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

__all__ = ["describe"]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ChatMessage(_Open):
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[dict[str, Any]] | None = None
    name: str | None = None
    tool_call_id: str | None = None
    tool_calls: list[dict[str, Any]] | None = None


class ChatCompletionRequest(_Open):
    """OpenAI's chat completion request; other fields pass through to the deployment."""

    model: str = Field(description="a route alias from GET /v1/models", examples=["assistant"])
    messages: list[ChatMessage]
    stream: bool = False
    temperature: float | None = Field(None, ge=0, le=2)
    max_tokens: int | None = Field(None, ge=1)
    tools: list[dict[str, Any]] | None = None
    response_format: dict[str, Any] | None = None


class ChatChoice(BaseModel):
    index: int
    message: ChatMessage
    finish_reason: str | None = None


class TokenUsage(BaseModel):
    prompt_tokens: int
    completion_tokens: int = 0
    total_tokens: int


class ChatCompletion(_Open):
    """A whole completion; with ``stream: true`` it comes as ``chat.completion.chunk`` SSE
    events ending with ``data: [DONE]``."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    usage: TokenUsage | None = None


class EmbeddingsRequest(_Open):
    model: str = Field("embeddings", description="the alias `embeddings`")
    input: str | list[str] = Field(description="one text or a list of texts")
    encoding_format: Literal["float", "base64"] = "float"


class Embedding(BaseModel):
    object: Literal["embedding"] = "embedding"
    index: int
    embedding: list[float] | str


class EmbeddingsResponse(BaseModel):
    object: Literal["list"] = "list"
    data: list[Embedding]
    model: str
    usage: TokenUsage


class ModelOut(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelOut]


class LimitLeft(BaseModel):
    limit: str = Field(description="which limit: per key, user, tenant, route or tokens")
    amount: int
    window_s: int
    remaining: int
    reset_s: int


class MonthlyTokens(BaseModel):
    month: str
    budget: int
    used: int


class Usage(BaseModel):
    tenant: str
    user: str
    key_id: str | None = None
    limits: list[LimitLeft]
    monthly_tokens: MonthlyTokens | None = None


class AuditVerification(BaseModel):
    ok: bool
    records: int
    first_bad_seq: int | None = Field(None, description="the first changed or missing record")
    reason: str = ""


_REQUESTS: dict[tuple[str, str], type[BaseModel]] = {
    ("/v1/chat/completions", "post"): ChatCompletionRequest,
    ("/v1/embeddings", "post"): EmbeddingsRequest,
}
_RESPONSES: dict[tuple[str, str], type[BaseModel]] = {
    ("/v1/chat/completions", "post"): ChatCompletion,
    ("/v1/embeddings", "post"): EmbeddingsResponse,
    ("/v1/models", "get"): ModelList,
    ("/v1/usage", "get"): Usage,
    ("/v1/admin/usage/keys/{key_id}", "get"): Usage,
    ("/v1/admin/audit/verify", "get"): AuditVerification,
}


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _add(spec: dict[str, Any]) -> dict[str, Any]:
    models = {*_REQUESTS.values(), *_RESPONSES.values()}
    _, defs = models_json_schema(
        [(m, "validation") for m in sorted(models, key=lambda m: m.__name__)],
        ref_template="#/components/schemas/{model}",
    )
    spec.setdefault("components", {}).setdefault("schemas", {}).update(defs.get("$defs", {}))
    paths = spec.get("paths", {})
    for (path, method), model in _REQUESTS.items():
        if op := paths.get(path, {}).get(method):
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _ref(model)}},
            }
    for (path, method), model in _RESPONSES.items():
        if op := paths.get(path, {}).get(method):
            ok = op.setdefault("responses", {}).setdefault("200", {"description": "OK"})
            ok.setdefault("content", {})["application/json"] = {"schema": _ref(model)}
    return spec


def describe(app: FastAPI) -> None:
    """Wrap ``app.openapi`` (call after it is set) so the document carries these schemas."""
    build: Callable[[], dict[str, Any]] = app.openapi
    described: list[dict[str, Any]] = []  # built once, on the first request for it

    def openapi() -> dict[str, Any]:
        if not described:
            described.append(_add(build()))
        return described[0]

    app.openapi = openapi  # type: ignore[method-assign]

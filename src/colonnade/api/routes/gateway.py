"""The OpenAI-compatible gateway: ``/v1/chat/completions``, ``/v1/embeddings``, ``/v1/models``.

The official SDKs work against it unchanged. Requests go through the same
router as the assistant; bodies are read and written with orjson and passed
through (tools, response_format and the rest), so the gateway adds little
beyond routing, accounting and metrics. Every response says which deployment,
path and attempt served it (``x-colonnade-*`` headers). Errors come in
OpenAI's error shape on these routes.
"""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any, get_args

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from colonnade.api.deps import ContainerDep, PrincipalDep
from colonnade.api.problems import openai_error, openai_errors
from colonnade.errors import InvalidInput, LLMError, ModelNotFound
from colonnade.llm.ports import ChatRequest, ChatStream, Classification
from colonnade.llm.router import Router

__all__ = ["router"]

router = APIRouter(tags=["OpenAI-compatible gateway"], responses=openai_errors(403, 404, 502, 503))
_CLASSIFICATIONS = get_args(Classification)
_JSON = "application/json"
_EMBEDDINGS_ALIAS = "embeddings"


def _router(container: Any) -> Router:
    r: Router | None = container.router
    if r is None:
        raise ModelNotFound(
            "no models are configured: declare [llm.deployments.NAME] and [llm.routes.ALIAS] "
            "in colonnade.toml, or set COLONNADE_LLM__PROVIDER and COLONNADE_LLM__BASE_URL"
        )
    return r


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = orjson.loads(await request.body())
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"the request body is not valid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise InvalidInput("the request body must be a JSON object")
    return body


def _chat_request(
    request: Request, body: dict[str, Any], tenant: str, deadline_s: float
) -> tuple[ChatRequest, bool]:
    model = body.pop("model", None)
    if not isinstance(model, str) or not model:
        raise InvalidInput("model is required: one of the aliases GET /v1/models lists")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise InvalidInput("messages must be a non-empty list of {role, content} objects")
    stream = bool(body.pop("stream", False))
    options = body.pop("stream_options", None) or {}
    classification = request.headers.get("x-colonnade-classification", "internal")
    if classification not in _CLASSIFICATIONS:
        raise InvalidInput(
            f"x-colonnade-classification must be one of {', '.join(_CLASSIFICATIONS)}, "
            f"not {classification!r}"
        )
    user = body.get("user")
    chat = ChatRequest(
        body=body,
        model=model,
        classification=classification,  # type: ignore[arg-type]
        tenant=tenant,
        sticky_key=request.headers.get("x-colonnade-conversation")
        or (user if isinstance(user, str) else None),
        request_id=request.scope.get("state", {}).get("request_id"),
        deadline=time.monotonic() + deadline_s,
        include_usage=bool(isinstance(options, dict) and options.get("include_usage")),
    )
    return chat, stream


def _default_completion(
    alias: str, text: str, error: LLMError
) -> tuple[dict[str, Any], dict[str, str]]:
    body = {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": alias,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }
    headers = {
        "x-colonnade-deployment": "default-response",
        "x-colonnade-path": "none",
        "x-colonnade-attempt": "0",
        "x-colonnade-fallback-reason": error.kind,
    }
    return body, headers


@router.post(
    "/v1/chat/completions",
    summary="Chat completion (OpenAI-compatible), streamed or whole",
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def chat_completions(
    request: Request, principal: PrincipalDep, container: ContainerDep
) -> Response:
    llm = container.settings.llm
    chat, stream = _chat_request(
        request, await _json_body(request), principal.tenant, llm.request_deadline_s
    )
    r = _router(container)
    if not stream:
        try:
            completion = await r.complete(chat)
        except LLMError as exc:
            if not (llm.default_response and exc.kind == "unavailable"):
                raise
            body, headers = _default_completion(chat.model, llm.default_response, exc)
            return Response(orjson.dumps(body), media_type=_JSON, headers=headers)
        body = completion.body
        if not body.get("usage"):
            body["usage"] = completion.usage.as_dict()
        headers = completion.served.headers()
        headers["x-colonnade-cost-usd"] = f"{completion.usage.cost_usd:.6f}"
        return Response(orjson.dumps(body), media_type=_JSON, headers=headers)
    try:
        opened = await r.open_stream(chat)
    except LLMError as exc:
        if not (llm.default_response and exc.kind == "unavailable"):
            raise
        body, headers = _default_completion(chat.model, llm.default_response, exc)
        return StreamingResponse(
            _default_events(body), media_type="text/event-stream", headers=headers
        )
    return StreamingResponse(
        _events(opened, chat), media_type="text/event-stream", headers=opened.served.headers()
    )


async def _events(stream: ChatStream, chat: ChatRequest) -> AsyncIterator[bytes]:
    """Chunks as server-sent events; a failure mid-stream ends with an error, never a quiet cut."""
    chunks = stream.__aiter__()
    last: dict[str, Any] = {}
    try:
        async for chunk in chunks:
            last = chunk
            if not chat.include_usage:
                if not chunk.get("choices") and chunk.get("usage"):
                    continue  # the caller did not ask for the usage chunk
                chunk.pop("usage", None)
            yield b"data: " + orjson.dumps(chunk) + b"\n\n"
    except LLMError as exc:
        cut = {
            "id": last.get("id", ""),
            "object": "chat.completion.chunk",
            "created": last.get("created", int(time.time())),
            "model": last.get("model", chat.model),
            "choices": [{"index": 0, "delta": {}, "finish_reason": "error"}],
        }
        yield b"data: " + orjson.dumps(cut) + b"\n\n"
        error = openai_error(exc.status_code, exc.kind, exc.message, chat.request_id or "")
        yield b"data: " + orjson.dumps(error) + b"\n\n"
        return
    finally:
        await chunks.aclose()  # type: ignore[attr-defined]
    yield b"data: [DONE]\n\n"


async def _default_events(body: dict[str, Any]) -> AsyncIterator[bytes]:
    text = body["choices"][0]["message"]["content"]
    base = {k: body[k] for k in ("id", "created", "model")} | {"object": "chat.completion.chunk"}
    for delta, finish in (({"role": "assistant", "content": text}, None), ({}, "stop")):
        chunk = base | {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        yield b"data: " + orjson.dumps(chunk) + b"\n\n"
    yield b"data: [DONE]\n\n"


@router.post(
    "/v1/embeddings", summary="Embeddings (OpenAI-compatible) from the platform's embedder"
)
async def embeddings(
    request: Request, principal: PrincipalDep, container: ContainerDep
) -> Response:
    body = await _json_body(request)
    embedder = container.embedder
    model = body.get("model")
    if model not in (_EMBEDDINGS_ALIAS, embedder.model_id):
        raise ModelNotFound(
            f"model {model!r} is not an embedding model here; use {_EMBEDDINGS_ALIAS!r} "
            f"or {embedder.model_id!r}"
        )
    texts = body.get("input")
    if isinstance(texts, str):
        texts = [texts]
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
        raise InvalidInput("input must be a string or a non-empty list of strings")
    if body.get("dimensions") not in (None, embedder.dimension):
        raise InvalidInput(f"dimensions: {model} gives {embedder.dimension}, it cannot change")
    fmt = body.get("encoding_format") or "float"
    if fmt not in ("float", "base64"):
        raise InvalidInput("encoding_format must be float or base64")
    vectors = await run_in_threadpool(embedder.embed_documents, texts)
    tokens = sum(container.token_counter.count(t) for t in texts)
    data = [
        {
            "object": "embedding",
            "index": i,
            "embedding": base64.b64encode(v.astype("<f4").tobytes()).decode()
            if fmt == "base64"
            else v.tolist(),
        }
        for i, v in enumerate(vectors)
    ]
    out = {
        "object": "list",
        "data": data,
        "model": embedder.model_id,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }
    headers = {
        "x-colonnade-deployment": "embedder",
        "x-colonnade-path": "self_hosted",
        "x-colonnade-attempt": "1",
    }
    return Response(orjson.dumps(out), media_type=_JSON, headers=headers)


@router.get("/v1/models", summary="The model aliases you may ask for (OpenAI-compatible)")
async def models(principal: PrincipalDep, container: ContainerDep) -> Response:
    aliases = container.router.aliases(principal.tenant) if container.router is not None else []
    data = [
        {"id": a, "object": "model", "created": 0, "owned_by": "colonnade"}
        for a in [*aliases, _EMBEDDINGS_ALIAS]
    ]
    return Response(orjson.dumps({"object": "list", "data": data}), media_type=_JSON)

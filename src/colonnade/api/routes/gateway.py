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
from collections.abc import AsyncIterator, Awaitable
from typing import Any, TypeVar, get_args

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from colonnade.api.deps import (
    SECURED,
    Asker,
    ContainerDep,
    Searcher,
    authorize,
    container_of,
    require_model,
)
from colonnade.api.governance import audit, reserve_tokens, settle_tokens
from colonnade.api.problems import openai_error, openai_errors
from colonnade.api.token_quota import Reservation
from colonnade.errors import InvalidInput, LLMError, ModelNotFound
from colonnade.identity import Principal
from colonnade.llm.ports import ChatRequest, ChatStream, Classification, Served, Usage
from colonnade.llm.providers.openai_compatible import estimate_tokens
from colonnade.llm.router import Router
from colonnade.observability import get_logger
from colonnade.observability.audit import Stopwatch

__all__ = ["router"]

router = APIRouter(
    tags=["OpenAI-compatible gateway"], responses=openai_errors(403, 404, 429, 502, 503)
)
_CLASSIFICATIONS = get_args(Classification)
_JSON = "application/json"
_EMBEDDINGS_ALIAS = "embeddings"
_T = TypeVar("_T")
log = get_logger(__name__)


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


def _texts(body: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    """Where each text of the messages sits: (the object, its key), for strings and for the
    text parts of a list."""
    out = []
    for message in body.get("messages", []):
        if not isinstance(message, dict):
            raise InvalidInput("each message must be an object with role and content")
        content = message.get("content")
        if isinstance(content, str):
            out.append((message, "content"))
        elif isinstance(content, list):
            out += [
                (p, "text")
                for p in content
                if isinstance(p, dict) and isinstance(p.get("text"), str)
            ]
    return out


def _guard_pii(guard: Any, mode: str, chat: ChatRequest) -> list[str]:
    """Presidio over the messages: PII makes the request confidential, or is masked."""
    entities: set[str] = set()
    for holder, key in _texts(chat.body):
        findings = guard.pii.find(holder[key])
        if not findings:
            continue
        entities.update(f.entity for f in findings)
        if mode == "redact":
            holder[key] = guard.pii.redact(holder[key], findings)
    if entities and mode == "classify":
        chat.classification = "confidential"
    return sorted(entities)


def _max_tokens(body: dict[str, Any], default: int) -> int:
    """The most the completion may write: what the request asks, else llm.max_tokens."""
    for name in ("max_completion_tokens", "max_tokens"):
        value = body.get(name)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return default


# The hottest route: it authorizes and reads its own body in the handler, without FastAPI's
# per-request dependency solving; the policy stack is the chat model's wrappers.
@router.post(
    "/v1/chat/completions",
    summary="Chat completion (OpenAI-compatible), streamed or whole",
    responses={200: {"content": {"text/event-stream": {}}}},
    openapi_extra=SECURED,
)
async def chat_completions(request: Request) -> Response:
    watch = Stopwatch()
    principal, limit_headers = await authorize(request, "ask")
    container = container_of(request)
    llm = container.settings.llm
    chat, stream = _chat_request(
        request, await _json_body(request), principal.tenant, llm.request_deadline_s
    )
    require_model(principal, chat.model)
    limiter = container.limiter
    if limiter is not None:
        await limiter.hit_model(principal, chat.model)
    prompt = sum(estimate_tokens(holder[key]) for holder, key in _texts(chat.body))
    reservation = await reserve_tokens(
        request, principal, prompt + _max_tokens(chat.body, llm.max_tokens)
    )
    try:
        return await _complete(
            request, principal, container, chat, stream, watch, reservation, limit_headers
        )
    except BaseException:
        await settle_tokens(request, reservation, 0)  # nothing was spent, or it is not known
        raise


async def _complete(
    request: Request,
    principal: Principal,
    container: Any,
    chat: ChatRequest,
    stream: bool,
    watch: Stopwatch,
    reservation: Reservation | None,
    limit_headers: dict[str, str],
) -> Response:
    r = _router(container)
    guard, pii_mode = container.guardrails, container.settings.safety.pii
    checks_pii = guard is not None and guard.pii is not None and pii_mode != "off"
    pii = await run_in_threadpool(_guard_pii, guard, pii_mode, chat) if checks_pii else []
    record: dict[str, Any] = {"model": chat.model, "guardrails": {"pii": pii} if pii else None}
    model = container.gateway_chat or r
    if not stream:
        completion = await _failing_audited(model.complete(chat), request, principal, watch, record)
        served, usage = completion.served, completion.usage
        body = completion.body
        if not body.get("usage"):
            body["usage"] = usage.as_dict()
        headers = {**limit_headers, **served.headers()}
        headers["x-colonnade-cost-usd"] = f"{usage.cost_usd:.6f}"
        spent = 0 if served.cache == "hit" else usage.prompt_tokens + usage.completion_tokens
        await settle_tokens(request, reservation, spent)
        _audit_completion(request, principal, served, usage, watch, record)
        return Response(orjson.dumps(body), media_type=_JSON, headers=headers)
    opened = await _failing_audited(model.open_stream(chat), request, principal, watch, record)
    return StreamingResponse(
        _events(opened, chat, request, principal, watch, record, reservation),
        media_type="text/event-stream",
        headers={**limit_headers, **opened.served.headers()},
    )


async def _failing_audited(
    call: Awaitable[_T],
    request: Request,
    principal: Principal,
    watch: Stopwatch,
    record: dict[str, Any],
) -> _T:
    """The call's result; a failure is audited, then raised for the error handler."""
    try:
        return await call
    except LLMError as exc:
        audit(request, "completion", principal, status=exc.kind, latency_ms=watch.ms, **record)
        raise


def _audit_completion(
    request: Request,
    principal: Principal,
    served: Served,
    usage: Usage,
    watch: Stopwatch,
    record: dict[str, Any],
    status: str = "",
) -> None:
    cache = {"hit": "exact", "miss": "miss"}.get(served.cache)
    audit(
        request,
        "completion",
        principal,
        deployment=served.deployment,
        path=served.path,
        attempt=served.attempt,
        tokens={"prompt": usage.prompt_tokens, "completion": usage.completion_tokens},
        cost_usd=round(usage.cost_usd, 6),
        latency_ms=watch.ms,
        cache=cache,
        status=status or served.fallback_reason or "ok",
        **record,
    )


async def _events(
    stream: ChatStream,
    chat: ChatRequest,
    request: Request,
    principal: Principal,
    watch: Stopwatch,
    record: dict[str, Any],
    reservation: Reservation | None,
) -> AsyncIterator[bytes]:
    """Chunks as server-sent events; a failure mid-stream ends with an error, never a quiet cut."""
    chunks = stream.__aiter__()
    last: dict[str, Any] = {}
    status = ""
    try:
        async for chunk in chunks:
            last = chunk
            if not chat.include_usage:
                if not chunk.get("choices") and chunk.get("usage"):
                    continue  # the caller did not ask for the usage chunk
                chunk.pop("usage", None)
            yield b"data: " + orjson.dumps(chunk) + b"\n\n"
    except LLMError as exc:
        status = exc.kind
        cut = {
            "id": last.get("id", ""),
            "object": "chat.completion.chunk",
            "created": last.get("created", int(time.time())),
            "model": last.get("model", chat.model),
            "choices": [{"index": 0, "delta": {}, "finish_reason": "error"}],
        }
        yield b"data: " + orjson.dumps(cut) + b"\n\n"
        log.warning("completion_stream_failed", kind=exc.kind, detail=exc.message)
        error = openai_error(exc.status_code, exc.kind, exc.public_message, chat.request_id or "")
        yield b"data: " + orjson.dumps(error) + b"\n\n"
        return
    finally:
        await chunks.aclose()  # type: ignore[attr-defined]
        usage = stream.usage or Usage()
        if stream.usage is not None:  # unknown use keeps the reservation: the most it could be
            await settle_tokens(request, reservation, usage.prompt_tokens + usage.completion_tokens)
        _audit_completion(request, principal, stream.served, usage, watch, record, status)
    yield b"data: [DONE]\n\n"


@router.post(
    "/v1/embeddings", summary="Embeddings (OpenAI-compatible) from the platform's embedder"
)
async def embeddings(request: Request, principal: Searcher, container: ContainerDep) -> Response:
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
    cap = container.settings.api.max_embedding_inputs
    if len(texts) > cap:
        raise InvalidInput(
            f"input holds {len(texts):,} texts, over the limit of {cap:,} per request: "
            "send them in several requests (api.max_embedding_inputs)"
        )
    if body.get("dimensions") not in (None, embedder.dimension):
        raise InvalidInput(f"dimensions: {model} gives {embedder.dimension}, it cannot change")
    fmt = body.get("encoding_format") or "float"
    if fmt not in ("float", "base64"):
        raise InvalidInput("encoding_format must be float or base64")
    tokens = sum(container.token_counter.count(t) for t in texts)
    # the inputs' tokens are held before embedding (refused over a token limit) and spent as counted
    reservation = await reserve_tokens(request, principal, tokens)
    await settle_tokens(request, reservation, tokens)
    vectors = await run_in_threadpool(embedder.embed_documents, texts)
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
async def models(principal: Asker, container: ContainerDep) -> Response:
    aliases = container.router.aliases(principal.tenant) if container.router is not None else []
    aliases = [a for a in aliases if principal.can(f"model:{a}")]
    data = [
        {"id": a, "object": "model", "created": 0, "owned_by": "colonnade"}
        for a in [*aliases, _EMBEDDINGS_ALIAS]
    ]
    return Response(orjson.dumps({"object": "list", "data": data}), media_type=_JSON)

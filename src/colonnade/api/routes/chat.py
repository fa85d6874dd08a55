"""``POST /v1/chat/completions``: the gateway's hottest route, as plain ASGI.

It is mounted ahead of FastAPI's routing (``mount_chat_completions``), so a request skips
the framework's per-request handling (dependency solving, the endpoint wrapper); the same
middlewares run around it and the same exception handlers answer its errors, in OpenAI's
shape. The policy stack is a chain of steps, each wrapping the next, over one
:class:`ChatCall`: authentication, RBAC and request limits → the body → the model's
permission and limit → the token quota → the chat model, itself the router behind the
completion cache, the default response and the traces (``Container.gateway_chat``).
FastAPI keeps a route of the same path for the OpenAPI document; it runs the same chain.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, get_args

import orjson
from fastapi import FastAPI, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.routing import Match, Route
from starlette.types import Receive, Scope, Send

from colonnade.api.deps import authorize, container_of, require_model
from colonnade.api.governance import audit, reserve_tokens, settle_tokens
from colonnade.api.problems import openai_error
from colonnade.api.token_quota import Reservation
from colonnade.container import Container
from colonnade.errors import InvalidInput, LLMError, ModelNotFound
from colonnade.identity import Principal
from colonnade.llm.ports import ChatRequest, ChatStream, Classification, Served, Usage
from colonnade.llm.providers.openai_compatible import estimate_tokens
from colonnade.llm.router import Router
from colonnade.observability import get_logger
from colonnade.observability.audit import Stopwatch

__all__ = [
    "PATH",
    "ChatCall",
    "chat_completions",
    "json_body",
    "mount_chat_completions",
]

PATH = "/v1/chat/completions"
_CLASSIFICATIONS = get_args(Classification)
_JSON = "application/json"
_T = TypeVar("_T")
log = get_logger(__name__)


@dataclass(slots=True)
class ChatCall:
    """One chat completion as it goes down the policy steps, each filling in its part."""

    request: Request
    container: Container
    watch: Stopwatch = field(default_factory=Stopwatch)
    principal: Principal | None = None
    headers: dict[str, str] = field(default_factory=dict)  # the rate-limit headers
    chat: ChatRequest | None = None
    stream: bool = False
    reservation: Reservation | None = None


Step = Callable[[ChatCall], Awaitable[Response]]


class _Wrapper:
    """A policy step: does its part of the call, then hands it to the next step."""

    def __init__(self, inner: Step) -> None:
        self.inner = inner


class Authenticated(_Wrapper):
    """The caller's credentials, the ``ask`` permission and the request rate limits."""

    async def __call__(self, call: ChatCall) -> Response:
        call.principal, call.headers = await authorize(call.request, "ask")
        return await self.inner(call)


class Parsed(_Wrapper):
    """The body as a :class:`ChatRequest` for the caller's tenant; bad input says what to fix."""

    async def __call__(self, call: ChatCall) -> Response:
        assert call.principal is not None
        deadline_s = call.container.settings.llm.request_deadline_s
        body = await json_body(call.request)
        call.chat, call.stream = _chat_request(
            call.request, body, call.principal.tenant, deadline_s
        )
        return await self.inner(call)


class ModelLimited(_Wrapper):
    """The caller may use the model alias, within its per-model rate limit."""

    async def __call__(self, call: ChatCall) -> Response:
        assert call.principal is not None
        assert call.chat is not None
        require_model(call.principal, call.chat.model)
        limiter = call.container.limiter
        if limiter is not None:
            await limiter.hit_model(call.principal, call.chat.model)
        return await self.inner(call)


class TokenQuota(_Wrapper):
    """Holds the most the call can spend (prompt plus max_tokens) before it is made; a call
    that fails before it settles gives the reservation back."""

    async def __call__(self, call: ChatCall) -> Response:
        assert call.principal is not None
        assert call.chat is not None
        chat = call.chat
        prompt = sum(estimate_tokens(holder[key]) for holder, key in _texts(chat.body))
        most = prompt + _max_tokens(chat.body, call.container.settings.llm.max_tokens)
        call.reservation = await reserve_tokens(call.request, call.principal, most)
        try:
            return await self.inner(call)
        except BaseException:
            await settle_tokens(call.request, call.reservation, 0)  # nothing spent, or unknown
            raise


def _router(container: Any) -> Router:
    r: Router | None = container.router
    if r is None:
        raise ModelNotFound(
            "no models are configured: declare [llm.deployments.NAME] and [llm.routes.ALIAS] "
            "in colonnade.toml, or set COLONNADE_LLM__PROVIDER and COLONNADE_LLM__BASE_URL"
        )
    return r


async def json_body(request: Request) -> dict[str, Any]:
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


async def complete(call: ChatCall) -> Response:
    """The innermost step: the PII check, then the gateway's chat model (the router behind
    the completion cache, the default response and the traces, each a wrapper)."""
    request, container, chat, watch = call.request, call.container, call.chat, call.watch
    principal, reservation, limit_headers = call.principal, call.reservation, call.headers
    assert chat is not None
    assert principal is not None
    r = _router(container)
    guard, pii_mode = container.guardrails, container.settings.safety.pii
    checks_pii = guard is not None and guard.pii is not None and pii_mode != "off"
    pii = await run_in_threadpool(_guard_pii, guard, pii_mode, chat) if checks_pii else []
    record: dict[str, Any] = {"model": chat.model, "guardrails": {"pii": pii} if pii else None}
    model = container.gateway_chat or r
    if not call.stream:
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
    return _EventStream(
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
    """Chunks as server-sent events; a failure mid-stream ends with an error, never a quiet cut.

    The chunks that arrived together go out in one write, each as the upstream sent it
    unless it has to change (the usage the caller did not ask for is taken out)."""
    frames = stream.frames()
    last: dict[str, Any] = {}
    status = ""
    keep_usage = chat.include_usage
    try:
        async for batch in frames:
            events = []
            for chunk, raw in batch:
                last = chunk
                if not keep_usage and "usage" in chunk:
                    if not chunk.get("choices") and chunk["usage"]:
                        continue  # the caller did not ask for the usage chunk
                    del chunk["usage"]
                    raw = None
                events.append(b"data: " + (orjson.dumps(chunk) if raw is None else raw) + b"\n\n")
            if events:
                yield b"".join(events)
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
        await frames.aclose()  # type: ignore[attr-defined]
        usage = stream.usage or Usage()
        if stream.usage is not None:  # unknown use keeps the reservation: the most it could be
            await settle_tokens(request, reservation, usage.prompt_tokens + usage.completion_tokens)
        _audit_completion(request, principal, stream.served, usage, watch, record, status)
    yield _Last(b"data: [DONE]\n\n")


class _Last(bytes):
    """The stream's last event: it goes out with the end of the body, in the same write."""


class _EventStream(StreamingResponse):
    """Starlette's streaming response, less the empty write that ends the body after the
    last event."""

    async def stream_response(self, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        events = self.body_iterator
        async for event in events:
            last = isinstance(event, _Last)
            await send({"type": "http.response.body", "body": event, "more_body": not last})
            if last:
                break
        else:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        await events.aclose()  # type: ignore[attr-defined]  # at its last yield: nothing runs


POLICY: Step = Authenticated(Parsed(ModelLimited(TokenQuota(complete))))


async def chat_completions(request: Request) -> Response:
    """The chain for one request (FastAPI's documented route calls this too)."""
    return await POLICY(ChatCall(request, container_of(request)))


class _Endpoint:
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await chat_completions(Request(scope, receive))
        await response(scope, receive, send)


class _Route(Route):
    """A plain ASGI route that names itself in the scope, as FastAPI's routes do: request
    metrics and traces label it by its template."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child = super().matches(scope)
        if match is Match.FULL:
            child["route"] = self
        return match, child


def mount_chat_completions(app: FastAPI) -> None:
    """Put the plain ASGI route first, ahead of every FastAPI route."""
    route = _Route(PATH, _Endpoint(), methods=["POST"], include_in_schema=False)
    app.router.routes.insert(0, route)

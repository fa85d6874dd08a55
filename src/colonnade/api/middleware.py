"""Pure ASGI middleware: a request id on every request and log line, and body size limits."""

from __future__ import annotations

import asyncio
import json
import random
import re
from collections.abc import Callable

import structlog
from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from colonnade.api.problems import problem_document

__all__ = ["BodySizeLimit", "RequestId", "SecurityHeaders", "TimeLimit"]

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


async def send_problem(
    scope: Scope, send: Send, status: int, code: str, detail: str, *, close: bool = False
) -> None:
    """A problem+json response sent from middleware, below the app's exception handlers."""
    data = json.dumps(problem_document(scope, status, code, detail)).encode()
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(data)).encode()),
    ]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


class RequestId:
    """Takes a well-formed ``X-Request-ID`` or makes one; echoes it and binds it to logs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        # a correlation id, not a secret: 128 random bits without a system call (the random
        # module is reseeded in each forked worker)
        request_id = given if _SAFE_ID.match(given) else f"{random.getrandbits(128):032x}"
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            await self.app(scope, receive, send_with_id)


class BodySizeLimit:
    """Refuses bodies over the limit for their path with 413 problem+json, before reading them."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str, str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["method"], scope["path"])
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await self._refuse(scope, send, limit)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(scope, send, limit)

    @staticmethod
    async def _refuse(scope: Scope, send: Send, limit: int) -> None:
        await send_problem(
            scope,
            send,
            413,
            "payload_too_large",
            f"the request body is over the limit of {limit:,} bytes for this route",
            close=True,
        )


class _TooLarge(HTTPException):
    """Raised from ``receive`` on a chunked body; the problem handlers turn it into 413."""

    def __init__(self) -> None:
        super().__init__(413, "the request body is over the limit for this route")


_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
]


# Swagger UI (served from our own files) sets inline styles and loads the spec; its page
# holds no data of ours and may use inline styles, never inline or foreign scripts
_DOCS_PAGES = frozenset({"/docs"})
_DOCS_HEADERS = [
    *(h for h in _SECURITY_HEADERS if h[0] != b"content-security-policy"),
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        b"img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
]


class SecurityHeaders:
    """The headers every response carries: no sniffing, no framing, a strict CSP."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        chosen = _DOCS_HEADERS if scope["path"] in _DOCS_PAGES else _SECURITY_HEADERS

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                present = {k.lower() for k, _ in headers}
                headers.extend(h for h in chosen if h[0] not in present)
            await send(message)

        await self.app(scope, receive, with_headers)


class TimeLimit:
    """A request that has not begun its response within the limit gets 504 problem+json.

    Streams are exempt once they have started: a long answer is not a stuck request.
    """

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        try:
            async with asyncio.timeout(self.seconds) as deadline:

                async def marking(message: Message) -> None:
                    nonlocal started
                    if message["type"] == "http.response.start":
                        started = True
                        deadline.reschedule(None)  # a begun response runs to its end
                    await send(message)

                await self.app(scope, receive, marking)
        except TimeoutError:
            if started:
                raise
            await send_problem(
                scope,
                send,
                504,
                "timeout",
                f"the request took longer than {self.seconds:g} s (security.request_timeout_s)",
            )

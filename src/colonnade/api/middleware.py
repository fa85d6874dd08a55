"""Pure ASGI middleware: a request id on every request and log line, and body size limits."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable

import structlog
from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodySizeLimit", "RequestId"]

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


class RequestId:
    """Takes a well-formed ``X-Request-ID`` or makes one; echoes it and binds it to logs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex
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
        body = {
            "type": "urn:colonnade:problem:payload_too_large",
            "title": "Payload too large",
            "status": 413,
            "detail": f"the request body is over the limit of {limit:,} bytes for this route",
            "instance": scope["path"],
            "code": "payload_too_large",
            "request_id": scope.get("state", {}).get("request_id", ""),
        }
        data = json.dumps(body).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(data)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": data})


class _TooLarge(HTTPException):
    """Raised from ``receive`` on a chunked body; the problem handlers turn it into 413."""

    def __init__(self) -> None:
        super().__init__(413, "the request body is over the limit for this route")

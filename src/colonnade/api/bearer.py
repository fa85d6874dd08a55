"""Colonnade's bearer authentication as plain ASGI, for the protocol endpoints (MCP, A2A)
that SDKs serve outside FastAPI's dependency injection: the same authenticator behind the
same failed sign-in guard as every other route (a guess at ``/mcp`` spends the address's
allowance like one at ``/v1``), a 401 or 429 problem+json on failure, the principal in
``scope["state"]["principal"]``."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from colonnade.api.auth_guard import authenticate
from colonnade.api.problems import MEDIA_TYPE, problem_body
from colonnade.errors import ColonnadeError

__all__ = ["BearerGate"]


class BearerGate:
    """Colonnade's authentication in front of the SDK: a principal, or a 401 problem."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        token = credentials.strip() if scheme.lower() == "bearer" else None
        try:
            principal = await authenticate(request, token or request.headers.get("x-api-key"))
        except ColonnadeError as exc:
            body = problem_body(request, exc.status_code, exc.code, exc.message)
            payload = json.dumps(body).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": exc.status_code,
                    "headers": [
                        (b"content-type", MEDIA_TYPE.encode()),
                        (b"content-length", str(len(payload)).encode()),
                        (b"www-authenticate", b"Bearer"),
                        *(
                            (name.lower().encode(), value.encode())
                            for name, value in (exc.headers or {}).items()
                        ),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": payload})
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)

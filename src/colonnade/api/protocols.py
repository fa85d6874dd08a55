"""Protocol endpoints served by SDKs: MCP at ``/mcp`` and A2A at ``/a2a/jsonrpc`` with its
agent card at ``/.well-known/agent-card.json``.

The routes exist from the start (FastAPI builds its routing when the app is made); the
servers behind them are built in the lifespan from the container and kept on it, and
answer 503 when the ``tools`` extra is missing.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI
from starlette.requests import Request
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from colonnade.api.problems import MEDIA_TYPE, problem_body
from colonnade.observability import get_logger

if TYPE_CHECKING:
    from colonnade.container import Container

__all__ = ["mount_protocols", "running_protocols"]

log = get_logger(__name__)


class _Endpoint:
    def __init__(self, attribute: str, what: str) -> None:
        self.attribute = attribute
        self.what = what

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        container = getattr(scope["app"].state, "container", None)
        endpoint = getattr(container, self.attribute, None)
        if endpoint is not None:
            await endpoint(scope, receive, send)
            return
        detail = f"the {self.what} needs the tools extra: pip install 'colonnade[tools]'"
        body = json.dumps(
            problem_body(Request(scope), 503, f"{self.attribute}_unavailable", detail)
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [(b"content-type", MEDIA_TYPE.encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


def mount_protocols(app: FastAPI) -> None:
    routes = app.router.routes
    routes.append(
        Route(
            "/mcp",
            _Endpoint("mcp", "MCP server"),
            methods=["GET", "POST", "DELETE"],
            include_in_schema=False,
        )
    )
    a2a = _Endpoint("a2a", "A2A agent")
    routes.append(Route("/a2a/jsonrpc", a2a, methods=["POST"], include_in_schema=False))
    routes.append(
        Route("/.well-known/agent-card.json", a2a, methods=["GET"], include_in_schema=False)
    )


@asynccontextmanager
async def running_protocols(container: Container) -> AsyncIterator[None]:
    """The MCP and A2A servers, on the container while they run."""
    try:
        from colonnade.api.a2a_server import build_a2a
        from colonnade.api.mcp_server import build_mcp
    except ImportError as exc:
        log.warning("protocols_unavailable", reason=str(exc), fix="pip install 'colonnade[tools]'")
        yield
        return
    endpoint, manager = build_mcp(container)
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(manager.run())
        container.mcp = endpoint
        container.a2a = build_a2a(container)
        try:
            yield
        finally:
            container.mcp = None
            container.a2a = None

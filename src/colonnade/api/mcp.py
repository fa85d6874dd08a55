"""The ``/mcp`` route: present from the start, served once the lifespan has built the MCP
server (``colonnade.api.mcp_server``, the ``tools`` extra); 503 without the extra."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI
from starlette.requests import Request
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from colonnade.api.problems import MEDIA_TYPE, problem_body
from colonnade.observability import get_logger

if TYPE_CHECKING:
    from colonnade.container import Container

__all__ = ["mount_mcp", "running_mcp"]

log = get_logger(__name__)


class _Endpoint:
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = getattr(scope["app"].state, "mcp", None)
        if endpoint is not None:
            await endpoint(scope, receive, send)
            return
        detail = "the MCP server needs the tools extra: pip install 'colonnade[tools]'"
        body = json.dumps(problem_body(Request(scope), 503, "mcp_unavailable", detail)).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [(b"content-type", MEDIA_TYPE.encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


def mount_mcp(app: FastAPI) -> None:
    app.state.mcp = None
    app.router.routes.append(
        Route("/mcp", _Endpoint(), methods=["GET", "POST", "DELETE"], include_in_schema=False)
    )


@asynccontextmanager
async def running_mcp(app: FastAPI, container: Container) -> AsyncIterator[None]:
    try:
        from colonnade.api.mcp_server import build_mcp
    except ImportError as exc:
        log.warning("mcp_unavailable", reason=str(exc), fix="pip install 'colonnade[tools]'")
        yield
        return
    endpoint, manager = build_mcp(container)
    async with manager.run():
        app.state.mcp = endpoint
        try:
            yield
        finally:
            app.state.mcp = None

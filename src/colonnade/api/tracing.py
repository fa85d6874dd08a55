"""A server span per request, as pure ASGI middleware: the root of the request's trace.

The trace id goes into the request's state (problem documents quote it) and,
through the current span, onto every log line.
"""

from __future__ import annotations

from typing import Any

from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from colonnade.observability.tracing import trace_id

__all__ = ["TraceRequests"]


class TraceRequests:
    """The tracer comes from the container once the lifespan built it; without one (tracing
    off) requests pass straight through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        tracer: Tracer | None = None
        if scope["type"] == "http":
            container = getattr(scope["app"].state, "container", None)
            tracer = container.tracer if container is not None else None
        if tracer is None:
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        state = scope.setdefault("state", {})
        # every attribute is set in one call once the request is done (one lock, one pass),
        # none on the way to the answer's first byte
        attributes: dict[str, Any] = {"http.request.method": method, "url.path": path}
        if state.get("request_id"):
            attributes["colonnade.request_id"] = state["request_id"]
        status = 0
        with tracer.start_as_current_span(
            f"{method} {path}",
            kind=SpanKind.SERVER,
            record_exception=False,
            set_status_on_exception=True,
        ) as span:
            state["trace_id"] = trace_id(span)

            async def traced(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                await send(message)

            try:
                await self.app(scope, receive, traced)
            finally:
                if status:
                    attributes["http.response.status_code"] = status
                    if status >= 500:
                        span.set_status(Status(StatusCode.ERROR))
                route = getattr(scope.get("route"), "path", None)
                if route:
                    if route != path:
                        span.update_name(f"{method} {route}")
                    attributes["http.route"] = route
                principal = state.get("principal")
                if principal is not None:
                    attributes["colonnade.tenant"] = principal.tenant
                span.set_attributes(attributes)

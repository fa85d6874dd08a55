"""Request counts and latency of the Intelligence API, by route template, as Prometheus metrics.

What the canary analysis and the API's alerts read: ``colonnade_http_requests_total`` by
route, method and status class, and ``colonnade_http_request_seconds``. The route is the
matched template (``/v1/predictions/models/{name}/drift``), never the raw path, so the label
set stays small; unmatched paths count as ``unmatched``.
"""

from __future__ import annotations

import time
import weakref
from typing import ClassVar

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HttpMetrics", "RequestMetrics"]


class HttpMetrics:
    _made: ClassVar[weakref.WeakKeyDictionary[CollectorRegistry, HttpMetrics]] = (
        weakref.WeakKeyDictionary()
    )

    @classmethod
    def of(cls, registry: CollectorRegistry) -> HttpMetrics:
        """The registry's request metrics, made once: apps that share a container share them."""
        made = cls._made.get(registry)
        if made is None:
            made = cls._made[registry] = cls(registry)
        return made

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "colonnade_http_requests",
            "API requests answered, by route template, method and status class",
            ["route", "method", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "colonnade_http_request_seconds",
            "Time to the response's first byte",
            ["route", "method"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=registry,
        )


class RequestMetrics:
    """Counts each HTTP request once its response starts, in the container's
    ``http_metrics`` (the registry /metrics serves; the container is set in the lifespan)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_count(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                _record(scope, status, started)
            await send(message)

        try:
            await self.app(scope, receive, send_and_count)
        except Exception:
            _record(scope, status, started)
            raise


def _record(scope: Scope, status: int, started: float) -> None:
    container = getattr(getattr(scope.get("app"), "state", None), "container", None)
    if container is None:
        return
    metrics: HttpMetrics = container.http_metrics
    route = getattr(scope.get("route"), "path", None) or "unmatched"
    method = scope.get("method", "")
    metrics.requests.labels(route, method, f"{status // 100}xx").inc()
    metrics.latency.labels(route, method).observe(time.perf_counter() - started)

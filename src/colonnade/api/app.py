"""The Intelligence API, built by a factory from Settings.

The lifespan builds the container (store, embedder, assistant) once and warms
the embedder so the first question is not slow; nothing is built at import.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

import anyio.lowlevel
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from colonnade import __version__
from colonnade.api.bodies import JsonDepthLimit
from colonnade.api.metrics import RequestMetrics
from colonnade.api.middleware import BodySizeLimit, RequestId, SecurityHeaders, TimeLimit
from colonnade.api.problems import install_problem_handlers, problem_media_types
from colonnade.api.protocols import mount_protocols, running_protocols
from colonnade.api.routes import (
    admin,
    answers,
    auth,
    conversations,
    documents,
    gateway,
    health,
    inference_v2,
    predictions,
    search,
    tools,
)
from colonnade.api.routes import docs as api_docs
from colonnade.api.routes import feedback as answer_feedback
from colonnade.api.routes import originals as document_originals
from colonnade.api.routes.chat import mount_chat_completions
from colonnade.api.tracing import TraceRequests
from colonnade.container import Container
from colonnade.observability import configure_logging, get_logger
from colonnade.orchestration import places
from colonnade.settings import Settings, load_settings

__all__ = ["create_app", "create_app_from_env"]

log = get_logger(__name__)
STATIC = Path(str(files("colonnade.api") / "static"))
_UPLOAD_OVERHEAD = 1024 * 1024


def create_app(settings: Settings, *, container: Container | None = None) -> FastAPI:
    owned = container is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        c = container or Container(settings)
        async with contextlib.AsyncExitStack() as stack:
            if owned:
                stack.push_async_callback(c.aclose)
            c.embedder.embed_query("warm up")
            c.assistant  # noqa: B018 - build the assistant (and its stores) before the first request
            c.authenticator  # noqa: B018
            c.session_secret  # noqa: B018
            c.tracer_provider  # noqa: B018 - in this process: after uvicorn forked the workers
            if c.guardrails is not None and c.guardrails.pii is not None:
                c.guardrails.pii.warm()  # load spaCy now, not on the first question
            # the places gazetteer takes seconds to read: in the background, as requests start
            threading.Thread(target=places.warm, name="gazetteer", daemon=True).start()
            if c.chat_model is not None:
                c.chat_model.bind(anyio.lowlevel.current_token())  # the assistant shares this loop
                stack.callback(c.chat_model.bind, None)
            stack.callback(_flush_logs, c)  # after the router's last calls were recorded
            c.http_metrics  # noqa: B018
            answer_feedback.count_feedback(c)
            await stack.enter_async_context(c.serving())  # limits, predictions, tools
            await stack.enter_async_context(running_protocols(c))  # MCP and A2A
            app.state.container = c  # the one thing routes read: the typed composition root
            # everything loaded so far lives as long as the process: keep it out of the cyclic
            # GC's full collections, which otherwise pause every request for hundreds of ms
            gc.collect()
            gc.freeze()
            stack.callback(gc.unfreeze)
            flusher = asyncio.create_task(_flush_ledger(c))
            stack.push_async_callback(_cancel, flusher)
            log.info(
                "api_ready", generator=c.generator.name, data_dir=str(settings.storage.data_dir)
            )
            yield

    app = FastAPI(
        title="Colonnade Intelligence API",
        version=__version__,
        description="Grounded answers with citations over your organisation's documents. "
        "Every error is an RFC 9457 problem+json document with a request id.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    install_problem_handlers(app)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = problem_media_types(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    mount_protocols(app)
    mount_chat_completions(app)  # plain ASGI, ahead of every FastAPI route
    api_docs.install(app)
    app.include_router(answer_feedback.router)
    document_originals.install(app)
    # the gateway first: its routes are the hottest and are matched in order
    for router in (
        gateway,
        predictions,
        inference_v2,
        answers,
        conversations,
        search,
        documents,
        admin,
        health,
        auth,
        tools,
    ):
        app.include_router(router.router)
    upload_limit = settings.ingestion.max_file_bytes + _UPLOAD_OVERHEAD

    def body_limit(method: str, path: str) -> int:
        if method == "POST" and path == "/v1/documents":
            return upload_limit
        return settings.api.max_body_bytes

    app.add_middleware(JsonDepthLimit, max_depth=settings.api.max_json_depth)
    app.add_middleware(BodySizeLimit, limit_for=body_limit)
    app.add_middleware(TimeLimit, seconds=settings.security.request_timeout_s)
    if settings.security.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.security.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-API-Key", "X-Request-ID"],
            expose_headers=[
                "X-Request-ID",
                "Retry-After",
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
            ],
        )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(TraceRequests)
    app.add_middleware(RequestId)
    app.add_middleware(RequestMetrics)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _build_routes(app.router.routes)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    return app


def _build_routes(routes: Any) -> None:
    """Build each included route's request handling now, in the thread that makes the app.

    FastAPI builds it lazily, on an included router's first request, from route objects
    that every app made in one process shares; two apps serving their first requests at
    once (tests, several servers in one process) would build the same routes concurrently.
    """
    for route in routes:
        for build in ("effective_candidates", "effective_low_priority_routes"):
            children = getattr(route, build, None)
            if callable(children):
                _build_routes(children())


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def _flush_logs(c: Container) -> None:
    """What the model-call ledger and the audit log still buffer, written at shutdown."""
    if c.audit is not None:
        c.audit.flush()
    if c.router is not None and c.router.ledger is not None:
        c.router.ledger.flush()


async def _flush_ledger(container: Container, every_s: float = 1.0) -> None:
    """Write buffered model-call and audit records now and then, off the event loop."""
    router = container.router
    ledger = router.ledger if router is not None else None
    while True:
        await asyncio.sleep(every_s)
        for log_ in (ledger, container.audit):
            if log_ is None:
                continue
            try:
                await asyncio.to_thread(log_.flush)
            except Exception:
                log.exception("flush_failed", log=type(log_).__name__)


def create_app_from_env() -> FastAPI:
    """For ``uvicorn --factory`` (several workers): settings from COLONNADE_* and the config."""
    settings = load_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    return create_app(settings)

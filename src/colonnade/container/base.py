"""What every part of the composition root stands on: the settings, the exit stack that
closes what the container owns, traces and the metrics registry."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from contextlib import AsyncExitStack
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from colonnade.llm.accounting import LLMMetrics
from colonnade.settings import Settings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.trace import Tracer

__all__ = ["Parts"]

_P = TypeVar("_P")


class Parts:
    """The container's foundation; ``Container`` (a dataclass) sets both fields."""

    settings: Settings
    _stack: AsyncExitStack

    def _owned(self, part: _P, close: Callable[[], Any] | None = None) -> _P:
        """Keep ``part``; its closer runs when the container closes."""
        self._stack.callback(close or part.close)  # type: ignore[attr-defined]
        return part

    async def aclose(self) -> None:
        await self._stack.aclose()

    def close(self) -> None:
        """For synchronous callers (the CLI, tests). Inside a running event loop (a sync API
        over one, as Playwright's) the stack is closed on a thread of its own."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            asyncio.run(self.aclose())
            return
        failed: list[BaseException] = []

        def run() -> None:
            try:
                asyncio.run(self.aclose())
            except BaseException as exc:  # re-raised in the caller's thread
                failed.append(exc)

        thread = threading.Thread(target=run, name="container-close")
        thread.start()
        thread.join()
        if failed:
            raise failed[0]

    @cached_property
    def tracer_provider(self) -> TracerProvider | None:
        """Traces, when ``tracing.enabled``; built in the process that serves (after uvicorn
        forks its workers), flushed and shut down when the container closes."""
        from colonnade.observability.tracing import build_tracer_provider

        provider = build_tracer_provider(self.settings.tracing)
        if provider is not None:
            self._owned(provider, provider.shutdown)
        return provider

    @cached_property
    def tracer(self) -> Tracer | None:
        from colonnade.observability.tracing import tracer_of

        return tracer_of(self.tracer_provider)

    @cached_property
    def llm_metrics(self) -> LLMMetrics:
        return LLMMetrics()

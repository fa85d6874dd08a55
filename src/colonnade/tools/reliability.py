"""Timeouts, retries and a circuit breaker for tools, as wrappers that implement ``Tool``.

The same primitives as the LLM layer: tenacity's exponential backoff with jitter and
``colonnade.reliability.Breaker`` (a failure rate over a window, half-open probes).
Only ``read`` tools are retried: a write that timed out may have happened, and doing it
twice is worse than failing once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import Any

from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

from colonnade.identity.principal import Principal
from colonnade.reliability import Breaker
from colonnade.settings import BreakerSettings
from colonnade.tools.ports import Tool, ToolError, ToolResult, ToolSpec

__all__ = ["Reliable"]


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, ToolError) and exc.retryable


class Reliable:
    """A deadline per call, retries for read tools, and a breaker per tool."""

    def __init__(
        self,
        inner: Tool,
        *,
        timeout_s: float,
        max_retries: int,
        breaker: BreakerSettings,
        initial_s: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.inner = inner
        self.timeout_s = timeout_s
        self.max_retries = max_retries if inner.spec.risk == "read" else 0
        self.breaker = Breaker(f"tool:{inner.spec.name}", breaker, clock=clock)
        self._wait = wait_exponential(multiplier=initial_s, max=2.0) + wait_random(0, initial_s)

    @property
    def spec(self) -> ToolSpec:
        return self.inner.spec

    async def _once(self, arguments: Mapping[str, Any], caller: Principal) -> ToolResult:
        name = self.spec.name
        if not self.breaker.admit():
            raise ToolError(
                f"tool {name} is unavailable: its circuit breaker is open; it is tried again "
                f"after {self.breaker.settings.cooldown_s:g}s",
                tool=name,
                kind="unavailable",
            )
        try:
            async with asyncio.timeout(self.timeout_s):
                result = await self.inner.call(arguments, caller)
        except TimeoutError as exc:
            self.breaker.record(False)
            raise ToolError(
                f"tool {name} did not answer within {self.timeout_s:g}s",
                tool=name,
                retryable=True,
                kind="timeout",
            ) from exc
        except ToolError as exc:
            self.breaker.record(exc.kind == "invalid_arguments")
            raise
        except Exception:
            self.breaker.record(False)
            raise
        self.breaker.record(True)
        return result

    async def call(self, arguments: Mapping[str, Any], caller: Principal) -> ToolResult:
        if self.max_retries == 0:
            return await self._once(arguments, caller)
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.max_retries + 1),
            wait=self._wait,
            retry=retry_if_exception(_retryable),
            reraise=True,
        )
        result: ToolResult = await retrying(self._once, arguments, caller)
        return result

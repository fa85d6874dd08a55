"""Reliability wrappers. Each implements the ChatModel port it wraps.

- ``Retrying``: exponential backoff with jitter (tenacity) on retryable
  failures, inside the request's deadline, honouring ``Retry-After``.
- ``CircuitBreaker``: a deployment behind ``colonnade.reliability.Breaker``, which
  refuses calls while the breaker is open.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

from colonnade.errors import LLMError, LLMErrorKind
from colonnade.llm.ports import ChatModel, ChatRequest, ChatStream, Completion
from colonnade.reliability import Breaker, BreakerPort, BreakerState
from colonnade.settings import BreakerSettings

__all__ = ["CircuitBreaker", "Retrying"]

T = TypeVar("T")


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, LLMError) and exc.retryable


class Retrying:
    """Another try on the same deployment for timeouts, connection errors, 429 and 5xx."""

    def __init__(
        self, inner: ChatModel, *, max_retries: int, initial_s: float = 0.2, max_s: float = 5.0
    ) -> None:
        self.inner = inner
        self.max_retries = max_retries
        # exponential backoff plus up to one initial step of jitter (tenacity 8 and 9 alike)
        self._backoff = wait_exponential(multiplier=initial_s, max=max_s) + wait_random(
            0, initial_s
        )

    @property
    def name(self) -> str:
        return self.inner.name

    def _wait(self, request: ChatRequest) -> Callable[[RetryCallState], float]:
        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            delay = self._backoff(state)
            if isinstance(exc, LLMError) and exc.retry_after is not None:
                delay = exc.retry_after
            remaining = request.remaining()
            if remaining is not None and delay >= remaining:
                # no time left to wait: let the fallback chain take it instead
                raise exc if exc is not None else TimeoutError()
            return delay

        return wait

    async def _call(self, request: ChatRequest, fn: Callable[[ChatRequest], Awaitable[T]]) -> T:
        if self.max_retries == 0:
            return await fn(request)
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.max_retries + 1),
            wait=self._wait(request),
            retry=retry_if_exception(_retryable),
            reraise=True,
        )
        result: T = await retrying(fn, request)
        return result

    async def complete(self, request: ChatRequest) -> Completion:
        return await self._call(request, self.inner.complete)

    async def open_stream(self, request: ChatRequest) -> ChatStream:
        return await self._call(request, self.inner.open_stream)


class CircuitBreaker:
    """Per-deployment breaker: a ``ChatModel`` that refuses calls while its breaker is open.

    The breaker's state is kept in this process by default; give ``breaker`` (a
    ``RedisBreaker``) to share it with every replica.
    """

    def __init__(
        self,
        inner: ChatModel,
        settings: BreakerSettings,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_change: Callable[[str, BreakerState], None] | None = None,
        breaker: BreakerPort | None = None,
    ) -> None:
        self.inner = inner
        self.breaker: BreakerPort = breaker or Breaker(
            inner.name, settings, clock=clock, on_change=on_change
        )
        self.settings = self.breaker.settings

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def state(self) -> BreakerState:
        return self.breaker.state

    @property
    def available(self) -> bool:
        return self.breaker.available

    def failure_rate(self) -> float:
        return self.breaker.failure_rate()

    def _admit(self) -> None:
        if not self.breaker.admit():
            raise LLMError(
                f"deployment {self.name} is unavailable: its circuit breaker is open "
                f"(failure rate {self.failure_rate():.0%}); it is probed again after "
                f"{self.settings.cooldown_s:g}s",
                provider=self.name,
                kind=LLMErrorKind.unavailable,
            )

    @staticmethod
    def _counts(exc: BaseException) -> bool:
        """Failures of the deployment count; a caller's bad request does not."""
        return isinstance(exc, LLMError) and not exc.kind.is_callers

    async def complete(self, request: ChatRequest) -> Completion:
        self._admit()
        try:
            result = await self.inner.complete(request)
        except BaseException as exc:
            self.breaker.record(not self._counts(exc))
            raise
        self.breaker.record(True)
        return result

    async def open_stream(self, request: ChatRequest) -> ChatStream:
        self._admit()
        try:
            stream = await self.inner.open_stream(request)
        except BaseException as exc:
            self.breaker.record(not self._counts(exc))
            raise
        stream.on_close(self._settle)
        return stream

    def _settle(self, stream: ChatStream, error: BaseException | None) -> None:
        self.breaker.record(
            error is None or isinstance(error, GeneratorExit) or not self._counts(error)
        )

    def snapshot(self) -> dict[str, Any]:
        return self.breaker.snapshot()

"""Breaker transitions and retries, with a scripted model that implements the port."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest

from colonnade.errors import LLMError
from colonnade.llm.ports import ChatRequest, ChatStream, Completion, Served
from colonnade.llm.reliability import CircuitBreaker, Retrying
from colonnade.reliability import BreakerState
from colonnade.settings import BreakerSettings


@dataclass
class ScriptedChatModel:
    """Fails with the scripted error kinds in order, then succeeds."""

    failures: list[str] = field(default_factory=list)
    calls: int = 0
    name: str = "scripted"

    async def complete(self, request: ChatRequest) -> Completion:
        self.calls += 1
        if self.failures:
            kind = self.failures.pop(0)
            raise LLMError(f"scripted {kind}", provider=self.name, kind=kind, retry_after=0.0)
        return Completion(
            {"choices": [{"message": {"content": "ok"}}]}, Served(self.name, "managed")
        )

    async def open_stream(self, request: ChatRequest) -> ChatStream:
        raise NotImplementedError


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


REQUEST = ChatRequest({"messages": [{"role": "user", "content": "hi"}]})


def call(model: CircuitBreaker | Retrying) -> str:
    try:
        asyncio.run(model.complete(REQUEST))
    except LLMError as exc:
        return exc.kind
    return "ok"


def test_breaker_opens_on_failure_rate_half_opens_after_cooldown_and_closes_on_a_probe() -> None:
    clock = Clock()
    changes: list[tuple[str, BreakerState]] = []
    inner = ScriptedChatModel(["server", "server", "server"])
    settings = BreakerSettings(
        window_s=30, min_calls=4, failure_rate=0.5, cooldown_s=10, half_open_probes=1
    )
    breaker = CircuitBreaker(
        inner, settings, clock=clock, on_change=lambda n, s: changes.append((n, s))
    )
    assert [call(breaker) for _ in range(2)] == ["server", "server"]
    assert breaker.state is BreakerState.CLOSED  # fewer calls than min_calls: no verdict yet
    assert call(breaker) == "server" and breaker.state is BreakerState.CLOSED  # 3 calls
    inner.failures = ["server"]
    assert call(breaker) == "server" and breaker.state is BreakerState.OPEN  # 4 of 4 failed
    assert call(breaker) == "unavailable" and inner.calls == 4  # open: the deployment is spared
    clock.now += 9
    assert call(breaker) == "unavailable"
    clock.now += 2
    assert breaker.available and breaker.state is BreakerState.HALF_OPEN
    assert call(breaker) == "ok" and breaker.state is BreakerState.CLOSED
    assert [s for _, s in changes] == [
        BreakerState.OPEN,
        BreakerState.HALF_OPEN,
        BreakerState.CLOSED,
    ]


def test_a_failed_probe_opens_the_breaker_again_for_another_cooldown() -> None:
    clock = Clock()
    inner = ScriptedChatModel(["timeout"] * 6)
    breaker = CircuitBreaker(inner, BreakerSettings(min_calls=2, cooldown_s=5), clock=clock)
    assert [call(breaker) for _ in range(3)] == ["timeout", "timeout", "unavailable"]
    clock.now += 6
    assert call(breaker) == "timeout" and breaker.state is BreakerState.OPEN
    assert call(breaker) == "unavailable"
    clock.now += 6
    inner.failures = []
    assert call(breaker) == "ok" and breaker.state is BreakerState.CLOSED


def test_old_failures_leave_the_window_and_bad_requests_do_not_count() -> None:
    clock = Clock()
    inner = ScriptedChatModel(["server", "bad_request", "bad_request", "bad_request"])
    breaker = CircuitBreaker(
        inner, BreakerSettings(window_s=30, min_calls=3, failure_rate=0.5), clock=clock
    )
    assert call(breaker) == "server"
    clock.now += 31
    assert [call(breaker) for _ in range(3)] == ["bad_request"] * 3
    assert breaker.state is BreakerState.CLOSED and breaker.failure_rate() == 0.0


@pytest.mark.parametrize(
    ("failures", "retries", "outcome", "calls"),
    [
        (["server", "rate_limited"], 2, "ok", 3),
        (["server", "server", "server"], 2, "server", 3),
        (["content_filter"], 3, "content_filter", 1),  # a refusal is not retried: it falls back
        (["bad_request"], 3, "bad_request", 1),
    ],
)
def test_retries_only_what_another_try_may_fix(
    failures: list[str], retries: int, outcome: str, calls: int
) -> None:
    inner = ScriptedChatModel(list(failures))
    retrying = Retrying(inner, max_retries=retries, initial_s=0.001, max_s=0.01)
    assert call(retrying) == outcome and inner.calls == calls

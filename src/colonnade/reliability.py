"""Reliability primitives shared by the LLM layer and the ML platform.

- ``Breaker``: a circuit breaker that opens when the failure rate over a sliding
  window passes a threshold, half-opens after a cool-down with a limited number of
  probes, and closes when a probe succeeds. Written here: the breaker libraries
  count consecutive failures only, not a rate over a window.
- ``BreakerPort``: what a breaker offers its wrapper; ``Breaker`` keeps its state in the
  process, ``colonnade.storage.breakers.RedisBreaker`` in Redis, shared by every replica.
- ``unit_hash``: a stable point in [0, 1) per key, for sticky canary splits.
"""

from __future__ import annotations

import collections
import hashlib
import time
from collections.abc import Callable
from enum import StrEnum
from typing import Any, Protocol

from colonnade.observability.tracing import span_event
from colonnade.settings import BreakerSettings

__all__ = [
    "Breaker",
    "BreakerFactory",
    "BreakerPort",
    "BreakerState",
    "local_breakers",
    "unit_hash",
]


def unit_hash(key: str) -> float:
    """A stable point in [0, 1) for a key: sticky traffic splits (canaries) without state."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class BreakerPort(Protocol):
    """A circuit breaker over a failure rate in a sliding window (see ``Breaker``)."""

    settings: BreakerSettings

    @property
    def name(self) -> str: ...
    @property
    def state(self) -> BreakerState: ...
    @property
    def available(self) -> bool: ...
    def admit(self) -> bool: ...
    def record(self, ok: bool) -> None: ...
    def failure_rate(self) -> float: ...
    def snapshot(self) -> dict[str, Any]: ...


BreakerFactory = Callable[
    [str, BreakerSettings, Callable[[str, BreakerState], None] | None], BreakerPort
]
"""Makes a deployment's breaker: its name, settings and state-change callback."""


def local_breakers(
    name: str, settings: BreakerSettings, on_change: Callable[[str, BreakerState], None] | None
) -> BreakerPort:
    """The default ``BreakerFactory``: each breaker's state in this process."""
    return Breaker(name, settings, on_change=on_change)


class Breaker:
    """A circuit breaker over the calls of the last ``window_s`` seconds.

    Opens when at least ``min_calls`` calls in the window failed at ``failure_rate`` or
    more; after ``cooldown_s`` it lets ``half_open_probes`` calls through, and closes on a
    success. Used for LLM deployments and for served ML models alike.
    """

    def __init__(
        self,
        name: str,
        settings: BreakerSettings,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_change: Callable[[str, BreakerState], None] | None = None,
    ) -> None:
        self._name = name
        self.settings = settings
        self._clock = clock
        self._on_change = on_change
        self._calls: collections.deque[tuple[float, bool]] = collections.deque()
        self.state: BreakerState = BreakerState.CLOSED
        self.opened_at = 0.0
        self._probes = 0

    @property
    def name(self) -> str:
        return self._name

    def _set(self, state: BreakerState) -> None:
        if state is not self.state:
            self.state = state
            span_event("colonnade.breaker.state", breaker=self.name, state=state.value)
            if self._on_change is not None:
                self._on_change(self.name, state)

    def _trim(self, now: float) -> None:
        horizon = now - self.settings.window_s
        while self._calls and self._calls[0][0] < horizon:
            self._calls.popleft()

    def failure_rate(self) -> float:
        self._trim(self._clock())
        if not self._calls:
            return 0.0
        return sum(1 for _, ok in self._calls if not ok) / len(self._calls)

    @property
    def available(self) -> bool:
        """Whether a call may go through now (an open breaker past its cool-down half-opens)."""
        if self.state is BreakerState.OPEN:
            if self._clock() - self.opened_at < self.settings.cooldown_s:
                return False
            self._set(BreakerState.HALF_OPEN)
            self._probes = 0
        if self.state is BreakerState.HALF_OPEN:
            return self._probes < self.settings.half_open_probes
        return True

    def admit(self) -> bool:
        """Take a place for a call; False when the breaker is open (or its probes are out)."""
        if not self.available:
            return False
        if self.state is BreakerState.HALF_OPEN:
            self._probes += 1
        return True

    def record(self, ok: bool) -> None:
        now = self._clock()
        if self.state is BreakerState.HALF_OPEN:
            self._probes = max(0, self._probes - 1)
            if ok:
                self._calls.clear()
                self._set(BreakerState.CLOSED)
            else:
                self.opened_at = now
                self._set(BreakerState.OPEN)
            return
        self._calls.append((now, ok))
        self._trim(now)
        s = self.settings
        if (
            not ok
            and self.state is BreakerState.CLOSED
            and len(self._calls) >= s.min_calls
            and self.failure_rate() >= s.failure_rate
        ):
            self.opened_at = now
            self._set(BreakerState.OPEN)

    def snapshot(self) -> dict[str, Any]:
        return {
            "state": self.state.value,
            "failure_rate": round(self.failure_rate(), 3),
            "calls_in_window": len(self._calls),
            "opened_at": self.opened_at or None,
        }

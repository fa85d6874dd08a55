"""Circuit breakers whose state lives in Redis, so that every replica sees one breaker.

``RedisBreaker`` implements ``colonnade.reliability.BreakerPort`` with the rules of the
in-process ``Breaker`` (a failure rate over a sliding window, a cool-down, half-open
probes), each step one Lua script so that replicas deciding at once agree. A deployment
opened by one replica's failures is refused by every other at once, and the probe after
the cool-down is taken by one of them only. Times are wall-clock seconds (shared between
machines); a probe taken by a replica that died is given back after another cool-down.

Each step is a short blocking round trip to Redis (well under a millisecond on a local
network, beside a model call of hundreds). When Redis cannot be reached the breaker lets
calls through and says so in the log: the breakers' store going away must not take the
model path down with it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import redis

from colonnade.observability.logging import get_logger
from colonnade.observability.tracing import span_event
from colonnade.reliability import BreakerState
from colonnade.settings import BreakerSettings

__all__ = ["RedisBreaker", "RedisBreakers"]

log = get_logger(__name__)

_TAKE = """
local h = KEYS[1]
local now = tonumber(ARGV[1])
local state = redis.call('HGET', h, 'state') or 'closed'
if state == 'open' then
  local opened = tonumber(redis.call('HGET', h, 'opened_at') or '0')
  if now - opened < tonumber(ARGV[2]) then return {0, state} end
  state = 'half_open'
  redis.call('HSET', h, 'state', state, 'probes', 0, 'probe_at', ARGV[1])
end
if state == 'half_open' then
  local probes = tonumber(redis.call('HGET', h, 'probes') or '0')
  local probe_at = tonumber(redis.call('HGET', h, 'probe_at') or '0')
  if probes >= tonumber(ARGV[3]) and now - probe_at >= tonumber(ARGV[2]) then
    probes = 0  -- the probes' replicas never reported back
    redis.call('HSET', h, 'probes', 0)
  end
  if probes >= tonumber(ARGV[3]) then return {0, state} end
  if ARGV[4] == '1' then
    redis.call('HSET', h, 'probes', probes + 1, 'probe_at', ARGV[1])
  end
  return {1, state}
end
return {1, state}
"""

_RECORD = """
local h, calls, fails = KEYS[1], KEYS[2], KEYS[3]
local now = tonumber(ARGV[1])
local ok = ARGV[2] == '1'
local window = tonumber(ARGV[4])
local state = redis.call('HGET', h, 'state') or 'closed'
if state == 'half_open' then
  local probes = tonumber(redis.call('HGET', h, 'probes') or '0')
  redis.call('HSET', h, 'probes', math.max(0, probes - 1))
  if ok then
    redis.call('DEL', calls, fails)
    redis.call('HSET', h, 'state', 'closed')
    return 'closed'
  end
  redis.call('HSET', h, 'state', 'open', 'opened_at', ARGV[1])
  return 'open'
end
redis.call('ZADD', calls, now, ARGV[3])
if not ok then redis.call('ZADD', fails, now, ARGV[3]) end
local horizon = '(' .. tostring(now - window)
redis.call('ZREMRANGEBYSCORE', calls, '-inf', horizon)
redis.call('ZREMRANGEBYSCORE', fails, '-inf', horizon)
local ttl = math.ceil(window) + 1
redis.call('EXPIRE', calls, ttl)
redis.call('EXPIRE', fails, ttl)
if (not ok) and state == 'closed' then
  local n = redis.call('ZCARD', calls)
  local f = redis.call('ZCARD', fails)
  if n >= tonumber(ARGV[5]) and f / n >= tonumber(ARGV[6]) then
    redis.call('HSET', h, 'state', 'open', 'opened_at', ARGV[1])
    return 'open'
  end
end
return state
"""


class RedisBreaker:
    def __init__(
        self,
        name: str,
        settings: BreakerSettings,
        client: redis.Redis,
        *,
        prefix: str = "colonnade:breaker:",
        clock: Callable[[], float] = time.time,
        on_change: Callable[[str, BreakerState], None] | None = None,
    ) -> None:
        self._name = name
        self.settings = settings
        self._client = client
        self._clock = clock
        self._on_change = on_change
        self._keys = [f"{prefix}{name}", f"{prefix}{name}:calls", f"{prefix}{name}:fails"]
        self._take = client.register_script(_TAKE)
        self._record = client.register_script(_RECORD)
        self._seen = BreakerState.CLOSED

    @property
    def name(self) -> str:
        return self._name

    def _saw(self, state: BreakerState) -> BreakerState:
        if state is not self._seen:
            self._seen = state
            span_event("colonnade.breaker.state", breaker=self.name, state=state.value)
            if self._on_change is not None:
                self._on_change(self.name, state)
        return state

    def _unreachable(self, exc: Exception) -> None:
        log.warning("breaker_store_unreachable", breaker=self.name, error=str(exc))

    @property
    def state(self) -> BreakerState:
        try:
            raw = self._client.hget(self._keys[0], "state")
        except redis.RedisError as exc:
            self._unreachable(exc)
            return self._seen
        return self._saw(BreakerState(raw.decode() if isinstance(raw, bytes) else "closed"))

    def _ask(self, take: bool) -> bool:
        s = self.settings
        args: list[str | float] = [repr(self._clock()), s.cooldown_s, s.half_open_probes, int(take)]
        try:
            allowed, state = self._take(keys=self._keys[:1], args=args)
        except redis.RedisError as exc:
            self._unreachable(exc)
            return True
        self._saw(BreakerState(state.decode()))
        return bool(allowed)

    @property
    def available(self) -> bool:
        """Whether a call may go through now (an open breaker past its cool-down half-opens)."""
        return self._ask(take=False)

    def admit(self) -> bool:
        return self._ask(take=True)

    def record(self, ok: bool) -> None:
        s = self.settings
        now = repr(self._clock())
        member = f"{now}:{uuid.uuid4().hex}"
        args: list[str | float] = [now, int(ok), member, s.window_s, s.min_calls, s.failure_rate]
        try:
            state = self._record(keys=self._keys, args=args)
        except redis.RedisError as exc:
            self._unreachable(exc)
            return
        self._saw(BreakerState(state.decode()))

    def _window(self) -> tuple[int, int]:
        horizon = self._clock() - self.settings.window_s
        pipe = self._client.pipeline(transaction=False)
        pipe.zcount(self._keys[1], horizon, "+inf")
        pipe.zcount(self._keys[2], horizon, "+inf")
        pipe.hget(self._keys[0], "opened_at")
        calls, fails, _ = pipe.execute()
        return int(calls), int(fails)

    def failure_rate(self) -> float:
        try:
            calls, fails = self._window()
        except redis.RedisError as exc:
            self._unreachable(exc)
            return 0.0
        return fails / calls if calls else 0.0

    def snapshot(self) -> dict[str, Any]:
        try:
            calls, fails = self._window()
            opened = self._client.hget(self._keys[0], "opened_at")
        except redis.RedisError as exc:
            self._unreachable(exc)
            return {"state": self._seen.value, "shared": "unreachable"}
        return {
            "state": self.state.value,
            "failure_rate": round(fails / calls, 3) if calls else 0.0,
            "calls_in_window": calls,
            "opened_at": float(opened) if isinstance(opened, bytes) else None,
            "shared": "redis",
        }


class RedisBreakers:
    """Makes each deployment's ``RedisBreaker`` on one shared client (a ``BreakerFactory``)."""

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "colonnade:breaker:",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix
        self.clock = clock

    def __call__(
        self,
        name: str,
        settings: BreakerSettings,
        on_change: Callable[[str, BreakerState], None] | None,
    ) -> RedisBreaker:
        return RedisBreaker(
            name, settings, self.client, prefix=self.prefix, clock=self.clock, on_change=on_change
        )

    def close(self) -> None:
        self.client.close()

"""The limiter's in-process storage: ``limits``' memory storage, swept on the event loop.

The library's own memory storage starts a new task after every hit and counter change,
and that task sends each moving-window key's list of hits to a worker thread for one
bisect: three thread hops and three tasks per gateway request, for work that takes
microseconds. Here the sweep (the same one: drop hits and counters past their window)
runs inline, on the event loop, at most once a second; counting is unchanged, since
every read already ignores what has expired.

A moving window's hits are kept oldest first in a deque of their times, cut at the
window's start as they are counted: a hit is an append, where the library's list puts
every hit at its front (a copy of the whole window's list per hit: tens of microseconds
once a window holds some thousands). The answers are the library's: a hit is refused
when the window already holds ``limit - amount + 1`` hits, the window's start is its
oldest hit. Counting never awaits, so no lock is needed: nothing else runs on the loop
between the read and the write.
"""

from __future__ import annotations

import inspect
import time
from collections import deque
from typing import Any

from limits.aio.storage import MemoryStorage

__all__ = ["SweptMemoryStorage"]


class SweptMemoryStorage(MemoryStorage):
    # a scheme of its own: an inherited one would take over "async+memory" in limits' registry
    STORAGE_SCHEME = ["async+swept-memory"]  # noqa: RUF012 - the base declares it so

    def __init__(
        self, uri: str | None = None, *, sweep_every_s: float = 1.0, **options: Any
    ) -> None:
        super().__init__(uri, **options)
        self.sweep_every_s = sweep_every_s
        self._swept = 0.0
        self.events: dict[str, deque[float]] = {}  # type: ignore[assignment]  # hit times
        self.windows: dict[str, float] = {}  # a moving window's length, for the sweep

    # replaces the library's per-call scheduling of its sweep task (a private method, so
    # its name is the mangled one)
    async def _MemoryStorage__schedule_expiry(self) -> None:
        self._maybe_sweep(time.time())

    def _maybe_sweep(self, now: float) -> None:
        if now - self._swept >= self.sweep_every_s:
            self._swept = now
            self.sweep(now)

    # measured faster than the library's (a list with each hit put at its front, an asyncio
    # lock per call, four wrappers deep): a gateway request's three request counters, hit
    # and read, take 9 µs instead of 18 (22 once a window holds 20,000 hits); the same
    # answers (tests/api/test_limit_storage.py)
    async def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        if self.expirations.get(key, 0) <= now:
            self.storage.pop(key, None)
            self.expirations.pop(key, None)
        self._maybe_sweep(now)
        total = self.storage[key] + amount
        self.storage[key] = total
        if total == amount:
            self.expirations[key] = now + expiry
        return total

    async def get(self, key: str) -> int:
        if self.expirations.get(key, 0) <= time.time():
            self.storage.pop(key, None)
            self.expirations.pop(key, None)
            self.locks.pop(key, None)
        return self.storage.get(key, 0)

    async def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = time.time()
        self._maybe_sweep(now)
        hits = self.events.get(key)
        if hits is None:
            hits = self.events[key] = deque()
            self.windows[key] = expiry
        start = now - expiry
        while hits and hits[0] < start:  # left the window (the library counts atime >= start)
            hits.popleft()
        if len(hits) > limit - amount:
            return False
        if amount == 1:
            hits.append(now)
        else:
            hits.extend([now] * amount)
        return True

    async def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        hits = self.events.get(key)
        if hits:
            start = now - expiry
            while hits and hits[0] < start:
                hits.popleft()
            at = 0  # the library counts atime > start here: a hit at the very start is not
            while at < len(hits) and hits[at] <= start:
                at += 1
            if at < len(hits):
                return hits[at], len(hits) - at
        return now, 0

    async def clear(self, key: str) -> None:
        await super().clear(key)
        self.windows.pop(key, None)

    async def reset(self) -> int | None:
        self.windows.clear()
        return await super().reset()

    def sweep(self, now: float | None = None) -> None:
        """Drop moving-window hits and counters whose window has passed. Nothing awaits
        in here, so no other request sees a key half swept."""
        now = time.time() if now is None else now
        for key, hits in list(self.events.items()):
            start = now - self.windows.get(key, 0.0)
            while hits and hits[0] < start:
                hits.popleft()
            if not hits:
                self.events.pop(key, None)
                self.windows.pop(key, None)
                self.locks.pop(key, None)
        for key, expiry in list(self.expirations.items()):
            if expiry <= now:
                self.storage.pop(key, None)
                self.expirations.pop(key, None)
                self.locks.pop(key, None)


# ``limits`` wraps a storage's methods, at every level of subclassing, in a function that
# turns its errors into StorageError when ``wrap_exceptions`` is set: four wrappers deep
# here, each an extra coroutine per call. This storage is never made with it set and
# raises nothing of its own, so its counting methods are its own functions, unwrapped.
for _name in ("incr", "get", "acquire_entry", "get_moving_window"):
    setattr(SweptMemoryStorage, _name, inspect.unwrap(SweptMemoryStorage.__dict__[_name]))

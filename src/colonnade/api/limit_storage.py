"""The limiter's in-process storage: ``limits``' memory storage, swept on the event loop.

The library's own memory storage starts a new task after every hit and counter change,
and that task sends each moving-window key's list of hits to a worker thread for one
bisect: three thread hops and three tasks per gateway request, for work that takes
microseconds. Here the sweep (the same one: drop hits and counters past their window)
runs inline, on the event loop, at most once a second; counting is unchanged, since
every read already ignores what has expired.
"""

from __future__ import annotations

import bisect
import time
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

    # replaces the library's per-call scheduling of its sweep task (a private method, so
    # its name is the mangled one)
    async def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.time()
        if now - self._swept >= self.sweep_every_s:
            self._swept = now
            self.sweep(now)

    def sweep(self, now: float | None = None) -> None:
        """Drop moving-window hits and counters whose window has passed. Nothing awaits
        in here, so no other request sees a key half swept."""
        now = time.time() if now is None else now
        for key, events in list(self.events.items()):
            # newest first: keep those still inside their window
            cutoff = bisect.bisect_left(events, -now, key=lambda event: -event.expiry)
            if cutoff == len(events):
                continue
            if cutoff:
                self.events[key] = events[:cutoff]
            else:
                self.events.pop(key, None)
                self.locks.pop(key, None)
        for key, expiry in list(self.expirations.items()):
            if expiry <= now:
                self.storage.pop(key, None)
                self.expirations.pop(key, None)
                self.locks.pop(key, None)

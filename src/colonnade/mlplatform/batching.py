"""Dynamic micro-batching: concurrent requests for one model become one inference call.

Requests queue; one drain task per model takes everything waiting (up to
``max_batch`` rows) and scores it in one call on the model's own thread, so the
event loop keeps accepting requests while it runs and the next batch forms from
whatever arrived meanwhile. A batch waits up to ``max_wait_s`` to fill only when
others are already queued behind it: a lone request on an idle queue is scored at
once, never delayed. Batches of at most ``inline_rows`` rows are scored on the event
loop itself (a thread hop costs more than scoring a row), as long as the model stays fast.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

__all__ = ["MicroBatcher"]

Score = Callable[[np.ndarray], np.ndarray]
INLINE_LIMIT_S = 0.002


class MicroBatcher:
    def __init__(
        self,
        score: Score,
        *,
        max_batch: int,
        max_wait_s: float,
        name: str = "model",
        inline_rows: int = 0,
    ) -> None:
        self.score = score
        self.inline_rows = inline_rows
        self.max_batch = max_batch
        self.max_wait_s = max_wait_s
        self._queue: deque[tuple[np.ndarray, asyncio.Future[np.ndarray]]] = deque()
        self._wakeup: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._executor = ThreadPoolExecutor(1, thread_name_prefix=f"score-{name}")
        self.batches = 0
        self.rows = 0

    async def submit(self, x: np.ndarray) -> np.ndarray:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[np.ndarray] = loop.create_future()
        self._queue.append((x, future))
        if self._task is None or self._task.done():
            self._wakeup = asyncio.Event()
            self._task = loop.create_task(self._drain())
        elif self._wakeup is not None:
            self._wakeup.set()
        return await future

    def _take(self, room: int) -> list[tuple[np.ndarray, asyncio.Future[np.ndarray]]]:
        """Queued requests up to ``room`` rows (a single larger request goes alone)."""
        batch: list[tuple[np.ndarray, asyncio.Future[np.ndarray]]] = []
        rows = 0
        while self._queue and rows < room:
            x, future = self._queue[0]
            if batch and rows + len(x) > room:
                break
            self._queue.popleft()
            if future.cancelled():  # its caller timed out and went to a fallback
                continue
            batch.append((x, future))
            rows += len(x)
        return batch

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        while self._queue:
            batch = self._take(self.max_batch)
            rows = sum(len(x) for x, _ in batch)
            if len(batch) > 1 and rows < self.max_batch and self.max_wait_s > 0:
                # busy: give the batch a moment to fill, then take what came
                deadline = time.perf_counter() + self.max_wait_s
                while rows < self.max_batch and (left := deadline - time.perf_counter()) > 0:
                    assert self._wakeup is not None
                    self._wakeup.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wakeup.wait(), left)
                    more = self._take(self.max_batch - rows)
                    batch.extend(more)
                    rows += sum(len(x) for x, _ in more)
            if not batch:
                continue
            x = batch[0][0] if len(batch) == 1 else np.concatenate([x for x, _ in batch])
            try:
                if rows <= self.inline_rows:
                    # a few rows score in microseconds: a thread hop would cost more. A call
                    # on the loop cannot be cut short by a timeout, so a model that is ever
                    # slow there goes to its thread from then on.
                    t0 = time.perf_counter()
                    out = self.score(x)
                    if time.perf_counter() - t0 > INLINE_LIMIT_S:
                        self.inline_rows = 0
                else:
                    out = await loop.run_in_executor(self._executor, self.score, x)
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            self.batches += 1
            self.rows += rows
            at = 0
            for part, future in batch:
                if not future.done():
                    future.set_result(out[at : at + len(part)])
                at += len(part)

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._executor.shutdown(wait=False, cancel_futures=True)

"""Routing shared by the LLM router and the predictions runtime.

Both send a request to one of several versions of a model (LLM deployments, registered
model versions): a canary split by weight, sticky per key; a chain of fallbacks tried in
turn, each behind its circuit breaker; and a shadow that also answers, off the response
path, to be compared. What differs (how a deployment or a version is called, what a
failure means, what is recorded) comes in as small callables.

- :func:`split_point` and :func:`weighted_pick`: the canary split;
- :func:`first_answer`: the fallback chain;
- :class:`Shadows`: background calls that never fail the caller, drained on shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Sequence
from typing import Any, TypeVar

from colonnade.reliability import unit_hash

__all__ = ["Exhausted", "Shadows", "first_answer", "split_point", "weighted_pick"]

C = TypeVar("C")
R = TypeVar("R")


def split_point(key: str, sticky: str | None, rng: random.Random | None = None) -> float:
    """A point in [0, 1) that places a request in a traffic split: by the hash of
    ``key`` and ``sticky`` when there is a sticky key (a conversation, an entity), so one
    caller always meets the same version, at random otherwise."""
    if sticky is not None:
        return unit_hash(f"{key}\x00{sticky}")
    return (rng or random).random()


def weighted_pick(items: Sequence[C], weight: Callable[[C], float], point: float) -> C:
    """The item ``point`` (in [0, 1)) falls on when the items share [0, 1) by weight.

    Items weighing 0 get no share unless every item weighs 0 (then they share evenly).
    """
    weighted = [i for i in items if weight(i) > 0] or list(items)
    total = sum(weight(i) for i in weighted) or float(len(weighted))
    x = point * total
    for item in weighted:
        x -= weight(item) or 1.0
        if x < 0:
            return item
    return weighted[-1]


class Exhausted(Exception):
    """Every candidate of a chain was skipped or failed; ``last`` is the last failure."""

    def __init__(self, last: BaseException | None) -> None:
        super().__init__("no candidate answered")
        self.last = last


async def first_answer(
    chain: Iterable[C],
    call: Callable[[C, int], Awaitable[R]],
    *,
    admit: Callable[[C], bool],
    failed: Callable[[C, int, BaseException, float], bool],
    fallback_on: type[BaseException] | tuple[type[BaseException], ...] = Exception,
    proceed: Callable[[], bool] = lambda: True,
) -> R:
    """The first candidate's answer that does not fail, trying them in order.

    ``admit`` says whether a candidate may be tried now (its breaker, its fitness for the
    request); one it refuses is skipped. ``call`` gets the candidate and the attempt's
    number (1 for the first tried). A ``fallback_on`` error goes to ``failed`` with the
    attempt's milliseconds: True moves on to the next candidate, False raises it. The walk
    stops early when ``proceed`` says no (a deadline). Raises :class:`Exhausted` when no
    candidate answered.
    """
    last: BaseException | None = None
    attempt = 0
    for candidate in chain:
        if not admit(candidate):
            continue
        if not proceed():
            break
        attempt += 1
        started = time.perf_counter()
        try:
            return await call(candidate, attempt)
        except fallback_on as exc:
            if not failed(candidate, attempt, exc, (time.perf_counter() - started) * 1000):
                raise
            last = exc
    raise Exhausted(last)


class Shadows:
    """Calls made beside the answer (shadow traffic, retirements): kept until done, so
    shutdown can wait for them or cancel them. A shadow's failure is its own business:
    the coroutine handles it."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def start(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for the calls under way (and those they start)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def cancel(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

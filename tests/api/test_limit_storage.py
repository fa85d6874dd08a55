"""The limiter's in-process storage counts as ``limits``' own does and sweeps on the loop."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from colonnade.api.limit_storage import SweptMemoryStorage


class _CountingThreads(ThreadPoolExecutor):
    """The loop's default executor, counting the work sent to it."""

    submitted = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        _CountingThreads.submitted += 1
        return super().submit(fn, *args, **kwargs)


async def _hits(storage: MemoryStorage, n: int) -> list[bool]:
    asyncio.get_running_loop().set_default_executor(_CountingThreads(1))
    moving = MovingWindowRateLimiter(storage)
    fixed = FixedWindowRateLimiter(storage)
    item = parse("5/minute")
    out = []
    for _ in range(n):
        out.append(await moving.hit(item, "req", "user", "ada"))
        await fixed.hit(item, "tok", "user", "ada")
        await storage.incr("colonnade/tok/user/ada", 60, 10)
    return out


def test_limits_hold_and_every_call_sweeps_without_a_thread() -> None:
    _CountingThreads.submitted = 0
    storage = SweptMemoryStorage(sweep_every_s=0)  # sweep on every call
    hits = asyncio.run(_hits(storage, 8))
    assert hits == [True] * 5 + [False] * 3
    assert storage.storage["colonnade/tok/user/ada"] == 80
    assert _CountingThreads.submitted == 0


def test_the_library_storage_would_send_its_sweep_to_a_thread() -> None:
    """What the swept storage is for: the same calls on ``limits``' own hop to a thread."""
    _CountingThreads.submitted = 0
    asyncio.run(_hits(MemoryStorage(), 3))
    assert _CountingThreads.submitted > 0


def test_a_sweep_drops_what_has_left_its_window_and_keeps_the_rest() -> None:
    storage = SweptMemoryStorage()
    asyncio.run(_hits(storage, 3))
    asyncio.run(storage.incr("later", 600, 1))
    assert storage.events and "colonnade/tok/user/ada" in storage.storage
    storage.sweep(time.time() + 120)  # two minutes on: the minute's hits and counters are gone
    assert not storage.events
    assert "colonnade/tok/user/ada" not in storage.storage
    assert storage.storage["later"] == 1


def test_a_moving_window_answers_as_the_library_storage_does(monkeypatch: Any) -> None:
    """Hits of several costs over a clock that moves on: the deque of hit times refuses and
    reports the window exactly as ``limits``' list of entries does."""
    import random

    now = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    ours, theirs = SweptMemoryStorage(), MemoryStorage()
    rng = random.Random(7)

    async def run() -> list[tuple[object, object]]:
        pairs: list[tuple[object, object]] = []
        for _ in range(600):
            now[0] += rng.choice([0.0, 0.5, 3.0, 7.0, 20.0])
            cost = rng.choice([1, 1, 1, 2, 3])
            pairs.append(
                (
                    await ours.acquire_entry("k", 10, 60, cost),
                    await theirs.acquire_entry("k", 10, 60, cost),
                )
            )
            mine, lib = (
                await ours.get_moving_window("k", 10, 60),
                await theirs.get_moving_window("k", 10, 60),
            )
            assert mine[1] == lib[1]
            if lib[1]:
                assert mine[0] == lib[0]  # the window starts at its oldest hit
        return pairs

    pairs = asyncio.run(run())
    assert all(a == b for a, b in pairs)
    assert {a for a, _ in pairs} == {True, False}  # both answers were given


def test_counters_expire_and_count_as_the_library_storage_does(monkeypatch: Any) -> None:
    now = [2_000_000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    ours, theirs = SweptMemoryStorage(), MemoryStorage()

    async def run() -> None:
        for step in range(200):
            now[0] += 7.0
            amount = (step % 5) - 1  # settles give tokens back: negative amounts too
            assert await ours.incr("t", 60, amount) == await theirs.incr("t", 60, amount)
            assert await ours.get("t") == await theirs.get("t")

    asyncio.run(run())

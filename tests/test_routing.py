"""The routing core the LLM router and the predictions runtime share."""

from __future__ import annotations

import asyncio
import random

import pytest

from colonnade.routing import Exhausted, Shadows, first_answer, split_point, weighted_pick


def test_a_sticky_key_always_lands_on_the_same_point() -> None:
    first = split_point("model", "customer-7")
    assert all(split_point("model", "customer-7") == first for _ in range(5))
    assert split_point("model", "customer-8") != first
    assert 0 <= first < 1


def test_without_a_sticky_key_the_point_comes_from_the_generator() -> None:
    assert split_point("model", None, random.Random(3)) == random.Random(3).random()


def test_items_share_the_unit_interval_by_weight() -> None:
    weights = {"a": 1.0, "b": 3.0, "off": 0.0}
    pick = lambda p: weighted_pick(list(weights), weights.__getitem__, p)  # noqa: E731
    assert pick(0.0) == "a"
    assert pick(0.249) == "a"
    assert pick(0.25) == "b"
    assert pick(0.999) == "b"
    counts = {k: 0 for k in weights}
    rng = random.Random(1)
    for _ in range(4000):
        counts[pick(rng.random())] += 1
    assert counts["off"] == 0
    assert 800 < counts["a"] < 1200


def test_items_that_all_weigh_nothing_share_evenly() -> None:
    assert weighted_pick(["a", "b"], lambda _: 0.0, 0.49) == "a"
    assert weighted_pick(["a", "b"], lambda _: 0.0, 0.51) == "b"


def test_the_chain_skips_refused_candidates_and_falls_back_on_failures() -> None:
    asyncio.run(_the_chain_skips_refused_candidates_and_falls_back_on_failures())


async def _the_chain_skips_refused_candidates_and_falls_back_on_failures() -> None:
    tried: list[tuple[str, int]] = []
    failures: list[str] = []

    async def call(name: str, attempt: int) -> str:
        tried.append((name, attempt))
        if name == "flaky":
            raise RuntimeError("down")
        return name.upper()

    def failed(name: str, attempt: int, exc: BaseException, ms: float) -> bool:
        failures.append(f"{name}:{attempt}:{exc}")
        assert ms >= 0
        return True

    answer = await first_answer(
        ["open-breaker", "flaky", "good", "never"],
        call,
        admit=lambda name: name != "open-breaker",
        failed=failed,
    )
    assert answer == "GOOD"
    assert tried == [("flaky", 1), ("good", 2)]
    assert failures == ["flaky:1:down"]


def test_a_failure_that_must_not_fall_back_is_raised() -> None:
    asyncio.run(_a_failure_that_must_not_fall_back_is_raised())


async def _a_failure_that_must_not_fall_back_is_raised() -> None:
    async def call(name: str, attempt: int) -> str:
        raise ValueError(name)

    with pytest.raises(ValueError, match="first"):
        await first_answer(["first", "second"], call, admit=lambda _: True, failed=lambda *_: False)


def test_an_exhausted_chain_says_what_failed_last() -> None:
    asyncio.run(_an_exhausted_chain_says_what_failed_last())


async def _an_exhausted_chain_says_what_failed_last() -> None:
    async def call(name: str, attempt: int) -> str:
        raise KeyError(name)

    with pytest.raises(Exhausted) as info:
        await first_answer(["a", "b"], call, admit=lambda _: True, failed=lambda *_: True)
    assert isinstance(info.value.last, KeyError)
    assert info.value.last.args == ("b",)


def test_a_spent_deadline_stops_the_chain() -> None:
    asyncio.run(_a_spent_deadline_stops_the_chain())


async def _a_spent_deadline_stops_the_chain() -> None:
    async def call(name: str, attempt: int) -> str:
        return name

    with pytest.raises(Exhausted):
        await first_answer(
            ["a"], call, admit=lambda _: True, failed=lambda *_: True, proceed=lambda: False
        )


def test_errors_outside_fallback_on_propagate_untouched() -> None:
    asyncio.run(_errors_outside_fallback_on_propagate_untouched())


async def _errors_outside_fallback_on_propagate_untouched() -> None:
    async def call(name: str, attempt: int) -> str:
        raise KeyError(name)

    with pytest.raises(KeyError):
        await first_answer(
            ["a", "b"], call, admit=lambda _: True, failed=lambda *_: True, fallback_on=ValueError
        )


def test_shadows_are_drained_or_cancelled() -> None:
    asyncio.run(_shadows_are_drained_or_cancelled())


async def _shadows_are_drained_or_cancelled() -> None:
    shadows = Shadows()
    done: list[str] = []

    async def work(name: str, seconds: float) -> None:
        await asyncio.sleep(seconds)
        done.append(name)

    shadows.start(work("quick", 0))
    assert len(shadows) == 1
    await shadows.drain()
    assert done == ["quick"] and len(shadows) == 0
    shadows.start(work("slow", 60))
    await shadows.cancel()
    assert done == ["quick"]

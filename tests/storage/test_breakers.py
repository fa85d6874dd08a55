"""The breaker contract, in process and in Redis; breakers in Redis shared between replicas."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis

from colonnade.reliability import Breaker, BreakerPort, BreakerState
from colonnade.settings import BreakerSettings
from colonnade.storage.breakers import RedisBreakers

MakeBreaker = Callable[..., BreakerPort]


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


SETTINGS = BreakerSettings(
    window_s=30, min_calls=4, failure_rate=0.5, cooldown_s=10, half_open_probes=1
)


class BreakerContract:
    def test_opens_on_the_failure_rate_half_opens_and_closes_on_a_probe(
        self, make_breaker: MakeBreaker, clock: Clock
    ) -> None:
        changes: list[BreakerState] = []
        b = make_breaker(SETTINGS, on_change=lambda _n, s: changes.append(s))
        for _ in range(3):
            assert b.admit()
            b.record(False)
        assert b.state is BreakerState.CLOSED  # fewer calls than min_calls: no verdict yet
        assert b.admit()
        b.record(False)
        assert b.state is BreakerState.OPEN and not b.available and not b.admit()
        assert b.failure_rate() == 1.0 and b.snapshot()["state"] == "open"
        clock.now += 9
        assert not b.available
        clock.now += 2
        assert b.available and b.state is BreakerState.HALF_OPEN
        assert b.admit() and not b.admit()  # one probe at a time
        b.record(True)
        assert b.state is BreakerState.CLOSED and b.admit()
        assert changes == [BreakerState.OPEN, BreakerState.HALF_OPEN, BreakerState.CLOSED]

    def test_a_failed_probe_opens_it_again(self, make_breaker: MakeBreaker, clock: Clock) -> None:
        b = make_breaker(BreakerSettings(min_calls=2, cooldown_s=5))
        for _ in range(2):
            b.admit()
            b.record(False)
        assert b.state is BreakerState.OPEN
        clock.now += 6
        assert b.admit()
        b.record(False)
        assert b.state is BreakerState.OPEN and not b.admit()

    def test_old_failures_leave_the_window(self, make_breaker: MakeBreaker, clock: Clock) -> None:
        b = make_breaker(BreakerSettings(window_s=30, min_calls=3, failure_rate=0.5))
        b.record(False)
        b.record(False)
        clock.now += 31
        b.record(True)
        b.record(False)
        assert b.state is BreakerState.CLOSED
        assert b.failure_rate() == 0.5 and b.snapshot()["calls_in_window"] == 2


class TestInProcessBreaker(BreakerContract):
    @pytest.fixture
    def clock(self) -> Clock:
        return Clock()

    @pytest.fixture
    def make_breaker(self, clock: Clock) -> MakeBreaker:
        def make(settings: BreakerSettings, on_change: Any = None) -> BreakerPort:
            return Breaker("dep", settings, clock=clock, on_change=on_change)

        return make


@pytest.fixture
def breakers(redis_url: str) -> Iterator[tuple[RedisBreakers, RedisBreakers, Clock]]:
    """Two replicas' factories on one Redis, a key prefix of their own, removed after."""
    clock, prefix = Clock(), f"test:breaker:{uuid.uuid4().hex}:"
    one = RedisBreakers(redis_url, prefix=prefix, clock=clock)
    two = RedisBreakers(redis_url, prefix=prefix, clock=clock)
    yield one, two, clock
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()
    one.close()
    two.close()


class TestRedisBreaker(BreakerContract):
    @pytest.fixture
    def clock(self, breakers: tuple[RedisBreakers, RedisBreakers, Clock]) -> Clock:
        return breakers[2]

    @pytest.fixture
    def make_breaker(self, breakers: tuple[RedisBreakers, RedisBreakers, Clock]) -> MakeBreaker:
        def make(settings: BreakerSettings, on_change: Any = None) -> BreakerPort:
            return breakers[0](f"dep-{uuid.uuid4().hex[:6]}", settings, on_change)

        return make


def test_a_breaker_opened_by_one_replica_is_open_on_the_other(
    breakers: tuple[RedisBreakers, RedisBreakers, Clock],
) -> None:
    one_f, two_f, clock = breakers
    seen: list[BreakerState] = []
    one = one_f("cloud", SETTINGS, None)
    two = two_f("cloud", SETTINGS, lambda _n, s: seen.append(s))
    for b in (one, two, one, two):  # failures from both count in one window
        assert b.admit()
        b.record(False)
    assert two.state is BreakerState.OPEN and not two.admit() and not one.available
    assert seen == [BreakerState.OPEN]
    clock.now += 11
    assert one.admit()  # the probe is taken by one replica only
    assert not two.admit()
    one.record(True)
    assert two.state is BreakerState.CLOSED and two.admit()


def test_a_probe_of_a_replica_that_died_is_given_back(
    breakers: tuple[RedisBreakers, RedisBreakers, Clock],
) -> None:
    one_f, two_f, clock = breakers
    one, two = one_f("edge", SETTINGS, None), two_f("edge", SETTINGS, None)
    for _ in range(4):
        one.record(False)
    clock.now += 11
    assert one.admit()  # and never reports back
    assert not two.admit()
    clock.now += 11
    assert two.admit()


def test_an_unreachable_store_lets_calls_through() -> None:
    from tests.servers import free_port

    factory = RedisBreakers(f"redis://127.0.0.1:{free_port()}/0")
    b = factory("dep", SETTINGS, None)
    b.record(False)
    assert b.admit() and b.available and b.failure_rate() == 0.0
    assert b.snapshot()["shared"] == "unreachable"
    factory.close()

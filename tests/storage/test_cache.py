"""The response cache's backends: entries expire and stay bounded; Redis is read and written
from the event loop without blocking it, and both faces see the same entries."""

from __future__ import annotations

import asyncio

import numpy as np

from colonnade.settings import CacheSettings
from colonnade.storage.cache import ResponseCache, _Memory, cache_key


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_memory_entries_expire_and_the_least_recent_goes_first() -> None:
    clock = Clock()
    memory = _Memory(2, clock)
    memory.put("a", b"1", 10)
    memory.put("b", b"2", 10)
    assert memory.get("a") == b"1"  # a is now the most recent
    memory.put("c", b"3", 10)
    assert (memory.get("a"), memory.get("b"), memory.get("c")) == (b"1", None, b"3")
    clock.now = 10.5
    assert memory.get("a") is None and memory.get("c") is None
    memory.add_vector("ns", "k", b"v", 5)
    assert memory.vectors("ns") == [("k", b"v")]
    clock.now = 16
    assert memory.vectors("ns") == []


def test_redis_async_and_blocking_faces_share_entries(redis_url: str) -> None:
    cache = ResponseCache(CacheSettings(url=redis_url.replace("/0", "/2"), semantic_threshold=0.9))
    cache.clear()

    async def main() -> dict[str, object] | None:
        await cache.aput("k1", {"answer": "twenty weeks"})
        got = await cache.aget("k1")
        await cache.aclose()
        return got

    assert asyncio.run(main()) == {"answer": "twenty weeks"}
    assert cache.get("k1") == {"answer": "twenty weeks"}
    vector = np.ones(4, np.float32) / 2
    cache.put("k2", {"answer": "x"}, namespace="ns", vector=vector)
    assert cache.nearest("ns", vector) == ("k2", 1.0)
    cache.clear()
    assert cache.get("k1") is None
    cache.close()


def test_an_entry_orjson_cannot_read_is_read_by_json_or_missed() -> None:
    """Entries the json module wrote (NaN), and those written with its help (a lone
    surrogate orjson refuses to encode), come back; an unreadable one is a miss, never an
    error on the request."""
    cache = ResponseCache(CacheSettings())
    cache.put("nan", {"score": float("nan"), "text": "x"})
    cache.backend.put("old", b'{"score": NaN, "text": "x"}', 60)
    cache.put("surrogate", {"q": "a\ud800b"})
    cache.backend.put("broken", b'{"text": ', 60)
    cache.backend.put("list", b"[1, 2]", 60)
    assert cache.get("nan") is not None and cache.get("old") is not None
    assert cache.get("surrogate") == {"q": "a\ud800b"}
    assert cache.get("broken") is None and cache.get("list") is None
    assert cache_key({"q": "a\ud800b"}) != cache_key({"q": "ab"})

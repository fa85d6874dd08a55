"""Response caches: exact and semantic, in process or in Redis.

A key is made of everything the answer depends on: the caller's access scope (tenant,
user, groups: two callers share an entry only when they may see the same documents),
the model version (the generator or route with its deployments), the index generation
(bumped by every ingest, delete and reindex, so a changed index invalidates every
answer built on the old one) and the normalised request. The semantic cache keeps the
question's embedding beside the entry, in a namespace of the same scope, model and
generation, and returns the closest entry above the threshold.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import orjson
from cachetools import TLRUCache

from colonnade.settings import CacheSettings

__all__ = ["ResponseCache", "cache_key", "normalise"]

Vector = npt.NDArray[np.float32]


def normalise(text: str) -> str:
    return " ".join(text.lower().split())


def _dumps(value: object, *, sort: bool = False) -> bytes:
    """JSON through orjson (on the gateway's path for every request: measured 5x cheaper than
    the json module), the json module where orjson refuses (an integer over 64 bits, a lone
    surrogate, nesting deeper than 254)."""
    try:
        option = orjson.OPT_NON_STR_KEYS | (orjson.OPT_SORT_KEYS if sort else 0)
        return orjson.dumps(value, default=str, option=option)
    except TypeError:
        return json.dumps(value, sort_keys=sort, separators=(",", ":"), default=str).encode()


def _loads(raw: bytes) -> dict[str, Any] | None:
    """An entry as stored; None (a miss) for one neither orjson nor the json module reads
    (orjson refuses NaN, which the json module wrote, and lone surrogates, which it writes)."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        try:
            value = json.loads(raw)
        except ValueError:
            return None
    return value if isinstance(value, dict) else None


def cache_key(*parts: object) -> str:
    return hashlib.blake2b(_dumps(parts, sort=True), digest_size=20).hexdigest()


class _Backend(Protocol):
    def get(self, key: str) -> bytes | None: ...
    def put(self, key: str, value: bytes, ttl_s: int) -> None: ...
    async def aget(self, key: str) -> bytes | None: ...
    async def aput(self, key: str, value: bytes, ttl_s: int) -> None: ...
    def vectors(self, namespace: str) -> list[tuple[str, bytes]]: ...
    def add_vector(self, namespace: str, key: str, vector: bytes, ttl_s: int) -> None: ...
    def clear(self) -> None: ...
    def close(self) -> None: ...
    async def aclose(self) -> None: ...


def _expires(_key: str, item: tuple[int, object], now: float) -> float:
    return now + item[0]


class _Memory:
    """LRU with a TTL per entry (cachetools), bounded by entries; a namespace's vectors are
    one entry of a second cache bounded the same way. Calls come from the event loop and
    from worker threads, hence the lock."""

    def __init__(self, max_entries: int, clock: Any = time.monotonic) -> None:
        self.max = max_entries
        self._items: TLRUCache[str, tuple[int, bytes]] = TLRUCache(max_entries, _expires, clock)
        self._vectors: TLRUCache[str, tuple[int, list[tuple[str, bytes]]]] = TLRUCache(
            max_entries, _expires, clock
        )
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            item = self._items.get(key)
        return None if item is None else item[1]

    def put(self, key: str, value: bytes, ttl_s: int) -> None:
        with self._lock:
            self._items[key] = (ttl_s, value)

    async def aget(self, key: str) -> bytes | None:
        return self.get(key)

    async def aput(self, key: str, value: bytes, ttl_s: int) -> None:
        self.put(key, value, ttl_s)

    def vectors(self, namespace: str) -> list[tuple[str, bytes]]:
        with self._lock:
            entry = self._vectors.get(namespace)
        return [] if entry is None else list(entry[1])

    def add_vector(self, namespace: str, key: str, vector: bytes, ttl_s: int) -> None:
        with self._lock:
            _, rows = self._vectors.get(namespace, (0, []))
            self._vectors[namespace] = (ttl_s, [*rows[-(self.max - 1) :], (key, vector)])

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._vectors.clear()

    def close(self) -> None:
        return None

    async def aclose(self) -> None:
        return None


class _Redis:
    """Entries as strings with EX; a namespace's vectors as one hash with its own expiry.

    The answer path runs in worker threads and uses the blocking client; the gateway runs
    on the event loop and uses ``redis.asyncio``, so it never blocks the loop.
    """

    def __init__(self, url: str, max_entries: int) -> None:
        import redis
        import redis.asyncio

        self.client = redis.Redis.from_url(url)
        self.url = url
        self._async: redis.asyncio.Redis | None = None
        self.max = max_entries
        self.prefix = "colonnade:cache:"

    def _aclient(self) -> Any:
        if self._async is None:  # made on the event loop that uses it
            import redis.asyncio

            self._async = redis.asyncio.Redis.from_url(self.url)
        return self._async

    def get(self, key: str) -> bytes | None:
        value = self.client.get(self.prefix + key)
        return value if isinstance(value, bytes) else None

    def put(self, key: str, value: bytes, ttl_s: int) -> None:
        self.client.set(self.prefix + key, value, ex=ttl_s)

    async def aget(self, key: str) -> bytes | None:
        value = await self._aclient().get(self.prefix + key)
        return value if isinstance(value, bytes) else None

    async def aput(self, key: str, value: bytes, ttl_s: int) -> None:
        await self._aclient().set(self.prefix + key, value, ex=ttl_s)

    def vectors(self, namespace: str) -> list[tuple[str, bytes]]:
        rows = self.client.hgetall(self.prefix + "ns:" + namespace)
        return [(k.decode(), v) for k, v in rows.items()]  # type: ignore[union-attr]

    def add_vector(self, namespace: str, key: str, vector: bytes, ttl_s: int) -> None:
        name = self.prefix + "ns:" + namespace
        pipe = self.client.pipeline()
        pipe.hset(name, key, vector)  # type: ignore[arg-type]
        pipe.expire(name, ttl_s)
        pipe.hlen(name)
        *_, size = pipe.execute()
        if int(size) > self.max:  # rare: drop arbitrary members to stay bounded
            extra = list(self.client.hkeys(name))[: int(size) - self.max]  # type: ignore[arg-type]
            if extra:
                self.client.hdel(name, *extra)

    def clear(self) -> None:
        for key in self.client.scan_iter(self.prefix + "*"):
            self.client.delete(key)

    def close(self) -> None:
        self.client.close()

    async def aclose(self) -> None:
        if self._async is not None:
            await self._async.aclose()
            self._async = None


class ResponseCache:
    def __init__(self, settings: CacheSettings) -> None:
        self.settings = settings
        self.backend: _Backend = (
            _Redis(settings.url, settings.max_entries)
            if settings.url.startswith(("redis://", "rediss://", "unix://"))
            else _Memory(settings.max_entries)
        )

    def get(self, key: str) -> dict[str, Any] | None:
        raw = self.backend.get(key)
        return None if raw is None else _loads(raw)

    async def aget(self, key: str) -> dict[str, Any] | None:
        """``get`` for the event loop: a Redis backend answers without blocking it."""
        raw = await self.backend.aget(key)
        return None if raw is None else _loads(raw)

    async def aput(self, key: str, value: dict[str, Any]) -> None:
        await self.backend.aput(key, _dumps(value), self.settings.ttl_s)

    async def aclose(self) -> None:
        """The event loop's connections, when the server stops."""
        await self.backend.aclose()

    def close(self) -> None:
        self.backend.close()

    def put(
        self,
        key: str,
        value: dict[str, Any],
        *,
        namespace: str | None = None,
        vector: Vector | None = None,
    ) -> None:
        ttl = self.settings.ttl_s
        self.backend.put(key, _dumps(value), ttl)
        if self.settings.semantic and namespace is not None and vector is not None:
            self.backend.add_vector(namespace, key, np.asarray(vector, np.float32).tobytes(), ttl)

    def nearest(self, namespace: str, vector: Vector) -> tuple[str, float] | None:
        """The key of the closest cached question in ``namespace`` above the threshold."""
        if not self.settings.semantic:
            return None
        rows = self.backend.vectors(namespace)
        if not rows:
            return None
        matrix = np.frombuffer(b"".join(v for _, v in rows), dtype=np.float32).reshape(
            len(rows), -1
        )
        q = np.asarray(vector, np.float32).reshape(-1)
        if matrix.shape[1] != q.shape[0]:
            return None
        scores = matrix @ q
        best = int(np.argmax(scores))
        score = float(scores[best])
        return (rows[best][0], score) if score >= self.settings.semantic_threshold else None

    def clear(self) -> None:
        self.backend.clear()

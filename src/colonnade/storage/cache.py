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
from collections import OrderedDict
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from colonnade.settings import CacheSettings

__all__ = ["ResponseCache", "cache_key", "normalise"]

Vector = npt.NDArray[np.float32]


def normalise(text: str) -> str:
    return " ".join(text.lower().split())


def cache_key(*parts: object) -> str:
    raw = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(raw.encode(), digest_size=20).hexdigest()


class _Backend(Protocol):
    def get(self, key: str) -> bytes | None: ...
    def put(self, key: str, value: bytes, ttl_s: int) -> None: ...
    def vectors(self, namespace: str) -> list[tuple[str, bytes]]: ...
    def add_vector(self, namespace: str, key: str, vector: bytes, ttl_s: int) -> None: ...
    def clear(self) -> None: ...


class _Memory:
    """LRU with TTL, bounded by entries; namespaces of vectors are bounded the same way."""

    def __init__(self, max_entries: int, clock: Any = time.monotonic) -> None:
        self.max = max_entries
        self.clock = clock
        self._items: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._vectors: OrderedDict[str, tuple[float, list[tuple[str, bytes]]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if item[0] <= self.clock():
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key: str, value: bytes, ttl_s: int) -> None:
        with self._lock:
            self._items[key] = (self.clock() + ttl_s, value)
            self._items.move_to_end(key)
            while len(self._items) > self.max:
                self._items.popitem(last=False)

    def vectors(self, namespace: str) -> list[tuple[str, bytes]]:
        with self._lock:
            entry = self._vectors.get(namespace)
            if entry is None or entry[0] <= self.clock():
                return []
            return list(entry[1])

    def add_vector(self, namespace: str, key: str, vector: bytes, ttl_s: int) -> None:
        with self._lock:
            _, rows = self._vectors.get(namespace, (0.0, []))
            rows = [*rows[-(self.max - 1) :], (key, vector)]
            self._vectors[namespace] = (self.clock() + ttl_s, rows)
            self._vectors.move_to_end(namespace)
            while len(self._vectors) > self.max:
                self._vectors.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._vectors.clear()


class _Redis:
    """Entries as strings with EX; a namespace's vectors as one hash with its own expiry."""

    def __init__(self, url: str, max_entries: int) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self.max = max_entries
        self.prefix = "colonnade:cache:"

    def get(self, key: str) -> bytes | None:
        value = self.client.get(self.prefix + key)
        return value if isinstance(value, bytes) else None

    def put(self, key: str, value: bytes, ttl_s: int) -> None:
        self.client.set(self.prefix + key, value, ex=ttl_s)

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
        if raw is None:
            return None
        value: dict[str, Any] = json.loads(raw)
        return value

    def put(
        self,
        key: str,
        value: dict[str, Any],
        *,
        namespace: str | None = None,
        vector: Vector | None = None,
    ) -> None:
        ttl = self.settings.ttl_s
        self.backend.put(key, json.dumps(value, default=str).encode(), ttl)
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

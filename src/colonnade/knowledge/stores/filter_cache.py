"""What a search filter lets through, remembered for one generation of the store.

Working out the documents a filter allows, and the rows of an in-memory vector index
they own, costs a scan that grows with the corpus; a question asks for it two or three
times (keyword, vector, feedback) and the next question from the same asker asks again.
The tenant, the asker's user and groups and every filter value are parameters of the
filter's SQL, so ``(generation, SQL, parameters)`` names one answer: two principals or
two tenants never share an entry, and any write (ingest, delete, an ACL change)
bumps the generation, which empties the cache. Entries are weighed in bytes and the
least recently used go first.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from cachetools import LRUCache

from colonnade.knowledge.stores.vector_index import Mask, VectorIndex

__all__ = ["AllowedDocuments", "FilterCache", "RowMask"]

T = TypeVar("T", "AllowedDocuments", "RowMask")


@dataclass(frozen=True, slots=True)
class AllowedDocuments:
    """The rowids (ascending) of the documents a filter allows, of ``total`` documents."""

    rowids: npt.NDArray[np.int64]
    total: int

    @property
    def share(self) -> float:
        return len(self.rowids) / self.total if self.total else 0.0

    @property
    def nbytes(self) -> int:
        return int(self.rowids.nbytes) + 64

    def mask_of(self, docs: npt.NDArray[np.int64]) -> Mask | None:
        """Which of the rows owned by ``docs`` are allowed; ``None`` when all are."""
        if len(self.rowids) == 0 or len(docs) == 0:
            return np.zeros(len(docs), dtype=np.bool_)
        table = np.zeros(max(int(docs.max()), int(self.rowids[-1])) + 1, dtype=np.bool_)
        table[self.rowids] = True
        mask: Mask = table[docs]
        return None if mask.all() else mask


@dataclass(frozen=True, slots=True)
class RowMask:
    """A filter's mask over the rows of one snapshot of a vector index (``None``: all)."""

    index: weakref.ref[VectorIndex]
    mask: Mask | None

    @property
    def nbytes(self) -> int:
        return (0 if self.mask is None else int(self.mask.nbytes)) + 64

    def fits(self, index: VectorIndex) -> bool:
        return self.index() is index


def _weight(value: Any) -> int:
    return int(value.nbytes)


class FilterCache:
    """A bounded LRU of filter answers for the newest generation seen; thread-safe."""

    def __init__(self, max_bytes: int = 64 * 2**20) -> None:
        self._entries: LRUCache[Hashable, Any] = LRUCache(maxsize=max_bytes, getsizeof=_weight)
        self._generation = -1
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, generation: int, key: Hashable, kind: type[T]) -> T | None:
        with self._lock:
            if generation != self._generation:
                return None
            found = self._entries.get(key)
        return found if isinstance(found, kind) else None

    def put(self, generation: int, key: Hashable, value: T) -> None:
        with self._lock:
            if generation < self._generation:
                return  # computed by a reader that started before the last write
            if generation > self._generation:
                self._entries.clear()
                self._generation = generation
            if value.nbytes <= self._entries.maxsize:
                self._entries[key] = value

    def remember(self, generation: int, key: Hashable, kind: type[T], make: Callable[[], T]) -> T:
        found = self.get(generation, key, kind)
        if found is None:
            found = make()
            self.put(generation, key, found)
        return found

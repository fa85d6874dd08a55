"""In-memory vector search over one index version: exact, or HNSW (usearch) when large.

Rows only append; deletions are tombstones until compaction. With an HNSW
graph, rows added after it was built (the delta) are searched exactly and
merged, and the graph is rebuilt when the delta or the tombstones grow.
An instance is never changed while searches may hold it: the store refreshes a
shallow copy (every update assigns new arrays) and swaps it in.
Filters arrive as a boolean mask and are applied before top-k: when the
filtered set is small, or the graph returns too few allowed rows, the search
falls back to exact scoring over the allowed rows.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import numpy.typing as npt

from colonnade.knowledge.models import ScoredChunk

__all__ = ["VectorIndex"]

Mask = npt.NDArray[np.bool_]


class VectorIndex:
    def __init__(self, dimension: int, *, ann_threshold: int, ann_expansion: int = 128) -> None:
        self.dimension = dimension
        self.ann_threshold = ann_threshold
        self.ann_expansion = ann_expansion
        self.ids = np.zeros(0, dtype=np.int64)
        self.docs = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, dimension), dtype=np.float32)
        self.alive = np.zeros(0, dtype=np.bool_)
        self._ann: Any = None
        self._ann_rows = 0

    def __len__(self) -> int:
        return int(self.alive.sum())

    @property
    def uses_ann(self) -> bool:
        return self._ann is not None

    def append(
        self,
        ids: npt.NDArray[np.int64],
        docs: npt.NDArray[np.int64],
        vectors: npt.NDArray[np.float32],
    ) -> None:
        if len(ids) == 0:
            return
        self.ids = np.concatenate([self.ids, ids])
        self.docs = np.concatenate([self.docs, docs])
        self.matrix = np.vstack([self.matrix, vectors.astype(np.float32, copy=False)])
        self.alive = np.concatenate([self.alive, np.ones(len(ids), dtype=np.bool_)])

    def retain(self, live_ids: npt.NDArray[np.int64]) -> None:
        """Mark rows whose id is not in ``live_ids`` as deleted."""
        self.alive = self.alive & np.isin(self.ids, live_ids, assume_unique=True)

    def maintain(self) -> None:
        """Compact tombstones and (re)build the HNSW graph when it pays off."""
        n = len(self.ids)
        dead = n - int(self.alive.sum())
        if dead and dead > 0.2 * n:
            keep = self.alive
            self.ids, self.docs, self.matrix = self.ids[keep], self.docs[keep], self.matrix[keep]
            self.alive = np.ones(len(self.ids), dtype=np.bool_)
            self._ann, self._ann_rows = None, 0
        n = len(self.ids)
        if n < self.ann_threshold:
            self._ann, self._ann_rows = None, 0
        elif self._ann is None or n - self._ann_rows > 0.1 * max(self._ann_rows, 1):
            self._build_ann()

    def _build_ann(self) -> None:
        from usearch.index import Index

        index = Index(
            ndim=self.dimension,
            metric="ip",
            dtype="f16",
            connectivity=16,
            expansion_add=128,
            expansion_search=self.ann_expansion,
        )
        n = len(self.ids)
        index.add(np.arange(n, dtype=np.uint64), self.matrix, threads=os.cpu_count() or 1)
        self._ann, self._ann_rows = index, n

    def vectors_of(self, ids: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
        """Stored vectors of the given live ids (ids are kept in ascending order)."""
        pos = np.searchsorted(self.ids, ids)
        pos = pos[(pos < len(self.ids))]
        pos = pos[(self.ids[pos] == ids[: len(pos)]) & self.alive[pos]]
        rows: npt.NDArray[np.float32] = self.matrix[pos]
        return rows

    def search(
        self, query: npt.NDArray[np.float32], k: int, mask: Mask | None
    ) -> list[ScoredChunk]:
        allowed = self.alive if mask is None else self.alive & mask
        count = int(allowed.sum())
        if count == 0 or k <= 0:
            return []
        query = query.astype(np.float32, copy=False)
        # asking for every allowed row is answered exactly: a graph may miss a few of them
        if self._ann is not None and count > 0.3 * self._ann_rows and k < count:
            found = self._search_ann(query, k, allowed)
            if found is not None:
                return found
        rows = np.flatnonzero(allowed) if count < len(allowed) else None
        return self._exact(query, k, rows)

    def _exact(
        self, query: npt.NDArray[np.float32], k: int, rows: npt.NDArray[np.intp] | None
    ) -> list[ScoredChunk]:
        scores = (self.matrix if rows is None else self.matrix[rows]) @ query
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        positions = top if rows is None else rows[top]
        return [
            ScoredChunk(int(self.ids[p]), float(s))
            for p, s in zip(positions, scores[top], strict=True)
        ]

    def _search_ann(
        self, query: npt.NDArray[np.float32], k: int, allowed: Mask
    ) -> list[ScoredChunk] | None:
        ann_rows = self._ann_rows
        share = max(allowed[:ann_rows].mean(), 1e-3)
        want = min(ann_rows, int(k / share * 1.5) + 8)
        matches = self._ann.search(query, want)
        keys = np.asarray(matches.keys, dtype=np.int64)
        keys = keys[allowed[keys]]
        if len(keys) < k and int(allowed[:ann_rows].sum()) >= k:
            return None  # too few allowed rows came back: score exactly
        scores = self.matrix[keys] @ query
        merged = list(zip(keys.tolist(), scores.tolist(), strict=True))
        if len(self.ids) > ann_rows:  # rows added since the graph was built
            delta = np.flatnonzero(allowed[ann_rows:]) + ann_rows
            if len(delta):
                dscores = self.matrix[delta] @ query
                merged.extend(zip(delta.tolist(), dscores.tolist(), strict=True))
        merged.sort(key=lambda kv: -kv[1])
        return [ScoredChunk(int(self.ids[p]), float(s)) for p, s in merged[:k]]

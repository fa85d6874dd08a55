"""Keyword (FTS5 BM25) and vector search of the SQLite knowledge store, and hydration of
hits into citable passages. Mixed into :class:`SQLiteKnowledgeStore`, which provides the
connection, the generation and the weights."""

from __future__ import annotations

import copy
import json
import sqlite3
import threading
import weakref
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np

from colonnade.errors import NotFound
from colonnade.knowledge.models import Filters, ScoredChunk, SearchHit
from colonnade.knowledge.ports import Vectors
from colonnade.knowledge.query_text import keyword_terms
from colonnade.knowledge.stores.filter_cache import AllowedDocuments, FilterCache, RowMask
from colonnade.knowledge.stores.rows import HIT_COLUMNS, HIT_JOINS, search_hit
from colonnade.knowledge.stores.sqlite_sql import filter_sql
from colonnade.knowledge.stores.vector_index import VectorIndex

__all__ = ["KEYWORD_TOP_FIRST_SHARE", "SQLiteSearch"]

# a keyword filter letting through at least this share of the documents is applied to the
# best matches alone (over-fetching by the inverse share), below it inside the full scan
KEYWORD_TOP_FIRST_SHARE = 0.02

_HIT_DOCUMENT = (
    " JOIN chunks c ON c.id = chunks_fts.rowid JOIN documents d ON d.id = c.document_id"
    " JOIN collections col ON col.id = d.collection_id"
)


def _cache_key(
    kind: str, index_id: int | None, clauses: list[str], params: list[Any]
) -> Hashable | None:
    """What names a filter's answer: its SQL and parameters (tenant, user, groups, values)."""
    key = (kind, index_id, tuple(clauses), tuple(params))
    try:
        hash(key)
    except TypeError:  # a value SQLite will refuse anyway: not remembered
        return None
    return key


class SQLiteSearch:
    title_weight: float
    heading_weight: float
    ann_threshold: int
    ann_expansion: int
    _vectors: dict[int, tuple[int, VectorIndex]]
    _vectors_lock: threading.Lock
    _filtered: FilterCache

    def _conn(self) -> sqlite3.Connection:
        raise NotImplementedError

    def generation(self) -> int:
        raise NotImplementedError

    # -- search -----------------------------------------------------------
    def keyword_search(self, query: str, filters: Filters, k: int) -> list[ScoredChunk]:
        terms = keyword_terms(query)
        if not terms:
            return []
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
        clauses, params = filter_sql(filters)
        rank = f"bm25(chunks_fts, {self.title_weight}, {self.heading_weight}, 1.0)"
        if k > 0:
            allowed = self._allowed_documents(self.generation(), clauses, params)
            if not len(allowed.rowids):
                return []
            if allowed.share >= KEYWORD_TOP_FIRST_SHARE:
                depth = int(k / allowed.share * 2) + 32
                found = self._keyword_top_first(match, rank, clauses, params, k, depth)
                if found is not None:
                    return found
        # a selective filter, or too few of the best matches pass: join every match to its
        # document and rank what passes
        rows = (
            self._conn()
            .execute(
                f"SELECT chunks_fts.rowid AS id, {rank} AS score FROM chunks_fts{_HIT_DOCUMENT}"
                f" WHERE chunks_fts MATCH ?{''.join(f' AND {c}' for c in clauses)}"
                " ORDER BY score, id LIMIT ?",
                [match, *params, k],
            )
            .fetchall()
        )
        return [ScoredChunk(int(r["id"]), -float(r["score"])) for r in rows]

    def _keyword_top_first(
        self, match: str, rank: str, clauses: list[str], params: list[Any], k: int, depth: int
    ) -> list[ScoredChunk] | None:
        """The best ``depth`` matches, then the filter on those alone: most of a question's
        cost at scale is joining every match to its document. ``None`` when fewer than
        ``k`` of them pass and more matches remain."""
        rows = (
            self._conn()
            .execute(
                f"SELECT f.id, f.score, coalesce(({' AND '.join(clauses)}), 0) AS passes FROM"
                f" (SELECT rowid AS id, {rank} AS score FROM chunks_fts WHERE chunks_fts MATCH ?"
                " ORDER BY score, id LIMIT ?) f"
                " LEFT JOIN chunks c ON c.id = f.id LEFT JOIN documents d ON d.id = c.document_id"
                " LEFT JOIN collections col ON col.id = d.collection_id ORDER BY f.score, f.id",
                [*params, match, depth],
            )
            .fetchall()
        )
        passed = [ScoredChunk(int(r[0]), -float(r[1])) for r in rows if r[2]]
        if len(passed) < k and len(rows) == depth:
            return None
        return passed[:k]

    def vector_search(
        self, vector: Vectors, filters: Filters, k: int, *, index_id: int
    ) -> list[ScoredChunk]:
        generation, index = self._vector_index(index_id)
        # tenant, ACL and filters select documents, rows follow: the mask applies inside the
        # search, before top-k, and is kept until the next write
        clauses, params = filter_sql(filters)
        key = _cache_key("rows", index_id, clauses, params)
        cached = None if key is None else self._filtered.get(generation, key, RowMask)
        if cached is None or not cached.fits(index):
            allowed = self._allowed_documents(generation, clauses, params)
            cached = RowMask(weakref.ref(index), allowed.mask_of(index.docs))
            if key is not None:
                self._filtered.put(generation, key, cached)
        return index.search(vector, k, cached.mask)

    def _allowed_documents(
        self, generation: int, clauses: list[str], params: list[Any]
    ) -> AllowedDocuments:
        key = _cache_key("documents", None, clauses, params)
        cached = None if key is None else self._filtered.get(generation, key, AllowedDocuments)
        if cached is not None:
            return cached
        conn = self._conn()
        cursor = conn.cursor()
        cursor.row_factory = None
        rows = cursor.execute(
            "SELECT d.rowid FROM documents d JOIN collections col ON col.id = d.collection_id"
            f" WHERE {' AND '.join(clauses)}",
            params,
        ).fetchall()
        total = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        rowids = np.sort(np.fromiter((r[0] for r in rows), np.int64, len(rows)))
        allowed = AllowedDocuments(rowids, int(total))
        if key is not None:
            self._filtered.put(generation, key, allowed)
        return allowed

    def chunk_vectors(self, chunk_ids: Sequence[int], *, index_id: int) -> Vectors:
        _, index = self._vector_index(index_id)
        return index.vectors_of(np.sort(np.asarray(chunk_ids, dtype=np.int64)))

    def _vector_index(self, index_id: int) -> tuple[int, VectorIndex]:
        """The generation and in-memory index for ``index_id``, up to date with the file.

        Refreshes work on a copy that replaces the cached one when ready, so a
        search in another thread keeps a consistent snapshot.
        """
        generation = self.generation()
        with self._vectors_lock:
            cached = self._vectors.get(index_id)
            if cached and cached[0] == generation:
                return cached
            conn = self._conn()
            info = conn.execute(
                "SELECT dimension FROM embedding_indexes WHERE id = ?", (index_id,)
            ).fetchone()
            if info is None:
                raise NotFound(f"vector index {index_id} does not exist")
            dimension = int(info["dimension"])
            index = self._refresh(conn, index_id, dimension, cached[1] if cached else None)
            if index is None:  # vectors arrived for older chunks: load afresh
                index = self._refresh(conn, index_id, dimension, None)
            assert index is not None
            index.maintain()
            self._vectors[index_id] = (generation, index)
            return generation, index

    def _refresh(
        self,
        conn: sqlite3.Connection,
        index_id: int,
        dimension: int,
        previous: VectorIndex | None,
    ) -> VectorIndex | None:
        index = (
            copy.copy(previous)
            if previous is not None
            else VectorIndex(
                dimension, ann_threshold=self.ann_threshold, ann_expansion=self.ann_expansion
            )
        )
        last = int(index.ids[-1]) if len(index.ids) else 0
        rows = conn.execute(
            """SELECT v.chunk_id, v.vector, d.rowid FROM vectors v
               JOIN chunks c ON c.id = v.chunk_id JOIN documents d ON d.id = c.document_id
               WHERE v.index_id = ? AND v.chunk_id > ? ORDER BY v.chunk_id""",
            (index_id, last),
        ).fetchall()
        if rows:
            index.append(
                np.fromiter((r[0] for r in rows), np.int64, len(rows)),
                np.fromiter((r[2] for r in rows), np.int64, len(rows)),
                np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(
                    len(rows), index.dimension
                ),
            )
        if previous is not None:
            live = conn.execute(
                "SELECT chunk_id FROM vectors WHERE index_id = ?", (index_id,)
            ).fetchall()
            index.retain(np.fromiter((r[0] for r in live), np.int64, len(live)))
            if len(index) != len(live):
                return None
        return index

    def hydrate(self, chunk_ids: Iterable[int]) -> dict[int, SearchHit]:
        ids = list(chunk_ids)
        if not ids:
            return {}
        rows = (
            self._conn()
            .execute(
                f"""SELECT {HIT_COLUMNS} {HIT_JOINS}
                WHERE c.id IN ({",".join("?" * len(ids))})""",
                ids,
            )
            .fetchall()
        )
        return {int(r["id"]): search_hit(r, decode=json.loads) for r in rows}

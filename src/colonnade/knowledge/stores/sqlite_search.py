"""Keyword (FTS5 BM25) and vector search of the SQLite knowledge store, and hydration of
hits into citable passages. Mixed into :class:`SQLiteKnowledgeStore`, which provides the
connection, the generation and the weights."""

from __future__ import annotations

import copy
import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence

import numpy as np

from colonnade.errors import NotFound
from colonnade.knowledge.models import Filters, ScoredChunk, SearchHit
from colonnade.knowledge.ports import Vectors
from colonnade.knowledge.query_text import keyword_terms
from colonnade.knowledge.stores.rows import HIT_COLUMNS, HIT_JOINS, search_hit
from colonnade.knowledge.stores.sqlite_sql import filter_sql
from colonnade.knowledge.stores.vector_index import VectorIndex

__all__ = ["SQLiteSearch"]


class SQLiteSearch:
    title_weight: float
    heading_weight: float
    ann_threshold: int
    ann_expansion: int
    _vectors: dict[int, tuple[int, VectorIndex]]
    _vectors_lock: threading.Lock

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
        where = "".join(f" AND {c}" for c in clauses)
        rank = f"bm25(chunks_fts, {self.title_weight}, {self.heading_weight}, 1.0)"
        joins = (
            " JOIN chunks c ON c.id = chunks_fts.rowid JOIN documents d ON d.id = c.document_id"
            " JOIN collections col ON col.id = d.collection_id"
        )
        rows = (
            self._conn()
            .execute(
                f"SELECT chunks_fts.rowid AS id, {rank} AS score FROM chunks_fts{joins}"
                f" WHERE chunks_fts MATCH ?{where} ORDER BY score LIMIT ?",
                [match, *params, k],
            )
            .fetchall()
        )
        return [ScoredChunk(int(r["id"]), -float(r["score"])) for r in rows]

    def vector_search(
        self, vector: Vectors, filters: Filters, k: int, *, index_id: int
    ) -> list[ScoredChunk]:
        index = self._vector_index(index_id)
        # tenant, ACL and filters select documents (one scan of the documents table), rows
        # follow: the mask applies inside the search, before top-k
        clauses, params = filter_sql(filters)
        rows = (
            self._conn()
            .execute(
                "SELECT d.rowid FROM documents d"
                " JOIN collections col ON col.id = d.collection_id"
                " WHERE " + " AND ".join(clauses),
                params,
            )
            .fetchall()
        )
        mask = np.isin(index.docs, np.fromiter((r[0] for r in rows), np.int64, len(rows)))
        return index.search(vector, k, mask)

    def chunk_vectors(self, chunk_ids: Sequence[int], *, index_id: int) -> Vectors:
        index = self._vector_index(index_id)
        return index.vectors_of(np.sort(np.asarray(chunk_ids, dtype=np.int64)))

    def _vector_index(self, index_id: int) -> VectorIndex:
        """The in-memory index for ``index_id``, brought up to date with the file.

        Refreshes work on a copy that replaces the cached one when ready, so a
        search in another thread keeps a consistent snapshot.
        """
        generation = self.generation()
        with self._vectors_lock:
            cached = self._vectors.get(index_id)
            if cached and cached[0] == generation:
                return cached[1]
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
            return index

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

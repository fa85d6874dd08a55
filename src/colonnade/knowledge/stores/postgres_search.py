"""Keyword (BM25, pruned top-k: ``postgres_keyword``) and vector (pgvector HNSW) search of the
PostgreSQL knowledge store, and hydration of hits into citable passages. Mixed into
:class:`PostgresKnowledgeStore`, which provides the pool and the weights."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Any

import numpy as np
from pgvector import Vector

from colonnade.errors import NotFound
from colonnade.knowledge.models import Filters, ScoredChunk, SearchHit
from colonnade.knowledge.ports import Vectors
from colonnade.knowledge.query_text import keyword_terms
from colonnade.knowledge.stores.postgres_keyword import TS_CONFIG, Fetch, bm25_top_k
from colonnade.knowledge.stores.postgres_sql import pg_filter_sql
from colonnade.knowledge.stores.rows import HIT_COLUMNS, HIT_JOINS, search_hit

__all__ = ["TS_CONFIG", "PostgresSearch"]


class PostgresSearch:
    title_weight: float
    heading_weight: float

    def _fetch(self, query: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        raise NotImplementedError

    def _snapshot(self) -> AbstractContextManager[Fetch]:
        """Queries on one connection, in one read-only repeatable-read transaction."""
        raise NotImplementedError

    def _one(self, query: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        rows = self._fetch(query, params)
        return rows[0] if rows else None

    # -- search -----------------------------------------------------------
    def keyword_search(self, query: str, filters: Filters, k: int) -> list[ScoredChunk]:
        """BM25 as FTS5 computes it, top-k pruned exactly (see ``postgres_keyword``)."""
        terms = keyword_terms(query)
        if not terms or k < 1:
            return []
        with self._snapshot() as fetch:
            rows, _ = bm25_top_k(
                fetch, terms, pg_filter_sql(filters), k, (self.title_weight, self.heading_weight)
            )
        return [ScoredChunk(i, score) for i, score in rows]

    def vector_search(
        self, vector: Vectors, filters: Filters, k: int, *, index_id: int
    ) -> list[ScoredChunk]:
        dimension = self._dimension(index_id)
        clauses, params = pg_filter_sql(filters)
        where = "".join(f" AND {c}" for c in clauses)
        query = Vector(np.asarray(vector, np.float32).reshape(-1))
        # the inner ORDER BY matches the version's partial HNSW index; relaxed iterative
        # scans may return rows slightly out of order, so the outer query sorts again
        rows = self._fetch(
            f"""WITH nearest AS MATERIALIZED (
                SELECT v.chunk_id,
                    (v.embedding::vector({dimension})) <=> %s::vector({dimension}) AS distance
                FROM vectors v JOIN chunks c ON c.id = v.chunk_id
                JOIN documents d ON d.id = c.document_id
                JOIN collections col ON col.id = d.collection_id
                WHERE v.index_id = {int(index_id)}{where}
                ORDER BY distance LIMIT %s
            ) SELECT chunk_id, distance FROM nearest ORDER BY distance, chunk_id""",
            [query, *params, k],
        )
        return [ScoredChunk(int(r["chunk_id"]), 1.0 - float(r["distance"])) for r in rows]

    def _dimension(self, index_id: int) -> int:
        row = self._one("SELECT dimension FROM embedding_indexes WHERE id = %s", (index_id,))
        if row is None:
            raise NotFound(f"vector index {index_id} does not exist")
        return int(row["dimension"])

    def chunk_vectors(self, chunk_ids: Sequence[int], *, index_id: int) -> Vectors:
        ids = sorted(int(c) for c in chunk_ids)
        dimension = self._dimension(index_id)
        rows = self._fetch(
            "SELECT chunk_id, embedding FROM vectors WHERE index_id = %s"
            " AND chunk_id = ANY(%s::bigint[]) ORDER BY chunk_id",
            (index_id, ids),
        )
        if not rows:
            return np.zeros((0, dimension), dtype=np.float32)
        return np.vstack([np.asarray(r["embedding"].to_numpy(), np.float32) for r in rows])

    def hydrate(self, chunk_ids: Iterable[int]) -> dict[int, SearchHit]:
        ids = [int(c) for c in chunk_ids]
        if not ids:
            return {}
        rows = self._fetch(
            f"SELECT {HIT_COLUMNS} {HIT_JOINS} WHERE c.id = ANY(%s::bigint[])", (ids,)
        )
        return {int(r["id"]): search_hit(r) for r in rows}

"""Hybrid retrieval: BM25 and vector search with filters inside each, fused by RRF.

Store-agnostic: every ``KnowledgeStore`` adapter gets the same behaviour.
"""

from __future__ import annotations

import time

import numpy as np

from colonnade.errors import IndexModelMismatch, InvalidInput
from colonnade.knowledge.fusion import reciprocal_rank_fusion
from colonnade.knowledge.models import Filters, ScoredChunk, SearchHit, SearchMode, SearchResult
from colonnade.knowledge.ports import Embedder, KnowledgeStore, Vectors
from colonnade.settings import RetrievalSettings

__all__ = ["MAX_QUERY_CHARS", "Retriever"]

MAX_QUERY_CHARS = 4000


class Retriever:
    def __init__(
        self, store: KnowledgeStore, embedder: Embedder, settings: RetrievalSettings
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings

    def search(
        self,
        query: str,
        *,
        filters: Filters | None = None,
        top_k: int | None = None,
        mode: SearchMode = SearchMode.hybrid,
    ) -> SearchResult:
        query = query.strip()
        if not query:
            raise InvalidInput("the query is empty: give a few words to search for")
        if len(query) > MAX_QUERY_CHARS:
            raise InvalidInput(
                f"the query is {len(query)} characters; the limit is {MAX_QUERY_CHARS}"
            )
        filters = filters or Filters()
        keyword_query, vector_query = self.search_texts(query, filters)
        k = top_k or self.settings.top_k
        candidates = max(self.settings.candidates, k)
        timings: dict[str, float] = {}
        keyword: list[ScoredChunk] = []
        vector: list[ScoredChunk] = []
        index = None

        if mode in (SearchMode.keyword, SearchMode.hybrid):
            t0 = time.perf_counter()
            keyword = self.store.keyword_search(keyword_query, filters, candidates)
            timings["keyword_ms"] = (time.perf_counter() - t0) * 1000
        if mode in (SearchMode.vector, SearchMode.hybrid):
            index = self.store.active_index()
            if index is not None:
                if index.model != self.embedder.model_id:
                    raise IndexModelMismatch(
                        f"the index was built by {index.model}, queries would be embedded by "
                        f"{self.embedder.model_id}: run `colonnade reindex` or restore the "
                        "embedding settings",
                        index_model=index.model,
                    )
                t0 = time.perf_counter()
                qvec = self.embedder.embed_query(vector_query)
                timings["embed_ms"] = (time.perf_counter() - t0) * 1000
                t0 = time.perf_counter()
                vector = self.store.vector_search(qvec, filters, candidates, index_id=index.id)
                timings["vector_ms"] = (time.perf_counter() - t0) * 1000

        t0 = time.perf_counter()
        if mode is SearchMode.keyword:
            ranked = keyword
        elif mode is SearchMode.vector:
            ranked = vector
        else:
            ranked = self._fuse(keyword, vector)
            if vector and self.settings.feedback_chunks and index is not None:
                vector = self._feedback(qvec, ranked, filters, candidates, index.id)
                ranked = self._fuse(keyword, vector)
        ranked = ranked[:k]
        kw_rank = {h.chunk_id: r for r, h in enumerate(keyword, start=1)}
        vec_rank = {h.chunk_id: r for r, h in enumerate(vector, start=1)}
        details = self.store.hydrate(h.chunk_id for h in ranked)
        hits: list[SearchHit] = []
        for scored in ranked:
            hit = details.get(scored.chunk_id)
            if hit is None:  # deleted between ranking and hydration
                continue
            hit.score = scored.score
            hit.keyword_rank = kw_rank.get(scored.chunk_id)
            hit.vector_rank = vec_rank.get(scored.chunk_id)
            hits.append(hit)
        timings["fusion_ms"] = (time.perf_counter() - t0) * 1000
        timings["search_ms"] = sum(v for key, v in timings.items() if key != "embed_ms")
        return SearchResult(query=query, mode=mode, hits=hits, timings_ms=timings)

    def search_texts(self, query: str, filters: Filters) -> tuple[str, str]:
        """The texts the keyword and the vector search look for: the query itself here;
        a subclass may correct or expand them."""
        return query, query

    def _fuse(self, keyword: list[ScoredChunk], vector: list[ScoredChunk]) -> list[ScoredChunk]:
        return reciprocal_rank_fusion(
            [keyword, vector],
            k=self.settings.rrf_k,
            weights=[self.settings.keyword_weight, self.settings.vector_weight],
        )

    def _feedback(
        self,
        qvec: Vectors,
        first_pass: list[ScoredChunk],
        filters: Filters,
        candidates: int,
        index_id: int,
    ) -> list[ScoredChunk]:
        """Rocchio feedback: move the query towards the first pass's best chunks."""
        top = [h.chunk_id for h in first_pass[: self.settings.feedback_chunks]]
        vectors = self.store.chunk_vectors(top, index_id=index_id)
        if len(vectors) == 0:
            return self.store.vector_search(qvec, filters, candidates, index_id=index_id)
        moved = qvec + self.settings.feedback_weight * vectors.mean(axis=0)
        moved = (moved / max(float(np.linalg.norm(moved)), 1e-12)).astype(np.float32)
        return self.store.vector_search(moved, filters, candidates, index_id=index_id)

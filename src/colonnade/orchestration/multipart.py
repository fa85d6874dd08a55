"""Retrieval for multi-part questions: each part searched on its own, the lists fused.

"What's the hotel limit in New York and the daily allowance for the US?" needs two
documents; one search for the whole question often finds only one of them. A retriever
wrapper: a question with several parts is searched whole and part by part, and the ranked
lists are fused by reciprocal rank fusion; any other question is one search, unchanged.
"""

from __future__ import annotations

import re

from colonnade.knowledge.fusion import reciprocal_rank_fusion
from colonnade.knowledge.models import Filters, ScoredChunk, SearchHit, SearchMode, SearchResult
from colonnade.knowledge.retriever import Retriever
from colonnade.orchestration.answerability import content_terms
from colonnade.orchestration.expansion import QueryExpander
from colonnade.orchestration.question_analysis import question_parts

__all__ = ["PartsRetriever", "search_parts"]

_FUSED = re.compile(r"\s*\([^()]*\)\s*$")  # the conversation's terms a follow-up carries


def search_parts(query: str) -> list[str]:
    """The parts worth a search of their own (none for a one-part question)."""
    own = _FUSED.sub("", query)
    parts = question_parts(own)
    if len(parts) < 2 or any(len(content_terms(p)) < 2 for p in parts):
        return []
    return parts


class PartsRetriever(Retriever):
    """A :class:`Retriever` that searches each part of a multi-part question as well."""

    def __init__(self, inner: Retriever, expander: QueryExpander | None = None) -> None:
        super().__init__(inner.store, inner.embedder, inner.settings)
        self.expander = expander

    def search_texts(self, query: str, filters: Filters) -> tuple[str, str]:
        if self.expander is None:
            return query, query
        return self.expander.expand(query, filters.tenant)

    def search(
        self,
        query: str,
        *,
        filters: Filters | None = None,
        top_k: int | None = None,
        mode: SearchMode = SearchMode.hybrid,
    ) -> SearchResult:
        whole = super().search(query, filters=filters, top_k=top_k, mode=mode)
        parts = search_parts(query)
        if not parts:
            return whole
        results = [whole] + [
            Retriever.search(self, part, filters=filters, top_k=top_k, mode=mode) for part in parts
        ]
        by_id: dict[int, SearchHit] = {}
        for result in results:
            for hit in result.hits:
                by_id.setdefault(hit.chunk_id, hit)
        fused = reciprocal_rank_fusion(
            [[ScoredChunk(h.chunk_id, h.score) for h in r.hits] for r in results],
            k=self.settings.rrf_k,
        )
        k = top_k or self.settings.top_k
        hits = [by_id[s.chunk_id] for s in fused[:k]]
        timings: dict[str, float] = {}
        for result in results:
            for key, value in result.timings_ms.items():
                timings[key] = timings.get(key, 0.0) + value
        return SearchResult(query=query, mode=mode, hits=hits, timings_ms=timings)

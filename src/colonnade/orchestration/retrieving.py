"""Retrieval as a wrapper: finds the sources for a request, then hands it to the generator."""

from __future__ import annotations

from collections.abc import Iterator

from colonnade.knowledge.ports import Searcher
from colonnade.orchestration.models import Answer, TextDelta
from colonnade.orchestration.ports import GenerationRequest, Generator

__all__ = ["Retrieving"]


class Retrieving:
    """Searches with the request's standalone query inside the caller's filters, puts the
    permission-trimmed hits on the request, and streams the wrapped generator."""

    def __init__(self, inner: Generator, retriever: Searcher, *, top_k: int) -> None:
        self.inner = inner
        self.retriever = retriever
        self.top_k = top_k
        self.name = inner.name

    def stream(self, request: GenerationRequest) -> Iterator[TextDelta | Answer]:
        result = self.retriever.search(
            request.search_query, filters=request.filters, top_k=self.top_k
        )
        t = result.timings_ms
        request.report.timings_ms["retrieval_ms"] = t.get("search_ms", 0.0) + t.get("embed_ms", 0.0)
        request.hits = request.report.hits = result.hits
        yield from self.inner.stream(request)

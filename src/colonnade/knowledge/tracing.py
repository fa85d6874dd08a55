"""Spans around the knowledge layer's ports: retrieval and embeddings (GenAI conventions)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager

from opentelemetry.trace import Span, SpanKind, Tracer

from colonnade.knowledge.models import Filters, SearchMode, SearchResult
from colonnade.knowledge.ports import Embedder, Searcher, Vectors
from colonnade.observability.tracing import OPERATION, PROVIDER, REQUEST_MODEL

__all__ = ["TracedEmbedder", "TracedSearcher"]


class TracedSearcher:
    def __init__(self, inner: Searcher, tracer: Tracer) -> None:
        self.inner = inner
        self.tracer = tracer

    def search(
        self,
        query: str,
        *,
        filters: Filters | None = None,
        top_k: int | None = None,
        mode: SearchMode = SearchMode.hybrid,
    ) -> SearchResult:
        attributes = {OPERATION: "retrieval", "gen_ai.data_source.id": "knowledge"}
        with self.tracer.start_as_current_span(
            "retrieval knowledge", kind=SpanKind.INTERNAL, attributes=attributes
        ) as span:
            result = self.inner.search(query, filters=filters, top_k=top_k, mode=mode)
            span.set_attribute("colonnade.search.mode", str(result.mode))
            span.set_attribute("colonnade.search.hits", len(result.hits))
            if filters is not None and filters.tenant:
                span.set_attribute("colonnade.tenant", filters.tenant)
            return result


class TracedEmbedder:
    def __init__(self, inner: Embedder, tracer: Tracer, *, provider: str) -> None:
        self.inner = inner
        self.tracer = tracer
        self.provider = provider

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def _span(self, texts: int) -> AbstractContextManager[Span]:
        return self.tracer.start_as_current_span(
            f"embeddings {self.inner.model_id}",
            kind=SpanKind.CLIENT,
            attributes={
                OPERATION: "embeddings",
                PROVIDER: self.provider,
                REQUEST_MODEL: self.inner.model_id,
                "colonnade.embeddings.inputs": texts,
            },
        )

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        with self._span(len(texts)):
            return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> Vectors:
        with self._span(1):
            return self.inner.embed_query(text)

"""The answer cache as a wrapper around the retrieving generator.

A first question (no conversation behind it) is looked up by its exact text,
then by meaning, in a namespace of the caller's access scope, the model
version, the index generation and the narrowing filters; a hit skips retrieval
and generation. A fresh answer is stored unless the guardrails withheld it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from colonnade.knowledge.models import Filters, SearchHit
from colonnade.knowledge.ports import Embedder, KnowledgeStore
from colonnade.orchestration.models import Answer, Citation, TextDelta
from colonnade.orchestration.ports import GenerationRequest, Generator
from colonnade.storage.cache import ResponseCache, cache_key, normalise

__all__ = ["CachedGenerator"]


class CachedGenerator:
    def __init__(
        self,
        inner: Generator,
        cache: ResponseCache,
        store: KnowledgeStore,
        embedder: Embedder,
        *,
        model_version: str,
    ) -> None:
        self.inner = inner
        self.cache = cache
        self.store = store
        self.embedder = embedder
        self.model_version = model_version
        self.name = inner.name

    def stream(self, request: GenerationRequest) -> Iterator[TextDelta | Answer]:
        if request.history:  # a follow-up depends on its conversation
            yield from self.inner.stream(request)
            return
        report = request.report
        query, filters = request.search_query, request.filters or Filters()
        key, namespace = self._keys(query, filters)
        found = self._lookup(key, namespace, query, filters)
        if found is not None:
            report.cache, answer, report.hits = found
            yield TextDelta(answer.text)
            yield answer
            return
        report.cache = "miss"
        for event in self.inner.stream(request):
            if isinstance(event, Answer) and not report.withheld:
                self._store(key, namespace, query, event, report.hits)
            yield event

    def _keys(self, query: str, f: Filters) -> tuple[str, str]:
        access = f.access
        scope = (f.tenant, access.user if access else "*", sorted(access.groups) if access else [])
        narrowing = asdict(f) | {"tenant": None, "access": None}
        namespace = cache_key(
            "answer-ns", scope, self.model_version, self.store.generation(), narrowing
        )
        return cache_key(namespace, normalise(query)), namespace

    def _lookup(
        self, key: str, namespace: str, query: str, f: Filters
    ) -> tuple[str, Answer, list[SearchHit]] | None:
        state = "exact"
        entry = self.cache.get(key)
        if entry is None and self.cache.settings.semantic:
            near = self.cache.nearest(namespace, self.embedder.embed_query(query))
            if near is not None:
                entry, state = self.cache.get(near[0]), "semantic"
        if entry is None:
            return None
        answer = _answer_from(entry["answer"])
        # belt and braces: every cited document must still be visible to this caller now
        cited = {c.document_id for c in [*answer.citations, *answer.related]}
        if cited and cited - self.store.visible_documents(cited, tenant=f.tenant, access=f.access):
            return None
        hits = [SearchHit(**{**h, "heading_path": tuple(h["heading_path"])}) for h in entry["hits"]]
        return state, answer, hits

    def _store(
        self, key: str, namespace: str, query: str, answer: Answer, hits: list[SearchHit]
    ) -> None:
        semantic = self.cache.settings.semantic
        self.cache.put(
            key,
            {"answer": asdict(answer), "hits": [asdict(h) for h in hits]},
            namespace=namespace,
            vector=self.embedder.embed_query(query) if semantic else None,
        )


def _answer_from(data: dict[str, Any]) -> Answer:
    def cited(key: str) -> list[Citation]:
        return [
            Citation(**{**c, "heading_path": tuple(c["heading_path"])}) for c in data.get(key, [])
        ]

    return Answer(
        **{
            **data,
            "citations": cited("citations"),
            "related": cited("related"),
            "sentences": [tuple(s) for s in data.get("sentences", [])],
        }
    )

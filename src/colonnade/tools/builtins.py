"""Colonnade's own capabilities as tools: search the knowledge base, predict with a served
model, summarise a document. Each runs with the caller's permissions and document ACLs,
exactly as the matching API route would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import anyio.to_thread
import numpy as np

from colonnade.errors import Forbidden, NotFound
from colonnade.identity.principal import Principal
from colonnade.knowledge.models import Filters
from colonnade.knowledge.ports import Embedder, KnowledgeStore
from colonnade.knowledge.retriever import Retriever
from colonnade.orchestration.extractive import split_sentences
from colonnade.tools.ports import ToolError, ToolResult, ToolSpec

__all__ = ["KnowledgeSearch", "Predict", "SummariseDocument", "builtin_tools"]


def _need(caller: Principal, permission: str, tool: str) -> None:
    if not caller.can(permission):
        raise Forbidden(f"tool {tool} needs the {permission} permission", code="tool_forbidden")


class KnowledgeSearch:
    spec = ToolSpec(
        "knowledge_search",
        "Search the organisation's documents the caller may read; returns passages with titles.",
        {
            "type": "object",
            "properties": {
                "query": {"type": "string", "minLength": 1, "maxLength": 2000},
                "collection": {"type": "string"},
                "top_k": {"type": "integer", "minimum": 1, "maximum": 20},
            },
            "required": ["query"],
            "additionalProperties": False,
        },
    )

    def __init__(self, retriever: Retriever) -> None:
        self.retriever = retriever

    async def call(self, arguments: Mapping[str, Any], caller: Principal) -> ToolResult:
        _need(caller, "search", self.spec.name)
        collection = arguments.get("collection")
        filters = Filters(
            tenant=caller.tenant,
            access=caller.access,
            collections=[collection] if collection else None,
        )
        result = await anyio.to_thread.run_sync(
            lambda: self.retriever.search(
                arguments["query"], filters=filters, top_k=arguments.get("top_k", 5)
            )
        )
        hits = [
            {
                "document_id": h.document_id,
                "collection": h.collection,
                "title": h.title,
                "heading": " > ".join(h.heading_path),
                "text": h.text,
                "score": round(h.score, 4),
            }
            for h in result.hits
        ]
        text = "\n\n".join(f"[{i + 1}] {h['title']}: {h['text']}" for i, h in enumerate(hits))
        return ToolResult(text=text or "nothing found", data={"hits": hits})


class SummariseDocument:
    """The sentences closest to the document's centroid, in the document's order."""

    spec = ToolSpec(
        "summarise_document",
        "Summarise one document the caller may read, in a few of its own sentences.",
        {
            "type": "object",
            "properties": {
                "document_id": {"type": "string", "minLength": 1},
                "sentences": {"type": "integer", "minimum": 1, "maximum": 10},
            },
            "required": ["document_id"],
            "additionalProperties": False,
        },
    )
    MAX_SENTENCES = 300

    def __init__(self, store: KnowledgeStore, embedder: Embedder) -> None:
        self.store = store
        self.embedder = embedder

    def _summarise(self, caller: Principal, document_id: str, n: int) -> ToolResult:
        doc = self.store.get_document(document_id, tenant=caller.tenant, access=caller.access)
        text = self.store.document_text(document_id, tenant=caller.tenant) if doc else None
        if doc is None or text is None:
            raise NotFound(f"no document {document_id!r} that you may read")
        spans = [
            text[a:b].strip()
            for a, b in split_sentences(text)[: self.MAX_SENTENCES]
            if len(text[a:b].split()) >= 4
        ]
        if len(spans) > n:
            vectors = np.asarray(self.embedder.embed_documents(spans), dtype=np.float32)
            centroid = vectors.mean(axis=0)
            keep = sorted(np.argsort(-(vectors @ centroid))[:n].tolist())
            spans = [spans[i] for i in keep]
        summary = " ".join(spans)
        return ToolResult(
            text=f"{doc.title}: {summary}",
            data={"document_id": doc.id, "title": doc.title, "summary": summary},
        )

    async def call(self, arguments: Mapping[str, Any], caller: Principal) -> ToolResult:
        _need(caller, "read", self.spec.name)
        n = int(arguments.get("sentences", 3))
        return await anyio.to_thread.run_sync(self._summarise, caller, arguments["document_id"], n)


class Predict:
    spec = ToolSpec(
        "predict",
        "Score a served predictive model (e.g. churn) for one entity id or one row of features.",
        {
            "type": "object",
            "properties": {
                "model": {"type": "string", "minLength": 1},
                "entity_id": {"type": ["integer", "string"]},
                "features": {"type": "object"},
            },
            "required": ["model"],
            "oneOf": [{"required": ["entity_id"]}, {"required": ["features"]}],
            "additionalProperties": False,
        },
    )

    def __init__(self, service: Callable[[], Any]) -> None:
        self._service = service

    async def call(self, arguments: Mapping[str, Any], caller: Principal) -> ToolResult:
        _need(caller, "predict", self.spec.name)
        service = self._service()
        if service is None:
            raise ToolError(
                "predictions are not served here: install the ml extra and keep ml.enabled on",
                tool=self.spec.name,
                kind="unavailable",
            )
        name = arguments["model"]
        slot = service.slot(name)
        if "features" in arguments:
            rows = [dict(arguments["features"])]
            slot.champion.encoder.check(rows[0], "features")
        else:
            rows = await service.rows_for(slot, [arguments["entity_id"]], "entity_id")
        sticky = str(arguments.get("entity_id", "")) or None
        outcome = await service.predict(name, rows, sticky=sticky)
        p = outcome.probabilities[0]
        threshold = slot.champion.spec.threshold
        data = {
            "model": name,
            "model_version": outcome.version,
            "step": outcome.step,
            "probability": p,
            "prediction": None if p is None else int(p >= threshold),
            "entity_id": arguments.get("entity_id"),
        }
        subject = (
            f"entity {arguments['entity_id']}" if "entity_id" in arguments else "these features"
        )
        text = (
            f"{name} for {subject}: probability {p:.3f} (version {outcome.version}, {outcome.step})"
            if p is not None
            else f"{name} for {subject}: no score ({outcome.step})"
        )
        return ToolResult(text=text, data=data)


def builtin_tools(
    retriever: Retriever,
    store: KnowledgeStore,
    embedder: Embedder,
    predictions: Callable[[], Any],
) -> list[KnowledgeSearch | SummariseDocument | Predict]:
    return [KnowledgeSearch(retriever), SummariseDocument(store, embedder), Predict(predictions)]

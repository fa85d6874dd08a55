"""Build a new index version with another embedding model beside the old one, then swap."""

from __future__ import annotations

from colonnade.knowledge.models import IndexInfo
from colonnade.knowledge.pipeline import ProgressCallback, building_index, embedding_text
from colonnade.knowledge.ports import Embedder, KnowledgeStore

__all__ = ["rebuild_index"]


def rebuild_index(
    store: KnowledgeStore,
    embedder: Embedder,
    *,
    batch: int = 256,
    progress: ProgressCallback | None = None,
) -> IndexInfo:
    """Embed every chunk with ``embedder`` into a building index and activate it when complete.

    Resumable: a killed run leaves the building index in place and the next
    run continues where it stopped. Searches use the old version until the swap.
    """
    active = store.active_index()
    if active is not None and active.model == embedder.model_id:
        missing = store.chunks_missing_vectors(active.id, 1)
        if not missing:
            return active
    building = building_index(store, embedder.model_id)
    if active is not None and active.model == embedder.model_id:
        target = active
    elif building is not None:
        target = building
    else:
        target = store.create_index(embedder.model_id, embedder.dimension, activate=active is None)
    done = 0
    while True:
        ids = store.chunks_missing_vectors(target.id, batch)
        if not ids:
            break
        hits = store.hydrate(ids)
        ids = [i for i in ids if i in hits]
        texts = [embedding_text(hits[i].title, hits[i].heading_path, hits[i].text) for i in ids]
        store.write_vectors(target.id, ids, embedder.embed_documents(texts))
        done += len(ids)
        if progress:
            progress("file", done, None)
    if target.status != "active":
        store.activate_index(target.id)
    result = store.active_index()
    assert result is not None
    return result

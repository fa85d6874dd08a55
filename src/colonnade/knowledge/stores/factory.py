"""Picks the knowledge store from ``storage.database_url``: SQLite file or PostgreSQL."""

from __future__ import annotations

from colonnade.knowledge.ports import KnowledgeStore
from colonnade.settings import RetrievalSettings, StorageSettings

__all__ = ["build_knowledge_store"]


def build_knowledge_store(storage: StorageSettings, retrieval: RetrievalSettings) -> KnowledgeStore:
    if storage.is_postgres():
        # imported here so the embedded default needs no PostgreSQL driver
        from colonnade.knowledge.stores.postgres import PostgresKnowledgeStore

        assert storage.database_url is not None
        return PostgresKnowledgeStore(
            storage.database_url,
            title_weight=retrieval.title_weight,
            heading_weight=retrieval.heading_weight,
            ef_search=retrieval.ann_expansion,
            pool_size=storage.pool_size,
        )
    from colonnade.knowledge.stores.sqlite import SQLiteKnowledgeStore

    return SQLiteKnowledgeStore(
        storage.sqlite_path(),
        title_weight=retrieval.title_weight,
        heading_weight=retrieval.heading_weight,
        ann_threshold=retrieval.ann_threshold,
        ann_expansion=retrieval.ann_expansion,
    )

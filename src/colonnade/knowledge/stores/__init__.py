"""Knowledge store adapters."""

from colonnade.knowledge.stores.sqlite import SQLiteKnowledgeStore

__all__ = ["SQLiteKnowledgeStore"]

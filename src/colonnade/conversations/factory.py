"""Picks the conversation store from ``storage.database_url``: SQLite file or PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from colonnade.conversations.sqlite import SQLiteConversationStore
from colonnade.settings import StorageSettings

if TYPE_CHECKING:
    from colonnade.conversations.postgres import PostgresConversationStore

__all__ = ["build_conversation_store"]


def build_conversation_store(
    storage: StorageSettings, ttl: timedelta | None
) -> SQLiteConversationStore | PostgresConversationStore:
    if storage.is_postgres():
        from colonnade.conversations.postgres import PostgresConversationStore

        assert storage.database_url is not None
        return PostgresConversationStore(storage.database_url, ttl=ttl, pool_size=storage.pool_size)
    return SQLiteConversationStore(storage.sqlite_path(), ttl=ttl)

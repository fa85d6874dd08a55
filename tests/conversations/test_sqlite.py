from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from colonnade.conversations import SQLiteConversationStore
from colonnade.errors import NotFound
from colonnade.knowledge.stores import SQLiteKnowledgeStore
from tests.conversations.store_contract import ConversationStoreContract


class TestSQLiteConversations(ConversationStoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[SQLiteConversationStore]:
        s = SQLiteConversationStore(tmp_path / "c.db")
        yield s
        s.close()


def test_shares_the_file_with_the_knowledge_store(tmp_path: Path) -> None:
    path = tmp_path / "colonnade.db"
    SQLiteKnowledgeStore(path).close()
    SQLiteConversationStore(path).close()
    versions = dict(sqlite3.connect(path).execute("SELECT component, version FROM schema_versions"))
    assert versions == {"knowledge": 2, "conversations": 3}


def test_expired_conversations_are_invisible_and_erased_turns_are_gone(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    store = SQLiteConversationStore(path, ttl=timedelta(days=30))
    conv = store.create("alice")
    store.append_turn(conv.id, "alice", "q", "a")
    sqlite3.connect(path).execute(
        "UPDATE conversations SET updated_at = '2000-01-01T00:00:00+00:00'"
    ).connection.commit()
    with pytest.raises(NotFound):
        store.get(conv.id, "alice")
    assert store.list_conversations("alice") == []
    store.delete(conv.id, "alice")
    assert sqlite3.connect(path).execute("SELECT count(*) FROM turns").fetchone()[0] == 0
    store.close()

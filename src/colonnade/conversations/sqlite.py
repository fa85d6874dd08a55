"""Conversations in the embedded SQLite file, beside the knowledge store.

Retention: with ``ttl`` set, a conversation idle for longer is invisible on
read and removed by :meth:`purge` (``colonnade conversations purge``). Delete
is an erasure: the conversation and every turn with its stored sources go.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from colonnade.conversations.models import Conversation, Turn
from colonnade.errors import InvalidInput, NotFound
from colonnade.storage import ConnectionPerThread, Migration, transaction
from colonnade.storage.migrations import ensure_schema

__all__ = ["MIGRATIONS", "SQLiteConversationStore"]

MAX_TITLE = 200
# a conversation with its turn count
_SELECT = (
    "SELECT c.*, (SELECT count(*) FROM turns t WHERE t.conversation_id = c.id) AS n"
    " FROM conversations c"
)

MIGRATIONS = [
    Migration(
        1,
        "conversations and turns",
        [
            """CREATE TABLE conversations (
                id TEXT PRIMARY KEY,
                owner TEXT NOT NULL,
                title TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL)""",
            "CREATE INDEX conversations_owner ON conversations(owner, updated_at)",
            "CREATE INDEX conversations_updated ON conversations(updated_at)",
            """CREATE TABLE turns (
                conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                ordinal INTEGER NOT NULL,
                question TEXT NOT NULL,
                answer TEXT NOT NULL,
                citations TEXT NOT NULL DEFAULT '[]',
                generator TEXT NOT NULL DEFAULT '',
                metadata TEXT NOT NULL DEFAULT '{}',
                created_at TEXT NOT NULL,
                PRIMARY KEY (conversation_id, ordinal)) WITHOUT ROWID""",
        ],
    ),
    Migration(
        2,
        "running summary of older turns",
        [
            "ALTER TABLE conversations ADD COLUMN summary TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE conversations ADD COLUMN summary_upto INTEGER NOT NULL DEFAULT 0",
        ],
    ),
    Migration(
        3,
        "owners are tenant/user: a user is only ever a user within a tenant",
        ["UPDATE conversations SET owner = 'default/' || owner WHERE instr(owner, '/') = 0"],
    ),
]


def _now() -> datetime:
    return datetime.now(UTC)


def _turn(row: sqlite3.Row) -> Turn:
    return Turn(
        ordinal=row["ordinal"],
        question=row["question"],
        answer=row["answer"],
        created_at=datetime.fromisoformat(row["created_at"]),
        citations=json.loads(row["citations"]),
        generator=row["generator"],
        metadata=json.loads(row["metadata"]),
    )


class SQLiteConversationStore:
    def __init__(self, path: Path, *, ttl: timedelta | None = None) -> None:
        self.path = path
        self.ttl = ttl
        ensure_schema(path, "conversations")
        self._pool = ConnectionPerThread(path)

    def _conn(self) -> sqlite3.Connection:
        return self._pool.get()

    def close(self) -> None:
        self._pool.close()

    def _cutoff(self) -> str:
        return (_now() - self.ttl).isoformat() if self.ttl else ""

    def _row(self, conversation_id: str, owner: str) -> sqlite3.Row:
        row = (
            self._conn()
            .execute(
                f"{_SELECT} WHERE c.id = ? AND c.owner = ? AND c.updated_at >= ?",
                (conversation_id, owner, self._cutoff()),
            )
            .fetchone()
        )
        if row is None:
            raise NotFound(f"conversation {conversation_id} not found")
        found: sqlite3.Row = row
        return found

    @staticmethod
    def _conversation(row: sqlite3.Row) -> Conversation:
        return Conversation(
            id=row["id"],
            owner=row["owner"],
            title=row["title"],
            created_at=datetime.fromisoformat(row["created_at"]),
            updated_at=datetime.fromisoformat(row["updated_at"]),
            turn_count=row["n"],
            summary=row["summary"],
            summary_upto=row["summary_upto"],
        )

    @staticmethod
    def _title(title: str) -> str:
        title = " ".join(title.split())
        if len(title) > MAX_TITLE:
            raise InvalidInput(f"a conversation title is at most {MAX_TITLE} characters")
        return title

    def create(self, owner: str, title: str = "") -> Conversation:
        now = _now().isoformat()
        cid = uuid.uuid4().hex
        self._conn().execute(
            "INSERT INTO conversations(id, owner, title, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (cid, owner, self._title(title), now, now),
        )
        return self.get(cid, owner)

    def get(
        self, conversation_id: str, owner: str, *, last_turns: int | None = None
    ) -> Conversation:
        conversation = self._conversation(self._row(conversation_id, owner))
        query = "SELECT * FROM turns WHERE conversation_id = ? ORDER BY ordinal DESC"
        params: list[Any] = [conversation_id]
        if last_turns is not None:
            query += " LIMIT ?"
            params.append(last_turns)
        rows = self._conn().execute(query, params).fetchall()
        conversation.turns = [_turn(r) for r in reversed(rows)]
        return conversation

    def list_conversations(self, owner: str, *, limit: int = 50) -> list[Conversation]:
        rows = (
            self._conn()
            .execute(
                f"{_SELECT} WHERE c.owner = ? AND c.updated_at >= ?"
                " ORDER BY c.updated_at DESC LIMIT ?",
                (owner, self._cutoff(), limit),
            )
            .fetchall()
        )
        return [self._conversation(r) for r in rows]

    def rename(self, conversation_id: str, owner: str, title: str) -> Conversation:
        self._row(conversation_id, owner)
        self._conn().execute(
            "UPDATE conversations SET title = ? WHERE id = ?", (self._title(title), conversation_id)
        )
        return self.get(conversation_id, owner, last_turns=0)

    def append_turn(
        self,
        conversation_id: str,
        owner: str,
        question: str,
        answer: str,
        *,
        citations: list[dict[str, Any]] | None = None,
        generator: str = "",
        metadata: dict[str, Any] | None = None,
    ) -> Turn:
        conn = self._conn()
        now = _now().isoformat()
        with transaction(conn):
            row = self._row(conversation_id, owner)
            ordinal = int(row["n"]) + 1
            conn.execute(
                """INSERT INTO turns(conversation_id, ordinal, question, answer, citations,
                   generator, metadata, created_at) VALUES (?,?,?,?,?,?,?,?)""",
                (
                    conversation_id,
                    ordinal,
                    question,
                    answer,
                    json.dumps(citations or []),
                    generator,
                    json.dumps(metadata or {}, default=str),
                    now,
                ),
            )
            title = row["title"] or self._title(question[:80])
            conn.execute(
                "UPDATE conversations SET updated_at = ?, title = ? WHERE id = ?",
                (now, title, conversation_id),
            )
        return Turn(
            ordinal,
            question,
            answer,
            datetime.fromisoformat(now),
            citations or [],
            generator,
            metadata or {},
        )

    def set_summary(self, conversation_id: str, owner: str, summary: str, upto: int) -> None:
        cur = self._conn().execute(
            "UPDATE conversations SET summary = ?, summary_upto = ? WHERE id = ? AND owner = ?",
            (summary, upto, conversation_id, owner),
        )
        if cur.rowcount == 0:
            raise NotFound(f"conversation {conversation_id} not found")

    def delete(self, conversation_id: str, owner: str) -> None:
        conn = self._conn()
        with transaction(conn):
            cur = conn.execute(
                "DELETE FROM conversations WHERE id = ? AND owner = ?", (conversation_id, owner)
            )
            if cur.rowcount == 0:
                raise NotFound(f"conversation {conversation_id} not found")

    def purge(self, older_than: datetime) -> int:
        conn = self._conn()
        with transaction(conn):
            cur = conn.execute(
                "DELETE FROM conversations WHERE updated_at < ?", (older_than.isoformat(),)
            )
        return cur.rowcount

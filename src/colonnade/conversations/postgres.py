"""Conversations in PostgreSQL, shared by every replica.

The same behaviour as the SQLite store: reads scoped to the owner, retention by
``ttl``, erasure on delete. Appending a turn locks the conversation row, so two
replicas answering in one conversation at once number their turns one after the other.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from colonnade.conversations.models import Conversation, Turn
from colonnade.conversations.sqlite import MAX_TITLE
from colonnade.errors import InvalidInput, NotFound
from colonnade.storage.migrations import ensure_schema
from colonnade.storage.postgres import open_pool

__all__ = ["PostgresConversationStore"]

_SELECT = (
    "SELECT c.*, (SELECT count(*) FROM turns t WHERE t.conversation_id = c.id) AS n"
    " FROM conversations c"
)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _turn(row: dict[str, Any]) -> Turn:
    return Turn(
        ordinal=row["ordinal"],
        question=row["question"],
        answer=row["answer"],
        created_at=row["created_at"],
        citations=row["citations"],
        generator=row["generator"],
        metadata=row["metadata"],
    )


def _conversation(row: dict[str, Any]) -> Conversation:
    return Conversation(
        id=row["id"],
        owner=row["owner"],
        title=row["title"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        turn_count=row["n"],
        summary=row["summary"],
        summary_upto=row["summary_upto"],
    )


def _title(title: str) -> str:
    title = " ".join(title.split())
    if len(title) > MAX_TITLE:
        raise InvalidInput(f"a conversation title is at most {MAX_TITLE} characters")
    return title


def _text(value: str) -> str:
    return value.replace("\x00", "")  # PostgreSQL text holds no NUL


class PostgresConversationStore:
    def __init__(self, url: str, *, ttl: timedelta | None = None, pool_size: int = 10) -> None:
        self.url = url
        self.ttl = ttl
        ensure_schema(url, "conversations")
        self._pool = open_pool(url, max_size=pool_size, name="conversations")

    def close(self) -> None:
        self._pool.close()

    def _cutoff(self) -> datetime:
        return datetime.now(UTC) - self.ttl if self.ttl else _EPOCH

    def _fetch(self, query: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        with self._pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)
            return cur.fetchall() if cur.description else []

    def _row(self, conversation_id: str, owner: str) -> dict[str, Any]:
        rows = self._fetch(
            f"{_SELECT} WHERE c.id = %s AND c.owner = %s AND c.updated_at >= %s",
            (conversation_id, owner, self._cutoff()),
        )
        if not rows:
            raise NotFound(f"conversation {conversation_id} not found")
        return rows[0]

    def create(self, owner: str, title: str = "") -> Conversation:
        cid = uuid.uuid4().hex
        self._fetch(
            "INSERT INTO conversations(id, owner, title, created_at, updated_at)"
            " VALUES (%s, %s, %s, clock_timestamp(), clock_timestamp())",
            (cid, owner, _title(_text(title))),
        )
        return self.get(cid, owner)

    def get(
        self, conversation_id: str, owner: str, *, last_turns: int | None = None
    ) -> Conversation:
        conversation = _conversation(self._row(conversation_id, owner))
        query = "SELECT * FROM turns WHERE conversation_id = %s ORDER BY ordinal DESC"
        params: list[Any] = [conversation_id]
        if last_turns is not None:
            query += " LIMIT %s"
            params.append(last_turns)
        rows = self._fetch(query, params)
        conversation.turns = [_turn(r) for r in reversed(rows)]
        return conversation

    def list_conversations(self, owner: str, *, limit: int = 50) -> list[Conversation]:
        rows = self._fetch(
            f"{_SELECT} WHERE c.owner = %s AND c.updated_at >= %s"
            " ORDER BY c.updated_at DESC LIMIT %s",
            (owner, self._cutoff(), limit),
        )
        return [_conversation(r) for r in rows]

    def rename(self, conversation_id: str, owner: str, title: str) -> Conversation:
        self._row(conversation_id, owner)
        self._fetch(
            "UPDATE conversations SET title = %s WHERE id = %s",
            (_title(_text(title)), conversation_id),
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
        question, answer = _text(question), _text(answer)
        with (
            self._pool.connection() as conn,
            conn.transaction(),
            conn.cursor(row_factory=dict_row) as cur,
        ):
            # the row lock makes concurrent appends (from any replica) take turns
            row = cur.execute(
                "SELECT title FROM conversations WHERE id = %s AND owner = %s"
                " AND updated_at >= %s FOR UPDATE",
                (conversation_id, owner, self._cutoff()),
            ).fetchone()
            if row is None:
                raise NotFound(f"conversation {conversation_id} not found")
            count = cur.execute(
                "SELECT count(*) AS n FROM turns WHERE conversation_id = %s", (conversation_id,)
            ).fetchone()
            ordinal = int(count["n"] if count else 0) + 1
            created = cur.execute(
                """INSERT INTO turns(conversation_id, ordinal, question, answer, citations,
                   generator, metadata, created_at)
                   VALUES (%s,%s,%s,%s,%s,%s,%s,clock_timestamp()) RETURNING created_at""",
                (
                    conversation_id,
                    ordinal,
                    question,
                    answer,
                    Jsonb(citations or []),
                    generator,
                    Jsonb(metadata or {}, dumps=_dumps),
                ),
            ).fetchone()
            assert created is not None
            title = row["title"] or _title(question[:80])
            cur.execute(
                "UPDATE conversations SET updated_at = %s, title = %s WHERE id = %s",
                (created["created_at"], title, conversation_id),
            )
        return Turn(
            ordinal,
            question,
            answer,
            created["created_at"],
            citations or [],
            generator,
            metadata or {},
        )

    def set_summary(self, conversation_id: str, owner: str, summary: str, upto: int) -> None:
        rows = self._fetch(
            "UPDATE conversations SET summary = %s, summary_upto = %s"
            " WHERE id = %s AND owner = %s RETURNING id",
            (_text(summary), upto, conversation_id, owner),
        )
        if not rows:
            raise NotFound(f"conversation {conversation_id} not found")

    def delete(self, conversation_id: str, owner: str) -> None:
        rows = self._fetch(
            "DELETE FROM conversations WHERE id = %s AND owner = %s RETURNING id",
            (conversation_id, owner),
        )
        if not rows:
            raise NotFound(f"conversation {conversation_id} not found")

    def purge(self, older_than: datetime) -> int:
        rows = self._fetch(
            "DELETE FROM conversations WHERE updated_at < %s RETURNING id", (older_than,)
        )
        return len(rows)


def _dumps(value: object) -> str:
    import json

    return json.dumps(value, default=str)

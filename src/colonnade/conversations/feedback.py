"""Ratings of answers, kept with the turn they rate: thumbs up or down and a comment.

One rating per turn (a new one replaces it); erasing the conversation or the turn erases
its rating (a foreign key with ``ON DELETE CASCADE``). Rated turns export as JSON lines
that ``colonnade eval answers`` runs again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from colonnade.errors import NotFound
from colonnade.storage import ConnectionPerThread, Migration, migrate

__all__ = ["MIGRATIONS", "Feedback", "FeedbackCount", "Rating", "SQLiteFeedbackStore"]

Rating = Literal["up", "down"]

MIGRATIONS = [
    Migration(
        1,
        "ratings of answers, with the turn they rate",
        [
            """CREATE TABLE feedback (
                conversation_id TEXT NOT NULL,
                ordinal INTEGER NOT NULL,
                tenant TEXT NOT NULL,
                owner TEXT NOT NULL,
                rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
                comment TEXT NOT NULL DEFAULT '',
                collections TEXT NOT NULL DEFAULT '[]',
                generator TEXT NOT NULL DEFAULT '',
                rated_at TEXT NOT NULL,
                PRIMARY KEY (conversation_id, ordinal),
                FOREIGN KEY (conversation_id, ordinal)
                    REFERENCES turns(conversation_id, ordinal) ON DELETE CASCADE
            ) WITHOUT ROWID""",
            "CREATE INDEX feedback_tenant ON feedback(tenant, rated_at)",
        ],
    ),
]


@dataclass(slots=True, frozen=True)
class Feedback:
    conversation_id: str
    turn: int
    rating: Rating
    comment: str
    collections: list[str]
    generator: str
    rated_at: datetime


@dataclass(slots=True, frozen=True)
class FeedbackCount:
    collection: str
    generator: str
    rating: Rating
    count: int


class SQLiteFeedbackStore:
    """Ratings in the conversations' SQLite file (the turns table must exist there)."""

    def __init__(self, path: Path) -> None:
        self._pool = ConnectionPerThread(path)
        migrate(self._pool.get(), "feedback", MIGRATIONS)

    def close(self) -> None:
        self._pool.close()

    def rate(
        self,
        conversation_id: str,
        turn: int,
        *,
        tenant: str,
        owner: str,
        rating: Rating,
        comment: str = "",
        collections: list[str] | None = None,
    ) -> Feedback:
        """Rate a turn of a conversation ``owner`` holds; NotFound for any other turn.

        ``collections`` are those of the documents the answer cited (the metrics' label)."""
        conn = self._pool.get()
        row = conn.execute(
            "SELECT t.citations, t.generator FROM turns t JOIN conversations c"
            " ON c.id = t.conversation_id WHERE t.conversation_id = ? AND t.ordinal = ?"
            " AND c.owner = ?",
            (conversation_id, turn, owner),
        ).fetchone()
        if row is None:
            raise NotFound(f"conversation {conversation_id} has no turn {turn} of yours")
        collections = sorted(set(collections or []))
        now = datetime.now(UTC)
        conn.execute(
            "INSERT INTO feedback (conversation_id, ordinal, tenant, owner, rating, comment,"
            " collections, generator, rated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (conversation_id, ordinal) DO UPDATE SET rating = excluded.rating,"
            " comment = excluded.comment, rated_at = excluded.rated_at",
            (
                conversation_id,
                turn,
                tenant,
                owner,
                rating,
                comment,
                json.dumps(collections),
                row["generator"],
                now.isoformat(),
            ),
        )
        return Feedback(conversation_id, turn, rating, comment, collections, row["generator"], now)

    def counts(self) -> list[FeedbackCount]:
        """Ratings per collection (one per cited collection; "none" without) and generator."""
        out: dict[tuple[str, str, str], int] = {}
        for row in self._pool.get().execute("SELECT collections, generator, rating FROM feedback"):
            for collection in json.loads(row["collections"]) or ["none"]:
                key = (collection, row["generator"], row["rating"])
                out[key] = out.get(key, 0) + 1
        return [FeedbackCount(c, g, r, n) for (c, g, r), n in sorted(out.items())]  # type: ignore[arg-type]

    def export(self, *, tenant: str | None) -> Iterator[dict[str, Any]]:
        """Rated turns, oldest first, as an evaluation set: the question, the answer, what
        it cited, the rating and the comment."""
        where, params = ("WHERE f.tenant = ?", (tenant,)) if tenant is not None else ("", ())
        rows = self._pool.get().execute(
            "SELECT f.*, t.question, t.answer, t.citations FROM feedback f JOIN turns t"
            " ON t.conversation_id = f.conversation_id AND t.ordinal = f.ordinal"
            f" {where} ORDER BY f.rated_at",
            params,
        )
        for row in rows:
            yield _exported(row)


def _exported(row: sqlite3.Row) -> dict[str, Any]:
    citations = json.loads(row["citations"])
    return {
        "question": row["question"],
        "answer": row["answer"],
        "rating": row["rating"],
        "comment": row["comment"],
        "documents": sorted({str(c.get("document_id", "")) for c in citations} - {""}),
        "collections": json.loads(row["collections"]),
        "generator": row["generator"],
        "tenant": row["tenant"],
        "conversation_id": row["conversation_id"],
        "turn": row["ordinal"],
        "rated_at": row["rated_at"],
    }

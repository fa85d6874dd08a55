"""The audit chain in PostgreSQL: one chain for every replica, its sealed head in a row.

Every writer locks the head row (``SELECT ... FOR UPDATE``) before it reads the head and
appends, so appends from several replicas at once are serialized into one chain; the head
is rewritten in the same transaction. Readers work on a ``REPEATABLE READ`` snapshot, so
``verify`` sees the head and the rows as of one moment without stopping writers. The MAC
key is never in the database and must be the same on every replica
(``security.audit.key`` or ``security.audit.key_file``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from colonnade.observability.audit_chain import GENESIS, Head, open_head, resolve_key, seal_head
from colonnade.observability.ports import SqlConnection
from colonnade.storage.migrations import ensure_schema
from colonnade.storage.postgres import open_pool, redact

__all__ = ["PostgresAuditStorage"]


class _Qmark:
    """A psycopg connection that takes the ``?`` placeholders the chain's queries use."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Any:
        return self._conn.execute(sql.replace("?", "%s"), params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]], /) -> Any:
        with self._conn.cursor() as cur:
            cur.executemany(sql.replace("?", "%s"), rows)


class PostgresAuditStorage:
    def __init__(self, url: str, *, pool_size: int = 4) -> None:
        ensure_schema(url, "audit")
        self.url = url
        self._pool = open_pool(url, max_size=pool_size, name="audit")

    @property
    def where(self) -> str:
        return redact(self.url)

    def resolve_key(self, key: SecretStr | None, key_file: Path | None) -> bytes:
        return resolve_key(None, key, key_file)

    @contextmanager
    def writing(self) -> Iterator[SqlConnection]:
        with self._pool.connection() as conn, conn.transaction():
            conn.execute(
                "INSERT INTO audit_head(id, seq, hash, anchor_seq, anchor_hash)"
                " VALUES (true, 0, %s, 0, %s) ON CONFLICT (id) DO NOTHING",
                (GENESIS, GENESIS),
            )
            conn.execute("SELECT 1 FROM audit_head WHERE id FOR UPDATE")  # one writer at a time
            yield _Qmark(conn)

    @contextmanager
    def reading(self) -> Iterator[SqlConnection]:
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield _Qmark(conn)

    def load_head(self, conn: Any, key: bytes) -> Head | None:
        row = conn.execute("SELECT sealed FROM audit_head WHERE id").fetchone()
        if row is None or row[0] is None:
            return None
        return open_head(str(row[0]), key)

    def save_head(self, conn: Any, key: bytes, head: Head) -> None:
        conn.execute(
            "UPDATE audit_head SET seq = ?, hash = ?, anchor_seq = ?, anchor_hash = ?,"
            " sealed = ? WHERE id",
            (head.seq, head.mac, head.anchor_seq, head.anchor_mac, seal_head(key, head)),
        )

    def close(self) -> None:
        self._pool.close()

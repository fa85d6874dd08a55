"""Where the audit chain's rows live: the port and its SQLite adapter.

The chain itself (canonical records, hashes, verification) is :class:`AuditLog`'s;
an adapter only stores rows and serialises extensions of the chain. ``extend``
hands the caller the head of the chain (last sequence number and hash) under a
lock that holds until the new rows are stored, so several writers — threads,
processes or replicas — always extend one chain, never fork it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from colonnade.settings import StorageSettings
from colonnade.storage import ConnectionPerThread, Migration, transaction
from colonnade.storage.migrations import ensure_schema

__all__ = ["GENESIS", "AuditRow", "AuditStorage", "SQLiteAuditStorage", "open_audit_storage"]

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditRow:
    seq: int
    at: str  # ISO 8601, as in the record
    tenant: str
    action: str
    record: str  # the canonical JSON the hash covers
    prev_hash: str
    hash: str


# given the chain's head (seq, hash), the rows that extend it
Linker = Callable[[int, str], Sequence[AuditRow]]


class AuditStorage(Protocol):
    def extend(self, link: Linker) -> int:
        """Call ``link`` with the head of the chain and store its rows, atomically."""
        ...

    def rows(
        self,
        *,
        tenant: str | None = None,
        since: datetime | None = None,
        action: str | None = None,
        limit: int | None = None,
    ) -> Iterator[AuditRow]:
        """Stored rows, oldest first."""
        ...

    def anchor(self) -> tuple[int, str]:
        """The (seq, hash) the first stored row links to: GENESIS, or the last one purged."""
        ...

    def trim(self, before: datetime) -> int:
        """Remove the rows older than ``before`` and anchor the chain on the last removed."""
        ...

    def close(self) -> None: ...


MIGRATIONS = [
    Migration(
        1,
        "hash-chained audit records",
        [
            """CREATE TABLE audit_log (
                seq INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                tenant TEXT NOT NULL,
                action TEXT NOT NULL,
                record TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL)""",
            "CREATE INDEX audit_tenant ON audit_log(tenant, seq)",
            "CREATE INDEX audit_at ON audit_log(at)",
            "CREATE TABLE audit_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ],
    )
]


class SQLiteAuditStorage:
    """Rows in the embedded SQLite file; ``BEGIN IMMEDIATE`` serialises writers."""

    def __init__(self, path: Path) -> None:
        ensure_schema(path, "audit")
        self._pool = ConnectionPerThread(path)

    def extend(self, link: Linker) -> int:
        conn = self._pool.get()
        with transaction(conn):
            last = conn.execute(
                "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            seq, prev = (int(last[0]), str(last[1])) if last else self._anchor(conn)
            rows = link(seq, prev)
            conn.executemany(
                "INSERT INTO audit_log(seq, at, tenant, action, record, prev_hash, hash)"
                " VALUES (?,?,?,?,?,?,?)",
                [(r.seq, r.at, r.tenant, r.action, r.record, r.prev_hash, r.hash) for r in rows],
            )
        return len(rows)

    def rows(
        self,
        *,
        tenant: str | None = None,
        since: datetime | None = None,
        action: str | None = None,
        limit: int | None = None,
    ) -> Iterator[AuditRow]:
        clauses, params = [], []
        if tenant is not None:
            clauses.append("tenant = ?")
            params.append(tenant)
        if since is not None:
            clauses.append("at >= ?")
            params.append(since.isoformat())
        if action is not None:
            clauses.append("action = ?")
            params.append(action)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        tail = f" LIMIT {int(limit)}" if limit else ""
        for row in self._pool.get().execute(
            "SELECT seq, at, tenant, action, record, prev_hash, hash FROM audit_log"
            f" {where} ORDER BY seq{tail}",
            params,
        ):
            yield AuditRow(*row)

    @staticmethod
    def _anchor(conn: object) -> tuple[int, str]:
        meta = dict(conn.execute("SELECT key, value FROM audit_meta").fetchall())  # type: ignore[attr-defined]
        return int(meta.get("anchor_seq", 0)), str(meta.get("anchor_hash", GENESIS))

    def anchor(self) -> tuple[int, str]:
        return self._anchor(self._pool.get())

    def trim(self, before: datetime) -> int:
        conn = self._pool.get()
        with transaction(conn):
            last = conn.execute(
                "SELECT seq, hash FROM audit_log WHERE at < ? ORDER BY seq DESC LIMIT 1",
                (before.isoformat(),),
            ).fetchone()
            if last is None:
                return 0
            n = conn.execute("DELETE FROM audit_log WHERE seq <= ?", (last[0],)).rowcount
            for key, value in (("anchor_seq", str(last[0])), ("anchor_hash", last[1])):
                conn.execute(
                    "INSERT INTO audit_meta(key, value) VALUES (?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )
        return int(n)

    def close(self) -> None:
        self._pool.close()


def open_audit_storage(storage: StorageSettings) -> AuditStorage:
    """PostgreSQL when ``storage.database_url`` names one, else the embedded SQLite file."""
    if storage.is_postgres():
        from colonnade.observability.audit_postgres import PostgresAuditStorage

        assert storage.database_url is not None
        return PostgresAuditStorage(storage.database_url)
    return SQLiteAuditStorage(storage.sqlite_path())

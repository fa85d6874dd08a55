"""Ports of the observability layer: the audit trail and where its chain is kept.

``AuditTrail`` is what the API and the CLI use (append, verify, export, purge).
``AuditStorage`` is where one chain's rows, its MAC key and its sealed head live: a
SQLite file with the head in a file beside it (one machine), or PostgreSQL with the head
in a row locked by every writer (several replicas, one chain). The chain's rules (the
keyed MAC over every column, the links, what ``verify`` checks) are the trail's and are
the same on both.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from pydantic import SecretStr

from colonnade.observability.audit_chain import Head

__all__ = ["AuditStorage", "AuditTrail", "SqlConnection", "Verification"]


@dataclass(slots=True, frozen=True)
class Verification:
    ok: bool
    records: int
    first_bad_seq: int | None = None
    reason: str = ""


class SqlConnection(Protocol):
    """DB-API style (sqlite3's, psycopg's): ``?`` placeholders, rows indexable by position."""

    def execute(self, sql: str, params: Any = ..., /) -> Any: ...
    def executemany(self, sql: str, rows: Any, /) -> Any: ...


class AuditStorage(Protocol):
    """Rows, key and head of one chain."""

    @property
    def where(self) -> str:
        """Where the chain lives, for logs and messages (no secrets)."""
        ...

    def resolve_key(self, key: SecretStr | None, key_file: Path | None) -> bytes:
        """The MAC key; never kept in the database."""
        ...

    def writing(self) -> AbstractContextManager[SqlConnection]:
        """A transaction that no other writer (thread, process or replica) interleaves."""
        ...

    def reading(self) -> AbstractContextManager[SqlConnection]:
        """A consistent snapshot: the head and the rows as of one moment."""
        ...

    def load_head(self, conn: SqlConnection, key: bytes) -> Head | None:
        """The sealed head, None when there is none; ValueError when it was altered."""
        ...

    def save_head(self, conn: SqlConnection, key: bytes, head: Head) -> None:
        """Seal and keep ``head`` as part of the writing transaction."""
        ...

    def close(self) -> None: ...


class AuditTrail(Protocol):
    def append(self, action: str, *, tenant: str, now: bool = False, **fields: Any) -> None: ...
    def flush(self) -> int: ...
    def records(
        self,
        *,
        tenant: str | None = None,
        since: datetime | None = None,
        action: str | None = None,
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]: ...
    def verify(self, tenant: str | None = None) -> Verification: ...
    def purge(self, now: datetime | None = None) -> int: ...
    def close(self) -> None: ...

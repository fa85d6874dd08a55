"""The audit chain in a SQLite file, its sealed head in a file beside it (one machine).

Writers take SQLite's write lock (``BEGIN IMMEDIATE``) and rewrite the head file before
COMMIT, under that lock; the MAC key comes from the settings or is generated beside the
database file (never inside it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from colonnade.observability.audit_chain import Head, load_head, resolve_key, save_head
from colonnade.observability.ports import SqlConnection
from colonnade.storage import ConnectionPerThread, Migration, migrate, transaction

__all__ = ["MIGRATIONS", "SQLiteAuditStorage"]

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
    ),
    Migration(
        2,
        "keyed MAC over every column; a chain per tenant",
        [
            "ALTER TABLE audit_log ADD COLUMN scheme INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE audit_log ADD COLUMN tseq INTEGER",
            "ALTER TABLE audit_log ADD COLUMN tprev TEXT",
            "CREATE INDEX audit_tenant_tseq ON audit_log(tenant, tseq)",
        ],
    ),
]


class SQLiteAuditStorage:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._pool = ConnectionPerThread(path)
        migrate(self._pool.get(), "audit", MIGRATIONS)
        self.head_path = path.with_name(f"{path.stem}.audit-head")

    @property
    def where(self) -> str:
        return str(self.path)

    def resolve_key(self, key: SecretStr | None, key_file: Path | None) -> bytes:
        return resolve_key(self.path, key, key_file)

    @contextmanager
    def writing(self) -> Iterator[SqlConnection]:
        with transaction(self._pool.get()) as conn:
            yield conn

    @contextmanager
    def reading(self) -> Iterator[SqlConnection]:
        with transaction(self._pool.get()) as conn:  # no writer between head and rows
            yield conn

    def load_head(self, conn: Any, key: bytes) -> Head | None:
        return load_head(self.head_path, key)

    def save_head(self, conn: Any, key: bytes, head: Head) -> None:
        save_head(self.head_path, key, head)  # before COMMIT, under its lock

    def close(self) -> None:
        self._pool.close()

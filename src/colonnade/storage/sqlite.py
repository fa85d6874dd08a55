"""SQLite for the embedded default: WAL, foreign keys, and ordered migrations per component.

Each layer (knowledge, conversations, audit) registers its own list of
migrations; ``schema_versions`` records how far each component has come, so a
file made by an older Colonnade upgrades in place.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from colonnade.errors import StoreError

__all__ = [
    "ConnectionPerThread",
    "Migration",
    "connect",
    "migrate",
    "schema_version",
    "transaction",
]


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    description: str
    statements: Sequence[str]
    # a table rebuild (SQLite's way to change a constraint) must not cascade deletes; the
    # keys are checked again before the migration commits
    foreign_keys_off: bool = False


def connect(path: Path) -> sqlite3.Connection:
    """Open (and create) a database file in autocommit mode with WAL and foreign keys."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"cannot open database {path}: {exc}") from exc
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA cache_size=-65536")
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def migrate(conn: sqlite3.Connection, component: str, migrations: Sequence[Migration]) -> int:
    """Apply the migrations of ``component`` newer than the file; return the version."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_versions ("
        " component TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_at TEXT NOT NULL)"
    )
    versions = [m.version for m in migrations]
    if versions != sorted(set(versions)):
        raise ValueError(f"{component} migrations must have increasing versions")
    rebuild = any(m.foreign_keys_off for m in migrations)
    if rebuild:  # only effective outside a transaction
        conn.execute("PRAGMA foreign_keys=OFF")
    try:
        return _apply(conn, component, migrations, versions)
    finally:
        if rebuild:
            conn.execute("PRAGMA foreign_keys=ON")


def _apply(
    conn: sqlite3.Connection, component: str, migrations: Sequence[Migration], versions: list[int]
) -> int:
    with transaction(conn):
        row = conn.execute(
            "SELECT version FROM schema_versions WHERE component = ?", (component,)
        ).fetchone()
        current = int(row["version"]) if row else 0
        latest = versions[-1] if versions else 0
        if current > latest:
            raise StoreError(
                f"the database's {component} schema is version {current}, newer than this "
                f"Colonnade ({latest}): upgrade Colonnade"
            )
        for migration in migrations:
            if migration.version <= current:
                continue
            for statement in migration.statements:
                conn.execute(statement)
            if migration.foreign_keys_off and conn.execute("PRAGMA foreign_key_check").fetchone():
                raise StoreError(f"{component} migration {migration.version} broke a foreign key")
            conn.execute(
                "INSERT INTO schema_versions(component, version, applied_at) VALUES (?, ?, ?)"
                " ON CONFLICT(component) DO UPDATE SET version = excluded.version,"
                " applied_at = excluded.applied_at",
                (component, migration.version, datetime.now(UTC).isoformat()),
            )
            current = migration.version
    return current


def schema_version(conn: sqlite3.Connection, component: str) -> int:
    """The version of ``component``'s baseline schema recorded in the file."""
    row = conn.execute(
        "SELECT version FROM schema_versions WHERE component = ?", (component,)
    ).fetchone()
    return int(row[0]) if row else 0


class ConnectionPerThread:
    """One connection per thread to one file (sqlite3 connections are not shared)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def get(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()

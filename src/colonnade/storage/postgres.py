"""PostgreSQL for the scale-out setup: a psycopg 3 connection pool and ordered migrations.

Every replica opens its own pool on the same database. Migrations of a component
run under a transaction-scoped advisory lock, so replicas starting at once apply
each migration exactly once and the others wait, then see the result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from colonnade.errors import StoreError
from colonnade.storage.sqlite import Migration

__all__ = ["is_postgres_url", "migrate_postgres", "open_pool", "prepare_schema", "redact"]

# pg_advisory_xact_lock key shared by every component's migrations ("colonnade" in ASCII)
_MIGRATION_LOCK = 0x636F6C6F6E6E6164


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("postgresql://", "postgres://"))


def open_pool(
    url: str,
    *,
    min_size: int = 1,
    max_size: int = 10,
    configure: Callable[[psycopg.Connection[Any]], None] | None = None,
    name: str = "colonnade",
) -> ConnectionPool:
    """An open pool of autocommit connections in UTC, failing fast when the server is away."""

    def setup(conn: psycopg.Connection[Any]) -> None:
        conn.execute("SET TIME ZONE 'UTC'")
        if configure is not None:
            configure(conn)

    pool: ConnectionPool = ConnectionPool(
        url,
        min_size=min_size,
        max_size=max_size,
        kwargs={"autocommit": True},
        configure=setup,
        name=name,
        open=False,
    )
    try:
        pool.open(wait=True, timeout=30)
    except Exception as exc:  # psycopg_pool raises PoolTimeout; the cause is in the log
        pool.close()
        raise StoreError(
            f"cannot connect to PostgreSQL at {redact(url)}: {exc}; check "
            "COLONNADE_STORAGE__DATABASE_URL and that the server is running"
        ) from exc
    return pool


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    if "password" in info:
        info["password"] = "***"  # noqa: S105 - a mask, not a secret
    return psycopg.conninfo.make_conninfo("", **{k: v for k, v in info.items() if v is not None})


def prepare_schema(url: str, component: str, migrations: Sequence[Migration]) -> int:
    """Connect once and bring ``component``'s schema up to date; clear errors when it fails."""
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            return migrate_postgres(conn, component, migrations)
    except psycopg.OperationalError as exc:
        raise StoreError(
            f"cannot connect to PostgreSQL at {redact(url)}: {str(exc).strip()}; check "
            "COLONNADE_STORAGE__DATABASE_URL and that the server is running"
        ) from exc
    except psycopg.Error as exc:
        raise StoreError(f"cannot prepare the {component} schema: {exc}") from exc


def migrate_postgres(
    conn: psycopg.Connection[Any], component: str, migrations: Sequence[Migration]
) -> int:
    """Apply the migrations of ``component`` newer than the database; return the version."""
    versions = [m.version for m in migrations]
    if versions != sorted(set(versions)):
        raise ValueError(f"{component} migrations must have increasing versions")
    latest = versions[-1] if versions else 0
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY,"
            " version INTEGER NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        row = conn.execute(
            "SELECT version FROM schema_versions WHERE component = %s", (component,)
        ).fetchone()
        current = int(row[0]) if row else 0
        if current > latest:
            raise StoreError(
                f"the database's {component} schema is version {current}, newer than this "
                f"Colonnade ({latest}): upgrade Colonnade"
            )
        for migration in migrations:
            if migration.version <= current:
                continue
            for statement in migration.statements:
                conn.execute(statement.encode())
            conn.execute(
                "INSERT INTO schema_versions(component, version) VALUES (%s, %s)"
                " ON CONFLICT(component) DO UPDATE SET version = excluded.version,"
                " applied_at = now()",
                (component, migration.version),
            )
            current = migration.version
    return current

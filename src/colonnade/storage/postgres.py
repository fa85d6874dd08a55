"""PostgreSQL for the scale-out setup: a psycopg 3 connection pool and ordered migrations.

Every replica opens its own pool on the same database; schemas are Alembic's
(``colonnade.storage.migrations``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from colonnade.errors import StoreError

__all__ = ["is_postgres_url", "open_pool", "redact"]


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

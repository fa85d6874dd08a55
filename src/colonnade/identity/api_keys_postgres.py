"""API key rows in PostgreSQL: a key made on one replica works on every other at once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from colonnade.storage.migrations import ensure_schema
from colonnade.storage.postgres import open_pool

__all__ = ["PostgresKeyRows"]


class PostgresKeyRows:
    def __init__(self, url: str, *, pool_size: int = 4) -> None:
        ensure_schema(url, "identity")
        self._pool = open_pool(url, max_size=pool_size, name="api-keys")

    def _run(self, query: str, params: Any) -> list[dict[str, Any]]:
        with self._pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)
            return cur.fetchall() if cur.description else []

    def insert(self, row: dict[str, Any]) -> None:
        self._run(
            "INSERT INTO api_keys(id, name, tenant, roles, secret_hash, created_by, created_at,"
            " expires_at) VALUES (%(id)s, %(name)s, %(tenant)s, %(roles)s, %(secret_hash)s,"
            " %(created_by)s, %(created_at)s, %(expires_at)s)",
            {**row, "roles": Jsonb(list(row["roles"]))},
        )

    def get(self, key_id: str) -> Mapping[str, Any] | None:
        rows = self._run("SELECT * FROM api_keys WHERE id = %s", (key_id,))
        return rows[0] if rows else None

    def list(self, tenant: str | None) -> list[Mapping[str, Any]]:
        if tenant is None:
            return list(self._run("SELECT * FROM api_keys ORDER BY created_at DESC", ()))
        return list(
            self._run(
                "SELECT * FROM api_keys WHERE tenant = %s ORDER BY created_at DESC", (tenant,)
            )
        )

    def revoke(self, key_id: str, at: datetime) -> None:
        self._run(
            "UPDATE api_keys SET revoked_at = coalesce(revoked_at, %s) WHERE id = %s",
            (at, key_id),
        )

    def touch(self, key_id: str, at: datetime) -> None:
        self._run("UPDATE api_keys SET last_used_at = %s WHERE id = %s", (at, key_id))

    def close(self) -> None:
        self._pool.close()

"""The usage ledger in PostgreSQL: every replica's model calls in one place.

Buffered and batched exactly as :class:`UsageLedger`; only the storage differs.
"""

from __future__ import annotations

from typing import Any

from psycopg.rows import dict_row

from colonnade.llm.accounting import _CALL_COLUMNS, LLMMetrics, UsageLedger
from colonnade.storage.migrations import ensure_schema
from colonnade.storage.postgres import open_pool

__all__ = ["PostgresUsageLedger"]


class PostgresUsageLedger(UsageLedger):
    def __init__(
        self, url: str, *, metrics: LLMMetrics | None = None, batch: int = 256, pool_size: int = 4
    ) -> None:
        super().__init__(url, metrics=metrics, batch=batch)  # type: ignore[arg-type]
        ensure_schema(url, "llm")
        self._pool = open_pool(url, max_size=pool_size, name="llm-ledger")

    def flush(self) -> None:
        with self._lock:
            calls, self._pending = self._pending, []
            shadows, self._shadows = self._shadows, []
            if not calls and not shadows:
                return
            with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
                if calls:
                    cur.executemany(
                        f"INSERT INTO llm_calls({_CALL_COLUMNS}) VALUES ({', '.join(['%s'] * 16)})",
                        [c.row() for c in calls],
                    )
                if shadows:
                    cur.executemany(
                        "INSERT INTO llm_shadow(at, request_id, route, primary_deployment,"
                        " candidate_deployment, primary_text, candidate_text, candidate_error,"
                        " primary_ms, candidate_ms) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                        shadows,
                    )

    def _rows(self, query: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
        self.flush()
        with self._pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)
            return cur.fetchall()

    def summary(self, *, since: float = 0.0) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT route, deployment, path, count(*) AS calls,"
            " count(*) FILTER (WHERE outcome <> 'ok') AS failures,"
            " sum(prompt_tokens)::bigint AS prompt_tokens,"
            " sum(completion_tokens)::bigint AS completion_tokens,"
            " round(sum(cost_usd)::numeric, 6)::float8 AS cost_usd,"
            " round(avg(latency_ms)::numeric, 1)::float8 AS avg_latency_ms"
            " FROM llm_calls WHERE at >= %s AND shadow = 0 GROUP BY route, deployment, path"
            " ORDER BY route, deployment",
            (since,),
        )

    def calls(self, *, limit: int = 100) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM llm_calls ORDER BY id DESC LIMIT %s", (limit,))

    def shadows(self, *, limit: int = 100) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM llm_shadow ORDER BY id DESC LIMIT %s", (limit,))

    def close(self) -> None:
        self.flush()
        self._pool.close()

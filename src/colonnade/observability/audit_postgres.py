"""The audit chain's rows in PostgreSQL, one chain for every replica.

``audit_head`` is a single row holding the chain's last sequence number and hash.
Extending the chain selects it ``FOR UPDATE``: a replica appending waits for the
one before it to commit, then links to the hash that one stored, so concurrent
writers from any number of processes keep one verifiable chain.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from colonnade.observability.audit_storage import AuditRow, Linker
from colonnade.storage.migrations import ensure_schema
from colonnade.storage.postgres import open_pool

__all__ = ["PostgresAuditStorage"]


_COLUMNS = "seq, at, tenant, action, record, prev_hash, hash"


def _row(r: tuple[Any, ...]) -> AuditRow:
    at = r[1]
    return AuditRow(
        int(r[0]),
        at.isoformat(timespec="milliseconds") if isinstance(at, datetime) else str(at),
        r[2],
        r[3],
        r[4],
        r[5],
        r[6],
    )


class PostgresAuditStorage:
    def __init__(self, url: str, *, pool_size: int = 4) -> None:
        ensure_schema(url, "audit")
        self._pool = open_pool(url, max_size=pool_size, name="audit")

    def extend(self, link: Linker) -> int:
        with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            head = cur.execute("SELECT seq, hash FROM audit_head FOR UPDATE").fetchone()
            assert head is not None
            rows = link(int(head[0]), str(head[1]))
            if not rows:
                return 0
            cur.executemany(
                f"INSERT INTO audit_log({_COLUMNS}) VALUES (%s,%s,%s,%s,%s,%s,%s)",
                [
                    (
                        r.seq,
                        datetime.fromisoformat(r.at),
                        r.tenant,
                        r.action,
                        r.record,
                        r.prev_hash,
                        r.hash,
                    )
                    for r in rows
                ],
            )
            cur.execute("UPDATE audit_head SET seq = %s, hash = %s", (rows[-1].seq, rows[-1].hash))
        return len(rows)

    def rows(
        self,
        *,
        tenant: str | None = None,
        since: datetime | None = None,
        action: str | None = None,
        limit: int | None = None,
    ) -> Iterator[AuditRow]:
        clauses: list[str] = []
        params: list[Any] = []
        for column, value in (("tenant", tenant), ("action", action)):
            if value is not None:
                clauses.append(f"{column} = %s")
                params.append(value)
        if since is not None:
            clauses.append("at >= %s")
            params.append(since)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        tail = f" LIMIT {int(limit)}" if limit else ""
        # a server-side cursor streams a long chain instead of loading it whole
        with (
            self._pool.connection() as conn,
            conn.transaction(),
            conn.cursor(name="audit_rows") as cur,
        ):
            cur.itersize = 2000
            cur.execute(f"SELECT {_COLUMNS} FROM audit_log {where} ORDER BY seq{tail}", params)
            for r in cur:
                yield _row(r)

    def anchor(self) -> tuple[int, str]:
        with self._pool.connection() as conn:
            row = conn.execute("SELECT anchor_seq, anchor_hash FROM audit_head").fetchone()
        assert row is not None
        return int(row[0]), str(row[1])

    def trim(self, before: datetime) -> int:
        with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            cur.execute("SELECT 1 FROM audit_head FOR UPDATE")
            last = cur.execute(
                "SELECT seq, hash FROM audit_log WHERE at < %s ORDER BY seq DESC LIMIT 1",
                (before,),
            ).fetchone()
            if last is None:
                return 0
            cur.execute("DELETE FROM audit_log WHERE seq <= %s", (last[0],))
            n = cur.rowcount
            cur.execute(
                "UPDATE audit_head SET anchor_seq = %s, anchor_hash = %s", (last[0], last[1])
            )
        return int(n)

    def close(self) -> None:
        self._pool.close()

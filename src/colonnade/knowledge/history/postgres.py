"""The ingest history in PostgreSQL: every replica and worker writes to and reads one table."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from colonnade.knowledge.history import FailedEntry, IngestRecord
from colonnade.storage.migrations import ensure_schema
from colonnade.storage.postgres import open_pool

__all__ = ["PostgresIngestHistory"]


def _record(row: dict[str, Any]) -> IngestRecord:
    return IngestRecord(
        id=row["id"],
        tenant=row["tenant"],
        collection=row["collection"],
        actor=row["actor"],
        kind=row["kind"],
        job_id=row["job_id"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        added=row["added"],
        updated=row["updated"],
        skipped=row["skipped"],
        deleted=row["deleted"],
        failed=row["failed"],
        failures=[FailedEntry(**f) for f in row["failures"]],
    )


class PostgresIngestHistory:
    def __init__(self, url: str, *, pool_size: int = 4) -> None:
        ensure_schema(url, "ingestions")
        self._pool = open_pool(url, max_size=pool_size, name="ingest-history")

    def add(self, record: IngestRecord) -> None:
        row = {**asdict(record), "failures": Jsonb([asdict(f) for f in record.failures])}
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO ingest_history (id, tenant, collection, actor, kind, job_id,"
                " started_at, finished_at, added, updated, skipped, deleted, failed, failures)"
                " VALUES (%(id)s, %(tenant)s, %(collection)s, %(actor)s, %(kind)s, %(job_id)s,"
                " %(started_at)s, %(finished_at)s, %(added)s, %(updated)s, %(skipped)s,"
                " %(deleted)s, %(failed)s, %(failures)s)",
                row,
            )

    def recent(
        self, tenant: str, *, collection: str | None = None, limit: int = 50
    ) -> list[IngestRecord]:
        with self._pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(
                "SELECT * FROM ingest_history WHERE tenant = %s"
                " AND (%s::text IS NULL OR collection = %s)"
                " ORDER BY finished_at DESC, seq DESC LIMIT %s",
                (tenant, collection, collection, limit),
            )
            return [_record(r) for r in cur.fetchall()]

    def close(self) -> None:
        self._pool.close()

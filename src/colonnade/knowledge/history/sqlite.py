"""The ingest history in the embedded SQLite file (schema: the ``ingestions`` migrations)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from colonnade.knowledge.history import FailedEntry, IngestRecord
from colonnade.storage import ConnectionPerThread
from colonnade.storage.migrations import ensure_schema

__all__ = ["SQLiteIngestHistory"]


def _at(value: datetime) -> str:
    # a fixed width keeps the text in time order
    return value.isoformat(timespec="microseconds")


def _record(row: sqlite3.Row) -> IngestRecord:
    return IngestRecord(
        id=row["id"],
        tenant=row["tenant"],
        collection=row["collection"],
        actor=row["actor"],
        kind=row["kind"],
        job_id=row["job_id"],
        started_at=datetime.fromisoformat(row["started_at"]),
        finished_at=datetime.fromisoformat(row["finished_at"]),
        added=row["added"],
        updated=row["updated"],
        skipped=row["skipped"],
        deleted=row["deleted"],
        failed=row["failed"],
        failures=[FailedEntry(**f) for f in json.loads(row["failures"])],
    )


class SQLiteIngestHistory:
    def __init__(self, path: Path) -> None:
        ensure_schema(path, "ingestions")
        self._pool = ConnectionPerThread(path)

    def add(self, record: IngestRecord) -> None:
        self._pool.get().execute(
            "INSERT INTO ingest_history (id, tenant, collection, actor, kind, job_id,"
            " started_at, finished_at, added, updated, skipped, deleted, failed, failures)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.id,
                record.tenant,
                record.collection,
                record.actor,
                record.kind,
                record.job_id,
                _at(record.started_at),
                _at(record.finished_at),
                record.added,
                record.updated,
                record.skipped,
                record.deleted,
                record.failed,
                json.dumps([asdict(f) for f in record.failures]),
            ),
        )

    def recent(
        self, tenant: str, *, collection: str | None = None, limit: int = 50
    ) -> list[IngestRecord]:
        where, params = "tenant = ?", [tenant]
        if collection is not None:
            where += " AND collection = ?"
            params.append(collection)
        rows = self._pool.get().execute(
            f"SELECT * FROM ingest_history WHERE {where}"  # fixed fragments, values bound
            " ORDER BY finished_at DESC, seq DESC LIMIT ?",
            (*params, limit),
        )
        return [_record(r) for r in rows]

    def close(self) -> None:
        self._pool.close()

"""Ingest report history: a compact record of every finished ingestion, kept per tenant.

Every way in records one — an upload (``upload``), a queued job (``queue``), a re-ingest
(``reingest``) and ``colonnade ingest`` (``cli``) — so operators see what was ingested,
when, by whom and what failed, across sessions and replicas. A record keeps the counts and
at most :data:`MAX_FAILURES` failed files, each reason cut to :data:`MAX_MESSAGE` characters
(``failed`` still counts them all). Writing a record never fails an ingestion: a store
that cannot take it is logged.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol

from colonnade.knowledge.models import IngestReport

__all__ = [
    "MAX_FAILURES",
    "MAX_MESSAGE",
    "FailedEntry",
    "IngestHistory",
    "IngestKind",
    "IngestRecord",
    "record_report",
]

log = logging.getLogger(__name__)

IngestKind = Literal["upload", "queue", "reingest", "cli"]
MAX_FAILURES = 50
MAX_MESSAGE = 500


@dataclass(slots=True, frozen=True)
class FailedEntry:
    source_uri: str
    reason: str
    message: str


@dataclass(slots=True, frozen=True)
class IngestRecord:
    tenant: str
    collection: str
    actor: str
    kind: IngestKind
    started_at: datetime
    finished_at: datetime
    added: int = 0
    updated: int = 0
    skipped: int = 0
    deleted: int = 0
    failed: int = 0
    failures: list[FailedEntry] = field(default_factory=list)
    job_id: str | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @classmethod
    def of(
        cls,
        report: IngestReport,
        *,
        tenant: str,
        actor: str,
        kind: IngestKind,
        job_id: str | None = None,
        finished_at: datetime | None = None,
    ) -> IngestRecord:
        """The record of a finished run; it started ``report.seconds`` before it finished."""
        finished = finished_at or datetime.now(UTC)
        return cls(
            tenant=tenant,
            collection=report.collection,
            actor=actor,
            kind=kind,
            started_at=finished - timedelta(seconds=max(report.seconds, 0.0)),
            finished_at=finished,
            added=report.added,
            updated=report.updated,
            skipped=report.skipped,
            deleted=report.deleted,
            failed=len(report.failed),
            failures=[
                FailedEntry(f.source_uri[:MAX_MESSAGE], f.reason[:100], f.message[:MAX_MESSAGE])
                for f in report.failed[:MAX_FAILURES]
            ],
            job_id=job_id,
        )


class IngestHistory(Protocol):
    """Where finished ingestions are recorded; reads never cross tenants."""

    def add(self, record: IngestRecord) -> None: ...

    def recent(
        self, tenant: str, *, collection: str | None = None, limit: int = 50
    ) -> list[IngestRecord]:
        """The tenant's records, newest first."""
        ...

    def close(self) -> None: ...


def record_report(
    history: IngestHistory | None,
    report: IngestReport,
    *,
    tenant: str,
    actor: str,
    kind: IngestKind,
    job_id: str | None = None,
) -> None:
    """Record ``report``; a history that fails is logged, never raised."""
    if history is None:
        return
    try:
        history.add(IngestRecord.of(report, tenant=tenant, actor=actor, kind=kind, job_id=job_id))
    except Exception:
        log.exception("could not record the ingest report of %s", report.collection)

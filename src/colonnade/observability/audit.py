"""The audit trail: one append-only, hash-chained record per answer, completion and admin act.

Each record's hash is SHA-256 over the previous record's hash and the record's canonical
JSON, so changing, removing or reordering any record breaks every hash after it;
:meth:`AuditLog.verify` (``colonnade audit verify``) walks the chain. Retention removes
the oldest records and keeps the hash of the last one removed as the chain's anchor.

Records are buffered and written in batches (a background flush in the API, every 256
records, and at shutdown), so the request path pays for a list append, not a disk write.
Admin acts are written at once.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from colonnade.observability.audit_storage import (
    GENESIS,
    AuditRow,
    AuditStorage,
    SQLiteAuditStorage,
)

__all__ = ["GENESIS", "AuditLog", "Verification", "question_field"]


def _canonical(record: dict[str, Any]) -> str:
    return json.dumps(
        record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def _chain(prev: str, seq: int, canonical: str) -> str:
    return hashlib.sha256(f"{prev}\n{seq}\n{canonical}".encode()).hexdigest()


def question_field(text: str, policy: Literal["store", "hash", "omit"]) -> dict[str, str]:
    if policy == "store":
        return {"question": text}
    if policy == "hash":
        return {"question_sha256": hashlib.sha256(text.encode()).hexdigest()}
    return {}


@dataclass(slots=True, frozen=True)
class Verification:
    ok: bool
    records: int
    first_bad_seq: int | None = None
    reason: str = ""


class AuditLog:
    """The chain's logic over an :class:`AuditStorage` (SQLite file or PostgreSQL)."""

    def __init__(
        self,
        storage: Path | AuditStorage,
        *,
        retention: timedelta | None = None,
        batch: int = 256,
    ) -> None:
        self.storage: AuditStorage = (
            SQLiteAuditStorage(storage) if isinstance(storage, Path) else storage
        )
        self.retention = retention
        self.batch = batch
        self._pending: deque[dict[str, Any]] = deque()  # thread-safe appends and pops
        self._lock = threading.Lock()  # one flush in this process at a time

    def append(self, action: str, *, tenant: str, now: bool = False, **fields: Any) -> None:
        record = {
            "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "action": action,
            "tenant": tenant,
            **{k: v for k, v in fields.items() if v is not None},
        }
        self._pending.append(record)
        if now or len(self._pending) >= self.batch:
            self.flush()

    def flush(self) -> int:
        with self._lock:
            pending = []
            while self._pending:
                pending.append(self._pending.popleft())
            if not pending:
                return 0

            def link(seq: int, prev: str) -> list[AuditRow]:
                rows = []
                for record in pending:
                    seq += 1
                    canonical = _canonical(record)
                    digest = _chain(prev, seq, canonical)
                    rows.append(
                        AuditRow(
                            seq,
                            record["at"],
                            record["tenant"],
                            record["action"],
                            canonical,
                            prev,
                            digest,
                        )
                    )
                    prev = digest
                return rows

            return self.storage.extend(link)

    def records(
        self,
        *,
        tenant: str | None = None,
        since: datetime | None = None,
        action: str | None = None,
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Records oldest first, each with its ``seq`` and ``hash``."""
        self.flush()
        for row in self.storage.rows(tenant=tenant, since=since, action=action, limit=limit):
            yield {"seq": row.seq, **json.loads(row.record), "hash": row.hash}

    def verify(self) -> Verification:
        self.flush()
        expected_seq, prev = self.storage.anchor()
        n = 0
        for row in self.storage.rows():
            seq, record, prev_hash, digest = row.seq, row.record, row.prev_hash, row.hash
            n += 1
            expected_seq += 1
            if seq != expected_seq:
                return Verification(False, n, seq, f"record {expected_seq} is missing")
            if prev_hash != prev:
                return Verification(False, n, seq, "the link to the previous record is broken")
            if _chain(prev, seq, record) != digest:
                return Verification(False, n, seq, "the record was changed after it was written")
            prev = digest
        return Verification(True, n)

    def purge(self, now: datetime | None = None) -> int:
        """Remove records older than the retention; the last removed hash anchors the chain."""
        if self.retention is None:
            return 0
        self.flush()
        return self.storage.trim((now or datetime.now(UTC)) - self.retention)

    def close(self) -> None:
        self.flush()
        self.storage.close()


class Stopwatch:
    """Latency of one audited operation, in milliseconds."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    @property
    def ms(self) -> float:
        return round((time.perf_counter() - self.started) * 1000, 2)

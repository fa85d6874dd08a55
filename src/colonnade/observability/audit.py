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

from colonnade.storage import ConnectionPerThread, Migration, migrate, transaction

__all__ = ["AuditLog", "Verification", "question_field"]

GENESIS = "0" * 64
MIGRATIONS = [
    Migration(
        1,
        "hash-chained audit records",
        [
            """CREATE TABLE audit_log (
                seq INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                tenant TEXT NOT NULL,
                action TEXT NOT NULL,
                record TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL)""",
            "CREATE INDEX audit_tenant ON audit_log(tenant, seq)",
            "CREATE INDEX audit_at ON audit_log(at)",
            "CREATE TABLE audit_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ],
    )
]


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
    def __init__(self, path: Path, *, retention: timedelta | None = None, batch: int = 256) -> None:
        self._pool = ConnectionPerThread(path)
        migrate(self._pool.get(), "audit", MIGRATIONS)
        self.retention = retention
        self.batch = batch
        self._pending: deque[dict[str, Any]] = deque()  # thread-safe appends and pops
        self._lock = threading.Lock()  # one writer extends the chain at a time

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
            conn = self._pool.get()
            with transaction(conn):
                last = conn.execute(
                    "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
                ).fetchone()
                seq, prev = (
                    (int(last[0]), last[1])
                    if last
                    else (self._anchor_seq(conn), self._anchor(conn))
                )
                rows = []
                for record in pending:
                    seq += 1
                    canonical = _canonical(record)
                    digest = _chain(prev, seq, canonical)
                    rows.append(
                        (
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
                conn.executemany(
                    "INSERT INTO audit_log(seq, at, tenant, action, record, prev_hash, hash)"
                    " VALUES (?,?,?,?,?,?,?)",
                    rows,
                )
            return len(rows)

    @staticmethod
    def _anchor(conn: Any) -> str:
        row = conn.execute("SELECT value FROM audit_meta WHERE key = 'anchor_hash'").fetchone()
        return str(row[0]) if row else GENESIS

    @staticmethod
    def _anchor_seq(conn: Any) -> int:
        row = conn.execute("SELECT value FROM audit_meta WHERE key = 'anchor_seq'").fetchone()
        return int(row[0]) if row else 0

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
        clauses, params = [], []
        if tenant is not None:
            clauses.append("tenant = ?")
            params.append(tenant)
        if since is not None:
            clauses.append("at >= ?")
            params.append(since.isoformat())
        if action is not None:
            clauses.append("action = ?")
            params.append(action)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        tail = f" LIMIT {int(limit)}" if limit else ""
        for row in self._pool.get().execute(
            f"SELECT seq, record, hash FROM audit_log {where} ORDER BY seq{tail}", params
        ):
            yield {"seq": row[0], **json.loads(row[1]), "hash": row[2]}

    def verify(self) -> Verification:
        self.flush()
        conn = self._pool.get()
        prev, expected_seq = self._anchor(conn), self._anchor_seq(conn)
        n = 0
        for seq, record, prev_hash, digest in conn.execute(
            "SELECT seq, record, prev_hash, hash FROM audit_log ORDER BY seq"
        ):
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
        cutoff = ((now or datetime.now(UTC)) - self.retention).isoformat()
        conn = self._pool.get()
        with transaction(conn):
            last = conn.execute(
                "SELECT seq, hash FROM audit_log WHERE at < ? ORDER BY seq DESC LIMIT 1", (cutoff,)
            ).fetchone()
            if last is None:
                return 0
            n = conn.execute("DELETE FROM audit_log WHERE seq <= ?", (last[0],)).rowcount
            for key, value in (("anchor_seq", str(last[0])), ("anchor_hash", last[1])):
                conn.execute(
                    "INSERT INTO audit_meta(key, value) VALUES (?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )
        return int(n)

    def close(self) -> None:
        self.flush()
        self._pool.close()


class Stopwatch:
    """Latency of one audited operation, in milliseconds."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    @property
    def ms(self) -> float:
        return round((time.perf_counter() - self.started) * 1000, 2)

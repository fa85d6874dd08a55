"""The audit trail: one append-only, MAC-chained record per answer, completion and admin act.

Each record is sealed with a keyed MAC over every column and the previous record's MAC,
in one chain across the platform and one per tenant (``audit_chain.py`` holds the key and
the head kept outside the table). Changing, removing, reordering or re-sealing any record
breaks the chain; :meth:`AuditLog.verify` (``colonnade audit verify``) walks it, for the
platform or for one tenant without looking outside that tenant. Retention removes the
oldest records and moves the anchors in the head. Records written before the chain was
keyed (scheme 1, unkeyed SHA-256) stay verifiable as the chain's first part.

Records are buffered and written in batches (a background flush in the API, every 256
records, and at shutdown), so the request path pays for a list append, not a disk write.
Admin acts are written at once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import SecretStr

from colonnade.observability.audit_chain import (
    GENESIS,
    Head,
    TenantHead,
    load_head_from_table,
    row_mac,
)
from colonnade.observability.audit_sqlite import MIGRATIONS, SQLiteAuditStorage
from colonnade.observability.logging import get_logger
from colonnade.observability.ports import AuditStorage, Verification

__all__ = ["MIGRATIONS", "AuditLog", "Verification", "question_field"]

log = get_logger(__name__)

_KEYED = 2


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


class AuditLog:
    """The chain's rules over an :class:`AuditStorage` (a SQLite file given as a path)."""

    def __init__(
        self,
        storage: Path | AuditStorage,
        *,
        retention: timedelta | None = None,
        batch: int = 256,
        key: SecretStr | None = None,
        key_file: Path | None = None,
    ) -> None:
        self.storage: AuditStorage = (
            SQLiteAuditStorage(storage) if isinstance(storage, Path) else storage
        )
        self._key = self.storage.resolve_key(key, key_file)
        self.retention = retention
        self.batch = batch
        self._pending: deque[dict[str, Any]] = deque()  # thread-safe appends and pops
        self._lock = threading.Lock()  # one writer extends the chain at a time
        self._first: list[dict[str, Any]] = []

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

    def _mac(
        self,
        seq: int,
        tseq: int,
        at: str,
        tenant: str,
        action: str,
        record: str,
        prev: str,
        tprev: str,
    ) -> str:
        return row_mac(self._key, [_KEYED, seq, tseq, at, tenant, action, record, prev, tprev])

    def _head(self, conn: Any, *, rebuild: bool = False) -> Head:
        """The sealed head; for a trail not yet keyed, one built from its last unkeyed row.

        A missing or altered head is an error for ``verify``; a writer (``rebuild``) builds
        one from the table so that the service goes on, and seals a ``audit.head_rebuilt``
        record into the chain, which ``verify`` reports from then on.
        """
        try:
            head = self.storage.load_head(conn, self._key)
        except ValueError:
            if not rebuild:
                raise
            head = None
        if head is not None:
            return head
        keyed = conn.execute("SELECT 1 FROM audit_log WHERE scheme = ? LIMIT 1", (_KEYED,))
        if keyed.fetchone() is not None:
            if not rebuild:
                raise ValueError("the chain's head file is missing")
            return self._rebuilt(conn)
        last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        anchor = (self._legacy_anchor_seq(conn), self._legacy_anchor(conn))
        head = Head(anchor_seq=anchor[0], anchor_mac=anchor[1])
        head.seq, head.mac = (int(last[0]), str(last[1])) if last else anchor
        return head

    def _rebuilt(self, conn: Any) -> Head:
        log.error("audit_head_rebuilt", where=self.storage.where)
        head = load_head_from_table(conn, _KEYED)
        self._first.append(
            {
                "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "action": REBUILT,
                "tenant": "*",
                "after_seq": head.seq,
            }
        )
        return head

    def flush(self) -> int:
        with self._lock:
            pending = []
            while self._pending:
                pending.append(self._pending.popleft())
            if not pending:
                return 0
            with self.storage.writing() as conn:
                head = self._head(conn, rebuild=True)
                pending[:0], self._first = self._first, []  # a rebuilt head's record first
                rows = []
                for record in pending:
                    tenant, at, action = record["tenant"], record["at"], record["action"]
                    th = head.tenants.setdefault(tenant, TenantHead())
                    seq, tseq = head.seq + 1, th.tseq + 1
                    canonical = _canonical(record)
                    mac = self._mac(seq, tseq, at, tenant, action, canonical, head.mac, th.mac)
                    rows.append(
                        (seq, at, tenant, action, canonical, head.mac, mac, _KEYED, tseq, th.mac)
                    )
                    head.seq, head.mac, th.tseq, th.mac = seq, mac, tseq, mac
                conn.executemany(
                    "INSERT INTO audit_log(seq, at, tenant, action, record, prev_hash, hash,"
                    " scheme, tseq, tprev) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    rows,
                )
                self.storage.save_head(conn, self._key, head)
            return len(rows)

    @staticmethod
    def _legacy_anchor(conn: Any) -> str:
        row = conn.execute("SELECT value FROM audit_meta WHERE key = 'anchor_hash'").fetchone()
        return str(row[0]) if row else GENESIS

    @staticmethod
    def _legacy_anchor_seq(conn: Any) -> int:
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
        """Records oldest first, each with its ``seq`` and ``hash`` (its MAC).

        For one tenant, ``seq`` is the tenant's own sequence: its numbers have no gaps where
        other tenants' records fall between them.
        """
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
        number = "tseq" if tenant is not None else "seq"
        with self.storage.reading() as conn:
            rows = conn.execute(
                f"SELECT {number}, record, hash FROM audit_log {where} ORDER BY seq{tail}", params
            ).fetchall()
        for row in rows:
            yield {"seq": row[0], **json.loads(row[1]), "hash": row[2]}

    def verify(self, tenant: str | None = None) -> Verification:
        """Walk the whole chain, or only ``tenant``'s (its count and sequence numbers)."""
        self.flush()
        with self.storage.reading() as conn:  # the head and the rows as of one moment
            try:
                head = self._head(conn)
            except ValueError as exc:
                return Verification(False, 0, None, str(exc))
            if tenant is not None:
                return self._verify_tenant(conn, head, tenant)
            return self._verify_all(conn, head)

    def _check_row(self, row: Any, prev: str, tprev: str) -> str:
        seq, at, tenant, action, record, prev_hash, digest, scheme, tseq, stored_tprev = row
        if prev_hash != prev:
            return "the link to the previous record is broken"
        if scheme == _KEYED:
            if stored_tprev != tprev:
                return "the link to the tenant's previous record is broken"
            expected = self._mac(seq, tseq, at, tenant, action, record, prev_hash, stored_tprev)
            if not hmac.compare_digest(expected, digest):
                return "the record was changed after it was written"
            data = json.loads(record)
            if (data.get("at"), data.get("tenant"), data.get("action")) != (at, tenant, action):
                return "the record's columns do not match its content"
        elif _chain(prev, seq, record) != digest:
            return "the record was changed after it was written"
        return ""

    def _verify_all(self, conn: Any, head: Head) -> Verification:
        prev, expected_seq = head.anchor_mac, head.anchor_seq
        tenants = {t: (h.anchor_tseq, h.anchor_mac) for t, h in head.tenants.items()}
        keyed_seen = False
        n = 0
        for row in conn.execute(f"SELECT {_COLUMNS} FROM audit_log ORDER BY seq"):
            seq, tenant, scheme, tseq = row[0], row[2], row[7], row[8]
            n += 1
            expected_seq += 1
            if seq != expected_seq:
                return Verification(False, n, seq, f"record {expected_seq} is missing")
            if scheme != _KEYED and keyed_seen:
                return Verification(False, n, seq, "an unkeyed record follows keyed ones")
            tprev = GENESIS
            if scheme == _KEYED:
                keyed_seen = True
                last_tseq, tprev = tenants.get(tenant, (0, GENESIS))
                if tseq != last_tseq + 1:
                    return Verification(False, n, seq, "a record of its tenant is missing")
                tenants[tenant] = (tseq, row[6])
            reason = self._check_row(row, prev, tprev)
            if reason:
                return Verification(False, n, seq, reason)
            prev = row[6]
        rebuilt = conn.execute(
            "SELECT seq FROM audit_log WHERE action = ? ORDER BY seq DESC LIMIT 1", (REBUILT,)
        ).fetchone()
        if rebuilt is not None:
            return Verification(
                False,
                n,
                rebuilt[0],
                "the chain's head was lost and rebuilt from the table here: records removed "
                "before it cannot be ruled out",
            )
        if (expected_seq, prev) != (head.seq, head.mac):
            return Verification(
                False,
                n,
                expected_seq + 1,
                "the newest records were removed (the head is past them)",
            )
        return Verification(True, n)

    def _verify_tenant(self, conn: Any, head: Head, tenant: str) -> Verification:
        th = head.tenants.get(tenant, TenantHead())
        tprev, expected = th.anchor_mac, th.anchor_tseq
        n = 0
        for row in conn.execute(
            f"SELECT {_COLUMNS} FROM audit_log WHERE tenant = ? AND scheme = ? AND tseq > ?"
            " ORDER BY tseq",
            (tenant, _KEYED, th.anchor_tseq),
        ):
            tseq = row[8]
            n += 1
            expected += 1
            if tseq != expected:
                return Verification(False, n, tseq, f"record {expected} is missing")
            reason = self._check_row(row, row[5], tprev)  # the global link is not the tenant's
            if reason:
                return Verification(False, n, tseq, reason)
            tprev = row[6]
        if (expected, tprev) != (th.tseq, th.mac):
            return Verification(
                False, n, expected + 1, "the newest records were removed (the head is past them)"
            )
        return Verification(True, n)

    def purge(self, now: datetime | None = None) -> int:
        """Remove records older than the retention; the head's anchors move past them."""
        if self.retention is None:
            return 0
        self.flush()
        cutoff = ((now or datetime.now(UTC)) - self.retention).isoformat()
        with self.storage.writing() as conn:
            last = conn.execute(
                "SELECT seq, hash FROM audit_log WHERE at < ? ORDER BY seq DESC LIMIT 1", (cutoff,)
            ).fetchone()
            if last is None:
                return 0
            head = self._head(conn)
            for tenant, tseq, mac in conn.execute(
                "SELECT tenant, tseq, hash FROM audit_log a WHERE seq = (SELECT max(seq) FROM"
                " audit_log b WHERE b.tenant = a.tenant AND b.seq <= ? AND b.scheme = ?)",
                (last[0], _KEYED),
            ).fetchall():
                th = head.tenants.setdefault(tenant, TenantHead())
                th.anchor_tseq, th.anchor_mac = int(tseq or 0), str(mac)
            n = conn.execute("DELETE FROM audit_log WHERE seq <= ?", (last[0],)).rowcount
            head.anchor_seq, head.anchor_mac = int(last[0]), str(last[1])
            for key, value in (("anchor_seq", str(last[0])), ("anchor_hash", last[1])):
                conn.execute(
                    "INSERT INTO audit_meta(key, value) VALUES (?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )
            self.storage.save_head(conn, self._key, head)
        return int(n)

    def close(self) -> None:
        self.flush()
        self.storage.close()


REBUILT = "audit.head_rebuilt"
_COLUMNS = "seq, at, tenant, action, record, prev_hash, hash, scheme, tseq, tprev"


class Stopwatch:
    """Latency of one audited operation, in milliseconds."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    @property
    def ms(self) -> float:
        return round((time.perf_counter() - self.started) * 1000, 2)

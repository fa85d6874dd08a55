"""Human approval of high-risk tool calls, stored in SQLite beside the other stores.

A high-risk call pauses as a pending approval bound to the tool, the tenant, the
requester and the SHA-256 of the exact arguments. Someone else holding ``approve_tools``
approves or denies it; the requester's repeated call then consumes it, once, before it
expires. Consuming is one conditional ``UPDATE``: two callers racing for the same
approval cannot both win, and anything that does not match exactly is denied.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from colonnade.errors import Conflict, Forbidden, NotFound
from colonnade.identity import Principal
from colonnade.storage import ConnectionPerThread, Migration, migrate, transaction

__all__ = ["Approval", "ApprovalStore", "arguments_hash"]

Status = Literal["pending", "approved", "denied", "used"]

MIGRATIONS = [
    Migration(
        1,
        "pending approvals of high-risk tool calls",
        [
            """CREATE TABLE tool_approvals (
                id TEXT PRIMARY KEY,
                tenant TEXT NOT NULL,
                tool TEXT NOT NULL,
                arguments TEXT NOT NULL,
                arguments_sha256 TEXT NOT NULL,
                requester TEXT NOT NULL,
                created_at REAL NOT NULL,
                expires_at REAL NOT NULL,
                status TEXT NOT NULL,
                decided_by TEXT,
                decided_at REAL,
                used_at REAL)""",
            "CREATE INDEX tool_approvals_tenant ON tool_approvals(tenant, status, created_at)",
        ],
    )
]


def arguments_hash(arguments: Mapping[str, Any]) -> str:
    """SHA-256 of the arguments' canonical JSON: keys sorted, no spaces, UTF-8."""
    canonical = json.dumps(arguments, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(slots=True, frozen=True)
class Approval:
    id: str
    tenant: str
    tool: str
    arguments: dict[str, Any]
    arguments_sha256: str
    requester: str
    created_at: float
    expires_at: float
    status: Status
    decided_by: str | None = None
    decided_at: float | None = None
    used_at: float | None = None

    def public(self, now: float) -> dict[str, Any]:
        out = asdict(self)
        if self.status in ("pending", "approved") and now >= self.expires_at:
            out["status"] = "expired"
        return out


def _row(row: sqlite3.Row) -> Approval:
    d = dict(row)
    d["arguments"] = json.loads(d["arguments"])
    return Approval(**d)


class ApprovalStore:
    def __init__(
        self, path: Path, *, ttl_s: float = 900.0, clock: Callable[[], float] = time.time
    ) -> None:
        self._pool = ConnectionPerThread(path)
        migrate(self._pool.get(), "tool_approvals", MIGRATIONS)
        self.ttl_s = ttl_s
        self.clock = clock

    def request(self, principal: Principal, tool: str, arguments: Mapping[str, Any]) -> Approval:
        now = self.clock()
        approval = Approval(
            id=f"apr_{secrets.token_hex(12)}",
            tenant=principal.tenant,
            tool=tool,
            arguments=dict(arguments),
            arguments_sha256=arguments_hash(arguments),
            requester=principal.user,
            created_at=now,
            expires_at=now + self.ttl_s,
            status="pending",
        )
        conn = self._pool.get()
        with transaction(conn):
            conn.execute(
                "INSERT INTO tool_approvals(id, tenant, tool, arguments, arguments_sha256,"
                " requester, created_at, expires_at, status) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    approval.id,
                    approval.tenant,
                    tool,
                    json.dumps(approval.arguments, sort_keys=True),
                    approval.arguments_sha256,
                    approval.requester,
                    now,
                    approval.expires_at,
                    "pending",
                ),
            )
        return approval

    def get(self, tenant: str, approval_id: str) -> Approval:
        row = (
            self._pool.get()
            .execute(
                "SELECT * FROM tool_approvals WHERE id = ? AND tenant = ?", (approval_id, tenant)
            )
            .fetchone()
        )
        if row is None:
            raise NotFound(f"no approval {approval_id!r} in your tenant")
        return _row(row)

    def list(self, tenant: str, *, status: str | None = None, limit: int = 100) -> list[Approval]:
        now = self.clock()
        sql = "SELECT * FROM tool_approvals WHERE tenant = ?"
        params: list[Any] = [tenant]
        if status == "expired":
            sql += " AND status IN ('pending', 'approved') AND expires_at <= ?"
            params.append(now)
        elif status in ("pending", "approved"):
            sql += " AND status = ? AND expires_at > ?"
            params += [status, now]
        elif status is not None:
            sql += " AND status = ?"
            params.append(status)
        sql += " ORDER BY created_at DESC LIMIT ?"
        params.append(limit)
        return [_row(r) for r in self._pool.get().execute(sql, params)]

    def decide(self, approver: Principal, approval_id: str, *, approve: bool) -> Approval:
        """Approve or deny a pending request: someone holding approve_tools, not the requester."""
        if not approver.can("approve_tools"):
            raise Forbidden(
                "approving tool calls needs the approve_tools permission", code="not_an_approver"
            )
        current = self.get(approver.tenant, approval_id)
        if current.requester == approver.user:
            raise Forbidden(
                "you asked for this call: someone else holding approve_tools must decide",
                code="self_approval",
            )
        now = self.clock()
        conn = self._pool.get()
        with transaction(conn):
            n = conn.execute(
                "UPDATE tool_approvals SET status = ?, decided_by = ?, decided_at = ?"
                " WHERE id = ? AND tenant = ? AND status = 'pending' AND expires_at > ?"
                " AND requester <> ?",
                (
                    "approved" if approve else "denied",
                    approver.user,
                    now,
                    approval_id,
                    approver.tenant,
                    now,
                    approver.user,
                ),
            ).rowcount
        if n != 1:
            latest = self.get(approver.tenant, approval_id)
            state = "expired" if now >= latest.expires_at else latest.status
            raise Conflict(f"approval {approval_id} is {state}, not pending: it cannot be decided")
        return self.get(approver.tenant, approval_id)

    def consume(
        self, principal: Principal, approval_id: str, tool: str, arguments: Mapping[str, Any]
    ) -> Approval:
        """Use an approval for exactly this call, once; anything that does not match is denied."""
        digest = arguments_hash(arguments)
        now = self.clock()
        conn = self._pool.get()
        with transaction(conn):
            n = conn.execute(
                "UPDATE tool_approvals SET status = 'used', used_at = ?"
                " WHERE id = ? AND tenant = ? AND status = 'approved' AND tool = ?"
                " AND arguments_sha256 = ? AND requester = ? AND expires_at > ?"
                " AND decided_by IS NOT NULL AND decided_by <> requester",
                (now, approval_id, principal.tenant, tool, digest, principal.user, now),
            ).rowcount
        if n == 1:
            return self.get(principal.tenant, approval_id)
        raise Forbidden(
            self._why(principal, approval_id, tool, digest, now), code="approval_denied"
        )

    def _why(
        self, principal: Principal, approval_id: str, tool: str, digest: str, now: float
    ) -> str:
        try:
            a = self.get(principal.tenant, approval_id)
        except NotFound:
            return f"no approval {approval_id!r} in your tenant"
        if a.tool != tool:
            return f"approval {approval_id} is for tool {a.tool}, not {tool}"
        if a.requester != principal.user:
            return f"approval {approval_id} was asked for by someone else"
        if a.arguments_sha256 != digest:
            return f"the arguments differ from the ones approved in {approval_id}: ask again"
        if a.status == "used":
            return f"approval {approval_id} was already used: ask again"
        if a.status == "denied":
            return f"approval {approval_id} was denied by {a.decided_by}"
        if now >= a.expires_at:
            return f"approval {approval_id} expired: ask again"
        if a.status == "pending":
            return f"approval {approval_id} is still waiting for an approver"
        return f"approval {approval_id} cannot be checked"

    def close(self) -> None:
        self._pool.close()

"""API keys for services and scripts: shown once, stored as a hash, scoped, revocable.

A key reads ``col_<id>_<secret>``: the prefix makes it recognisable (secret scanners,
logs), the id finds its row, and only the SHA-256 of the secret is stored. The secret is
256 random bits, so a fast hash is the right one (as for GitHub's and Stripe's keys): no
password-style stretching is needed to resist guessing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from colonnade.errors import InvalidInput, NotFound, Unauthorized
from colonnade.storage import ConnectionPerThread, Migration
from colonnade.storage.migrations import ensure_schema

__all__ = ["KEY_PREFIX", "ApiKey", "ApiKeyStore", "KeyRows", "SQLiteKeyRows"]

KEY_PREFIX = "col_"
_TOKEN = re.compile(r"^col_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
_NAME = re.compile(r"^[\w .@:/-]{1,100}$")

MIGRATIONS = [
    Migration(
        1,
        "API keys: hash only, tenant and roles, expiry and revocation",
        [
            """CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                tenant TEXT NOT NULL,
                roles TEXT NOT NULL,
                secret_hash TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                expires_at TEXT,
                revoked_at TEXT,
                last_used_at TEXT)""",
            "CREATE INDEX api_keys_tenant ON api_keys(tenant, created_at)",
        ],
    )
]


@dataclass(slots=True, frozen=True)
class ApiKey:
    id: str
    name: str
    tenant: str
    roles: tuple[str, ...]
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    @property
    def prefix(self) -> str:
        """What a person sees of the key after creation, enough to recognise it."""
        return f"{KEY_PREFIX}{self.id}_…"

    def state(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"


def _dt(value: str | datetime | None) -> datetime | None:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value) if value else None


def _key(row: Mapping[str, Any]) -> ApiKey:
    roles = row["roles"]
    created = _dt(row["created_at"])
    assert created is not None
    return ApiKey(
        id=row["id"],
        name=row["name"],
        tenant=row["tenant"],
        roles=tuple(json.loads(roles) if isinstance(roles, str) else roles),
        created_by=row["created_by"],
        created_at=created,
        expires_at=_dt(row["expires_at"]),
        revoked_at=_dt(row["revoked_at"]),
        last_used_at=_dt(row["last_used_at"]),
    )


class KeyRows(Protocol):
    """Where key rows live (SQLite file or PostgreSQL); the rules stay in ApiKeyStore."""

    def insert(self, row: dict[str, Any]) -> None: ...
    def get(self, key_id: str) -> Mapping[str, Any] | None: ...
    def list(self, tenant: str | None) -> list[Mapping[str, Any]]: ...
    def revoke(self, key_id: str, at: datetime) -> None: ...
    def touch(self, key_id: str, at: datetime) -> None: ...
    def close(self) -> None: ...


class SQLiteKeyRows:
    def __init__(self, path: Path) -> None:
        ensure_schema(path, "identity")
        self._pool = ConnectionPerThread(path)

    def insert(self, row: dict[str, Any]) -> None:
        values = {
            **row,
            "roles": json.dumps(row["roles"]),
            "created_at": row["created_at"].isoformat(),
            "expires_at": row["expires_at"].isoformat() if row["expires_at"] else None,
        }
        self._pool.get().execute(
            "INSERT INTO api_keys(id, name, tenant, roles, secret_hash, created_by, created_at,"
            " expires_at) VALUES (:id, :name, :tenant, :roles, :secret_hash, :created_by,"
            " :created_at, :expires_at)",
            values,
        )

    def get(self, key_id: str) -> Mapping[str, Any] | None:
        row: Mapping[str, Any] | None = (
            self._pool.get().execute("SELECT * FROM api_keys WHERE id = ?", (key_id,)).fetchone()
        )
        return row

    def list(self, tenant: str | None) -> list[Mapping[str, Any]]:
        where, params = ("WHERE tenant = ?", (tenant,)) if tenant is not None else ("", ())
        return list(
            self._pool.get()
            .execute(f"SELECT * FROM api_keys {where} ORDER BY created_at DESC", params)
            .fetchall()
        )

    def revoke(self, key_id: str, at: datetime) -> None:
        self._pool.get().execute(
            "UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?",
            (at.isoformat(), key_id),
        )

    def touch(self, key_id: str, at: datetime) -> None:
        self._pool.get().execute(
            "UPDATE api_keys SET last_used_at = ? WHERE id = ?", (at.isoformat(), key_id)
        )

    def close(self) -> None:
        self._pool.close()


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def looks_like_managed_key(token: str) -> bool:
    return _TOKEN.match(token) is not None


class ApiKeyStore:
    def __init__(self, rows: Path | KeyRows) -> None:
        self.rows: KeyRows = SQLiteKeyRows(rows) if isinstance(rows, Path) else rows

    def create(
        self,
        name: str,
        *,
        tenant: str,
        roles: tuple[str, ...],
        created_by: str,
        expires_at: datetime | None = None,
    ) -> tuple[ApiKey, str]:
        """The new key and its token; the token is not kept and cannot be shown again."""
        if not _NAME.match(name):
            raise InvalidInput("a key's name is 1-100 letters, digits, spaces or .@:/-_")
        if not roles:
            raise InvalidInput("give a key at least one role, e.g. reader")
        now = datetime.now(UTC)
        if expires_at is not None:
            if expires_at.tzinfo is None:
                expires_at = expires_at.replace(tzinfo=UTC)
            if expires_at <= now:
                raise InvalidInput("expires_at is in the past: give a future time or none")
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        self.rows.insert(
            {
                "id": key_id,
                "name": name,
                "tenant": tenant,
                "roles": list(roles),
                "secret_hash": _hash(secret),
                "created_by": created_by,
                "created_at": now,
                "expires_at": expires_at,
            }
        )
        key = self.get(key_id, tenant=tenant)
        assert key is not None
        return key, f"{KEY_PREFIX}{key_id}_{secret}"

    def get(self, key_id: str, *, tenant: str | None) -> ApiKey | None:
        row = self.rows.get(key_id)
        if row is None or (tenant is not None and row["tenant"] != tenant):
            return None
        return _key(row)

    def list(self, *, tenant: str | None) -> list[ApiKey]:
        """Keys of one tenant (every tenant with None), newest first; never their secrets."""
        return [_key(r) for r in self.rows.list(tenant)]

    def revoke(self, key_id: str, *, tenant: str | None) -> ApiKey:
        key = self.get(key_id, tenant=tenant)
        if key is None:
            raise NotFound(f"API key {key_id} not found: `colonnade keys list` shows the ids")
        self.rows.revoke(key_id, datetime.now(UTC))
        revoked = self.get(key_id, tenant=tenant)
        assert revoked is not None
        return revoked

    def authenticate(self, token: str) -> ApiKey:
        """The key a token belongs to, if it is active; Unauthorized says why not."""
        match = _TOKEN.match(token)
        row = self.rows.get(match[1]) if match else None
        # compare even when no row matched, so timing does not tell ids apart
        expected = row["secret_hash"] if row is not None else _hash("")
        presented = _hash(match[2]) if match else _hash("x")
        if not hmac.compare_digest(expected, presented) or row is None:
            raise Unauthorized("the API key is not valid: check it was copied whole")
        key = _key(row)
        now = datetime.now(UTC)
        state = key.state(now)
        if state != "active":
            raise Unauthorized(f"the API key {key.prefix} is {state}: ask an admin for a new one")
        if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 300:
            self.rows.touch(key.id, now)  # at most one write per key every five minutes
        return key

    def close(self) -> None:
        self.rows.close()

"""What keeps the audit trail honest: the MAC key, the row MAC and the head kept outside
the table.

Each record is sealed with HMAC-SHA256 over every column (global and per-tenant sequence,
time, tenant, action, the record, both previous MACs). The key never lives in the database:
``security.audit.key`` (an environment secret), ``security.audit.key_file`` (Key Vault
through the Secrets Store CSI mount on Kubernetes), or else a random key generated on first
use into ``audit.key`` (mode 0600) next to the database file. A writer who can change the
database but not read the key can neither forge a record nor re-seal the chain after an
edit.

The head (the last sequence numbers and MACs, globally and per tenant, and the anchors left
by retention) is sealed with the same key and rewritten in the transaction that extends the
chain: in a file beside a SQLite database, in a row of its own on PostgreSQL. Deleting the
newest records leaves the head pointing past the end of the table, which ``verify`` reports.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from colonnade.errors import ConfigurationError

__all__ = [
    "GENESIS",
    "Head",
    "TenantHead",
    "load_head",
    "load_head_from_table",
    "open_head",
    "resolve_key",
    "row_mac",
    "save_head",
    "seal_head",
]

GENESIS = "0" * 64


def resolve_key(
    db_path: Path | None, key: SecretStr | None = None, key_file: Path | None = None
) -> bytes:
    """The MAC key: configured, mounted, or generated beside (never inside) a database file.

    A shared database (``db_path`` None) needs the key given, the same to every replica.
    """
    if key is not None and key.get_secret_value():
        return key.get_secret_value().encode()
    if key_file is not None:
        try:
            text = key_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigurationError(
                f"security.audit.key_file {key_file} cannot be read ({exc}): mount the "
                "audit key there or unset it"
            ) from exc
        if not text:
            raise ConfigurationError(f"security.audit.key_file {key_file} is empty")
        return text.encode()
    if db_path is None:
        raise ConfigurationError(
            "the audit chain on PostgreSQL is shared by every replica: set "
            "COLONNADE_SECURITY__AUDIT__KEY or security.audit.key_file to the same key on each"
        )
    return _generated(db_path.parent / "audit.key")


def _generated(path: Path) -> bytes:
    """A random key in ``path`` (mode 0600), made once; O_EXCL makes workers agree on one."""
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as fh:
        fh.write(key + b"\n")
    return key


def row_mac(key: bytes, columns: list[Any]) -> str:
    """HMAC-SHA256 over every column of one row, in a fixed, unambiguous encoding."""
    message = json.dumps(columns, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


@dataclass(slots=True)
class TenantHead:
    tseq: int = 0
    mac: str = GENESIS
    anchor_tseq: int = 0
    anchor_mac: str = GENESIS


@dataclass(slots=True)
class Head:
    seq: int = 0
    mac: str = GENESIS
    anchor_seq: int = 0
    anchor_mac: str = GENESIS
    tenants: dict[str, TenantHead] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "mac": self.mac,
            "anchor_seq": self.anchor_seq,
            "anchor_mac": self.anchor_mac,
            "tenants": {
                t: [h.tseq, h.mac, h.anchor_tseq, h.anchor_mac]
                for t, h in sorted(self.tenants.items())
            },
        }


def _seal(key: bytes, body: dict[str, Any]) -> str:
    return row_mac(key, ["head", body])


def open_head(text: str, key: bytes) -> Head:
    """A sealed head read back; ValueError when it was altered or is not ours."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValueError("the chain's head is not valid JSON") from exc
    if not isinstance(data, dict) or not isinstance(data.get("body"), dict):
        raise ValueError("the chain's head is malformed")
    body = data["body"]
    if not hmac.compare_digest(str(data.get("mac", "")), _seal(key, body)):
        raise ValueError("the chain's head was altered, or the audit key changed")
    return Head(
        seq=int(body["seq"]),
        mac=str(body["mac"]),
        anchor_seq=int(body["anchor_seq"]),
        anchor_mac=str(body["anchor_mac"]),
        tenants={
            t: TenantHead(int(v[0]), str(v[1]), int(v[2]), str(v[3]))
            for t, v in body["tenants"].items()
        },
    )


def seal_head(key: bytes, head: Head) -> str:
    """The head with its MAC, as one JSON text."""
    body = head.as_dict()
    return json.dumps({"body": body, "mac": _seal(key, body)}, separators=(",", ":"))


def load_head(path: Path, key: bytes) -> Head | None:
    """The head in a file, None when there is no file; ValueError when it was altered."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return open_head(text, key)


def save_head(path: Path, key: bytes, head: Head) -> None:
    """Replace the head file atomically (write a sibling, fsync, rename)."""
    data = seal_head(key, head)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def load_head_from_table(conn: Any, scheme: int) -> Head:
    """A head read back from the table's newest rows (when the sealed one was lost)."""
    head = Head()
    last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    first = conn.execute("SELECT seq, prev_hash FROM audit_log ORDER BY seq LIMIT 1").fetchone()
    if last is not None:
        head.seq, head.mac = int(last[0]), str(last[1])
        head.anchor_seq, head.anchor_mac = int(first[0]) - 1, str(first[1])
    for tenant, tseq, mac, low, low_prev in conn.execute(
        "SELECT tenant, tseq, hash,"
        " (SELECT min(tseq) FROM audit_log b WHERE b.tenant = a.tenant AND b.scheme = ?),"
        " (SELECT tprev FROM audit_log c WHERE c.tenant = a.tenant AND c.scheme = ?"
        "  ORDER BY tseq LIMIT 1)"
        " FROM audit_log a WHERE scheme = ? AND tseq = (SELECT max(tseq) FROM audit_log d"
        " WHERE d.tenant = a.tenant AND d.scheme = ?)",
        (scheme, scheme, scheme, scheme),
    ):
        head.tenants[tenant] = TenantHead(int(tseq), str(mac), int(low) - 1, str(low_prev))
    return head

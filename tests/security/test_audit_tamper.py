"""Attacks on the audit trail by someone who can write the database but holds no key:
delete the newest records, edit and re-seal, move a record in time or to another tenant,
replace the head; and what a tenant's auditor may learn of other tenants."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from colonnade.cli.main import app as cli
from colonnade.knowledge.embedders import MiniLMEmbedder
from colonnade.observability.audit import AuditLog
from tests.api.conftest import start_api
from tests.security.conftest import Issuer, call, oidc_settings


def _trail(data: Path) -> Path:
    log = AuditLog(data / "colonnade.db")
    for i in range(6):
        log.append("answer", tenant="acme" if i % 2 else "globex", n=i, principal=f"u{i}")
    log.close()
    return data / "colonnade.db"


def _reseal(db: sqlite3.Connection) -> None:
    """What an attacker can do without the key: recompute every later SHA-256 hash."""
    prev = None
    for seq, record, prev_hash in db.execute(
        "SELECT seq, record, prev_hash FROM audit_log ORDER BY seq"
    ).fetchall():
        prev = prev or prev_hash
        digest = hashlib.sha256(f"{prev}\n{seq}\n{record}".encode()).hexdigest()
        db.execute(
            "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, seq)
        )
        prev = digest


def _delete_newest(db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM audit_log WHERE seq >= 5")


def _delete_newest_of_one_tenant(db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM audit_log WHERE seq = 6")


def _edit_and_reseal(db: sqlite3.Connection) -> None:
    (record,) = db.execute("SELECT record FROM audit_log WHERE seq = 2").fetchone()
    db.execute(
        "UPDATE audit_log SET record = ? WHERE seq = 2", (record.replace('"u1"', '"nobody"'),)
    )
    _reseal(db)


def _backdate(db: sqlite3.Connection) -> None:  # out of the export's window, into purge's
    db.execute("UPDATE audit_log SET at = '2001-01-01T00:00:00.000+00:00' WHERE seq = 3")


def _move_tenant(db: sqlite3.Connection) -> None:
    db.execute("UPDATE audit_log SET tenant = 'acme' WHERE seq = 3")


def _change_action(db: sqlite3.Connection) -> None:
    db.execute("UPDATE audit_log SET action = 'search' WHERE seq = 4")


def _delete_all(db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM audit_log")


def _swap_two(db: sqlite3.Connection) -> None:
    rows = {
        r[0]: r[1:]
        for r in db.execute("SELECT seq, record, hash FROM audit_log WHERE seq IN (2, 4)")
    }
    for seq, other in ((2, 4), (4, 2)):
        db.execute("UPDATE audit_log SET record = ?, hash = ? WHERE seq = ?", (*rows[other], seq))


ATTACKS: dict[str, Callable[[sqlite3.Connection], None]] = {
    "delete_newest": _delete_newest,
    "delete_newest_of_one_tenant": _delete_newest_of_one_tenant,
    "delete_everything": _delete_all,
    "edit_and_reseal": _edit_and_reseal,
    "backdate_at_column": _backdate,
    "move_to_other_tenant": _move_tenant,
    "change_action_column": _change_action,
    "swap_records": _swap_two,
}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_audit_verify_detects_every_tampering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, attack: str
) -> None:
    db_path = _trail(tmp_path / "data")
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(tmp_path / "data"))
    assert CliRunner().invoke(cli, ["audit", "verify"]).exit_code == 0
    db = sqlite3.connect(db_path)
    ATTACKS[attack](db)
    db.commit()
    db.close()
    r = CliRunner().invoke(cli, ["audit", "verify"])
    assert r.exit_code == 1, (attack, r.output)
    assert "audit trail broken" in r.output


def test_replacing_or_removing_the_head_is_detected(tmp_path: Path) -> None:
    db_path = _trail(tmp_path)
    head = tmp_path / "colonnade.audit-head"
    saved = head.read_bytes()
    log = AuditLog(db_path)
    log.append("answer", tenant="acme", n=99, now=True)
    # roll the table back by one and put an older head back: the older head is genuine,
    # but a head forged to match fewer rows is not
    data = json.loads(head.read_text())
    data["body"]["seq"] = 6
    head.write_text(json.dumps(data))
    assert not log.verify().ok and "head" in log.verify().reason
    head.write_bytes(saved)
    db = sqlite3.connect(db_path)
    db.execute("DELETE FROM audit_log WHERE seq = 7")
    db.commit()
    db.close()
    head.unlink()
    result = log.verify()
    assert not result.ok and "head" in result.reason
    # writing goes on, and the rebuilt head is reported from then on
    log.append("answer", tenant="acme", n=100, now=True)
    result = log.verify()
    assert not result.ok and "rebuilt" in result.reason
    log.close()


def test_the_key_stays_out_of_the_database_and_is_private(tmp_path: Path) -> None:
    db_path = _trail(tmp_path)
    key_file = tmp_path / "audit.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    key = key_file.read_bytes().strip()
    assert key not in db_path.read_bytes()
    # a configured key (environment secret or a Key Vault mount) is used instead
    mounted = tmp_path / "kv" / "audit-key"
    mounted.parent.mkdir()
    mounted.write_text("from-key-vault\n")
    other = AuditLog(tmp_path / "kv" / "other.db", key_file=mounted)
    other.append("answer", tenant="t", now=True)
    assert other.verify().ok
    assert not (tmp_path / "kv" / "audit.key").exists()
    other.close()
    # the same table checked with another key does not verify
    from pydantic import SecretStr

    wrong = AuditLog(db_path, key=SecretStr("a-different-key"))
    assert not wrong.verify().ok
    wrong.close()


def test_a_tenants_auditor_sees_only_its_own_scope(
    tmp_path: Path, minilm: MiniLMEmbedder, issuer: Issuer
) -> None:
    for api in start_api(
        tmp_path, minilm, security={"oidc": oidc_settings(issuer), "limits": {"enabled": False}}
    ):
        acme = issuer.token("root", tid="acme", roles=("admin",))
        globex = issuer.token("gus", tid="globex", roles=("admin",))
        for token in (acme, globex, acme, globex, globex, acme):
            call(api, "POST", "/v1/admin/keys", token, json={"name": "k"})
        records = [
            json.loads(line) for line in call(api, "GET", "/v1/admin/audit", acme).text.splitlines()
        ]
        assert [r["seq"] for r in records] == [1, 2, 3]  # no gaps where globex's records fall
        verified = call(api, "GET", "/v1/admin/audit/verify", acme).json()
        assert verified["ok"] and verified["records"] == 3  # not the platform-wide count
        # globex tampers with nothing of acme's: acme's chain still verifies alone
        platform = call(api, "GET", "/v1/admin/audit/verify", api.key).json()
        assert platform["ok"] and platform["records"] >= 6
        db = sqlite3.connect(tmp_path / "colonnade.db")
        db.execute(
            "DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log"
            " WHERE tenant = 'acme')"
        )
        db.commit()
        db.close()
        broken = call(api, "GET", "/v1/admin/audit/verify", acme).json()
        assert not broken["ok"] and broken["first_bad_seq"] == 3
        assert not call(api, "GET", "/v1/admin/audit/verify", api.key).json()["ok"]
        assert call(api, "GET", "/v1/admin/audit/verify", globex).json()["ok"]


def test_a_trail_written_before_keying_upgrades_and_stays_checked(tmp_path: Path) -> None:
    """Records of the unkeyed chain stay verifiable as its first part; re-sealing them after
    the upgrade breaks the link the first keyed record holds."""
    from colonnade.observability.audit import MIGRATIONS, _canonical, _chain
    from colonnade.storage import ConnectionPerThread, migrate

    db_path = tmp_path / "colonnade.db"
    pool = ConnectionPerThread(db_path)
    migrate(pool.get(), "audit", MIGRATIONS[:1])
    prev = "0" * 64
    for seq in (1, 2, 3):
        record = {"at": f"2026-01-0{seq}T00:00:00.000+00:00", "action": "answer", "tenant": "t"}
        canonical = _canonical(record)
        digest = _chain(prev, seq, canonical)
        pool.get().execute(
            "INSERT INTO audit_log(seq, at, tenant, action, record, prev_hash, hash)"
            " VALUES (?,?,?,?,?,?,?)",
            (seq, record["at"], "t", "answer", canonical, prev, digest),
        )
        prev = digest
    pool.close()
    log = AuditLog(db_path)
    assert log.verify().ok and log.verify().records == 3
    log.append("answer", tenant="t", n=4, now=True)
    assert log.verify().ok and log.verify().records == 4
    assert log.verify("t").ok and log.verify("t").records == 1  # the tenant's keyed chain
    log.close()
    db = sqlite3.connect(db_path)
    (record,) = db.execute("SELECT record FROM audit_log WHERE seq = 1").fetchone()
    db.execute("UPDATE audit_log SET record = ? WHERE seq = 1", (record.replace("answer", "x"),))
    _reseal(db)
    db.commit()
    db.close()
    log = AuditLog(db_path)
    assert not log.verify().ok
    log.close()

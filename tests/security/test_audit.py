"""The audit trail: a record per answer, completion and admin act; a hash chain that
exposes any change; export; the question policy; retention."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from colonnade.cli.main import app as cli
from colonnade.knowledge.embedders import MiniLMEmbedder
from colonnade.observability.audit import AuditLog
from tests.api.conftest import start_api

QUESTION = "How many days of annual leave do new employees get?"


def test_answers_and_admin_acts_are_recorded_and_the_chain_verifies(
    tmp_path: Path, minilm: MiniLMEmbedder, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    for api in start_api(tmp_path / "data", minilm, security={"audit": {"question": "hash"}}):
        with api.client() as c:
            answer = c.post("/v1/answers", json={"question": QUESTION}).json()
            c.post("/v1/answers", json={"question": QUESTION, "stream": True}).read()
            key = c.post("/v1/admin/keys", json={"name": "bot"}).json()
            c.delete(f"/v1/admin/keys/{key['id']}")
            lines = c.get("/v1/admin/audit").text.splitlines()
            records = [json.loads(line) for line in lines]
            verified = c.get("/v1/admin/audit/verify").json()
        actions = [r["action"] for r in records]
        assert actions[-4:] == ["answer", "answer", "admin.key_created", "admin.key_revoked"]
        first = records[-4]
        assert first["conversation_id"] == answer["conversation_id"]
        assert first["principal"] and first["tenant"] == "default"
        assert first["route"] == "POST /v1/answers"
        assert {s["document_id"] for s in first["sources"]} >= {
            x["document_id"] for x in answer["citations"]
        }
        assert all(s["version"] for s in first["sources"])
        assert first["cache"] in ("miss", "exact") and first["latency_ms"] > 0
        assert "question" not in first and len(first["question_sha256"]) == 64
        assert verified == {
            "ok": True,
            "records": len(records),
            "first_bad_seq": None,
            "reason": "",
        }
    # tampering with one stored record is found, from the CLI too
    db = sqlite3.connect(tmp_path / "data" / "colonnade.db")
    seq, record = db.execute("SELECT seq, record FROM audit_log ORDER BY seq LIMIT 1").fetchone()
    db.execute(
        "UPDATE audit_log SET record = ? WHERE seq = ?",
        (record.replace('"default"', '"other"'), seq),
    )
    db.commit()
    db.close()
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(tmp_path / "data"))
    r = CliRunner().invoke(cli, ["audit", "verify"])
    assert r.exit_code == 1 and f"broken at record {seq}" in r.output
    exported = CliRunner().invoke(cli, ["audit", "export"])
    assert exported.exit_code == 0 and len(exported.output.splitlines()) == len(records)


def test_deleting_or_reordering_records_breaks_the_chain(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "a.db")
    for i in range(5):
        log.append("answer", tenant="t", n=i)
    assert log.verify().ok and log.verify().records == 5
    db = sqlite3.connect(tmp_path / "a.db")
    db.execute("DELETE FROM audit_log WHERE seq = 3")
    db.commit()
    result = log.verify()
    assert not result.ok and result.first_bad_seq == 4 and "missing" in result.reason
    db.close()
    log.close()


def test_retention_keeps_the_rest_verifiable(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "a.db", retention=timedelta(days=30))
    for i in range(3):
        log.append("answer", tenant="t", n=i)
    log.flush()
    removed = log.purge(now=datetime.now(UTC) + timedelta(days=31))
    assert removed == 3
    log.append("answer", tenant="t", n=3)
    result = log.verify()
    assert result.ok and result.records == 1
    assert [r["n"] for r in log.records()] == [3]
    assert next(iter(log.records()))["seq"] == 4
    log.close()


def test_question_policies(tmp_path: Path) -> None:
    from colonnade.observability.audit import question_field

    assert question_field("q?", "store") == {"question": "q?"}
    assert list(question_field("q?", "hash")) == ["question_sha256"]
    assert question_field("q?", "omit") == {}

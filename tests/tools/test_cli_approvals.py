"""``colonnade approvals`` against the same SQLite file the API writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from colonnade.cli.main import app
from colonnade.container import Container
from colonnade.identity import Principal
from colonnade.settings import Settings
from colonnade.tools.approvals import ApprovalStore

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COLONNADE_CONFIG", raising=False)
    monkeypatch.delenv("COLONNADE_API_KEY", raising=False)
    return tmp_path / "data"


def test_list_approve_deny_and_refusals(data_dir: Path) -> None:
    c = Container(Settings(storage={"data_dir": data_dir}))  # type: ignore[arg-type]
    key, requester_token = c.api_keys.create(
        "requester", tenant="default", roles=("reader",), created_by="test"
    )
    c.close()
    requester = Principal("default", f"key:{key.id}")
    store = ApprovalStore(data_dir / "colonnade.db")
    first = store.request(requester, "delete_ticket", {"ticket_id": 7})
    second = store.request(requester, "delete_ticket", {"ticket_id": 8})
    store.close()

    listed = runner.invoke(app, ["approvals", "list", "--status", "pending", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.output.splitlines()]
    assert {r["id"] for r in rows} == {first.id, second.id}
    assert {r["arguments"]["ticket_id"] for r in rows} == {7, 8}

    # the requester may list its own requests but not approve them
    own = runner.invoke(app, ["approvals", "list", "--json", "--key", requester_token])
    assert own.exit_code == 0 and first.id in own.output
    table = runner.invoke(app, ["approvals", "list"])
    assert table.exit_code == 0 and "apr_" in table.output
    selfish = runner.invoke(app, ["approvals", "approve", first.id, "--key", requester_token])
    assert selfish.exit_code == 1 and "approve_tools" in selfish.output
    assert "Traceback" not in selfish.output

    ok = runner.invoke(app, ["approvals", "approve", first.id])  # the local operator, an admin
    assert ok.exit_code == 0 and "approved" in ok.output
    no = runner.invoke(app, ["approvals", "deny", second.id])
    assert no.exit_code == 0 and "denied" in no.output
    again = runner.invoke(app, ["approvals", "deny", first.id])
    assert again.exit_code == 1 and "not pending" in again.output
    missing = runner.invoke(app, ["approvals", "approve", "apr_nope"])
    assert missing.exit_code == 1 and "no approval" in missing.output
    bad = runner.invoke(app, ["approvals", "list", "--status", "maybe"])
    assert bad.exit_code == 1 and "--status" in bad.output

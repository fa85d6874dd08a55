from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from colonnade.cli.main import app
from tests.conftest import HANDBOOK

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COLONNADE_CONFIG", raising=False)
    return tmp_path / "data"


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_documents_show_ids_and_delete_by_prefix_audited_like_the_api() -> None:
    _ok("ingest", str(HANDBOOK / "hr"), "-C", "hr")
    listed = _ok("documents", "-C", "hr")
    hits = json.loads(_ok("search", "parental leave", "-k", "1", "--json"))["hits"]
    doc_id = hits[0]["document_id"]
    assert doc_id in listed  # the full id, never cut
    assert f"({doc_id})" in _ok("documents", "delete", doc_id[:8])
    assert doc_id not in _ok("documents", "-C", "hr")
    again = runner.invoke(app, ["documents", "delete", doc_id[:8]])
    assert again.exit_code == 1 and "not found" in again.output
    ambiguous = runner.invoke(app, ["documents", "delete", ""])
    assert ambiguous.exit_code == 1 and "colonnade documents" in ambiguous.output

    asked = _ok("ask", "How long is parental leave for the primary carer?")
    conversation = re.search(r"conversation ([0-9a-f]{32})", asked).group(1)  # type: ignore[union-attr]
    assert "primary carer" in _ok("conversations", "show", conversation[:6])
    _ok("conversations", "delete", conversation[:6])
    assert "deleted collection hr" in _ok("collections", "delete", "hr")
    assert "hr" not in _ok("collections").split("vector index")[0]

    records = [json.loads(line) for line in _ok("audit", "export").splitlines()]
    actions = [(r["action"], r["via"], r["route"]) for r in records]
    assert actions == [
        ("ingest", "cli", "cli ingest"),
        ("delete_document", "cli", "cli documents delete"),
        ("answer", "cli", "cli ask"),
        ("delete_conversation", "cli", "cli conversations delete"),
        ("delete_collection", "cli", "cli collections delete"),
    ]
    answer = records[2]
    assert answer["status"] == "ok" and answer["sources"] and answer["conversation_id"]
    assert "intact: 5 records" in _ok("audit", "verify")


def test_ingest_force_reingests_unchanged_files() -> None:
    first = _ok("ingest", str(HANDBOOK / "hr"), "-C", "hr")
    again = _ok("ingest", str(HANDBOOK / "hr"), "-C", "hr")
    forced = _ok("ingest", str(HANDBOOK / "hr"), "-C", "hr", "--force")

    def counts(report: str) -> list[str]:  # seen, added, updated, skipped
        row = next(line for line in report.splitlines() if re.search(r"│\s*\d", line))
        return re.findall(r"\d+(?:\.\d+)?", row)[:4]

    seen = counts(first)[0]
    assert counts(first) == [seen, seen, "0", "0"]
    assert counts(again) == [seen, "0", "0", seen]  # unchanged: skipped
    assert counts(forced) == [seen, "0", seen, "0"]  # forced: processed again
    refused = runner.invoke(app, ["ingest", str(HANDBOOK / "hr"), "--force", "--queue"])
    assert refused.exit_code == 1 and "leave out --queue" in refused.output


def test_keys_are_listed_whole_and_revoked_by_prefix() -> None:
    token = _ok("keys", "create", "nightly-report").split()[0]
    key_id = token.split("_")[1]
    _ok("keys", "create", "second")
    listed = _ok("keys", "list")
    assert key_id in listed
    assert f"revoked {key_id}" in _ok("keys", "revoke", key_id[:5])
    missing = runner.invoke(app, ["keys", "revoke", "zzzz"])
    assert missing.exit_code == 1 and "not found" in missing.output


def test_version_and_plain_help() -> None:
    assert _ok("--version").startswith("colonnade ")
    for args in (["--help"], ["serve", "--help"], ["documents", "--help"]):
        text = _ok(*args)
        assert "<bool>" not in text and "\x1b[" not in text

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from colonnade.cli.main import app
from colonnade.knowledge.history.sqlite import SQLiteIngestHistory
from colonnade.settings import Settings
from tests.conftest import HANDBOOK

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COLONNADE_CONFIG", raising=False)
    return tmp_path / "data"


def test_ingest_search_list(data_dir: Path) -> None:
    result = runner.invoke(app, ["ingest", str(HANDBOOK / "travel"), "-C", "travel"])
    assert result.exit_code == 0, result.output
    assert "Ingest report: travel" in result.output
    history = SQLiteIngestHistory(Settings().storage.sqlite_path())
    (record,) = history.recent("default")
    history.close()
    assert (record.kind, record.collection, record.failed) == ("cli", "travel", 0)
    assert record.added > 0 and record.actor.startswith("cli")
    result = runner.invoke(app, ["search", "hotel limit London", "-k", "2", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["hits"][0]["title"] == "Expense Limits"
    result = runner.invoke(app, ["collections"])
    assert "travel" in result.output and "vector index" in result.output
    result = runner.invoke(app, ["documents", "-C", "travel"])
    assert "Per Diem Rates" in result.output
    result = runner.invoke(app, ["search", "per diem", "--type", "pdf", "--where", "owner=Finance"])
    assert "Per Diem Rates" in result.output


def test_errors_are_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert result.output.strip().startswith("error:") and "does not exist" in result.output
    result = runner.invoke(app, ["search", "x", "--where", "novalue"])
    assert result.exit_code == 1 and "key=value" in result.output


def test_bad_setting_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLONNADE_RETRIEVAL__TOP_K", "zero")
    result = runner.invoke(app, ["collections"])
    assert result.exit_code == 1
    assert "retrieval.top_k" in result.output

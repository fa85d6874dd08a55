from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from colonnade.cli.main import app
from colonnade.conversations.feedback import SQLiteFeedbackStore
from colonnade.identity.local_key import local_owner
from tests.conftest import HANDBOOK

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COLONNADE_CONFIG", raising=False)
    assert runner.invoke(app, ["ingest", str(HANDBOOK / "hr"), "-C", "hr"]).exit_code == 0
    return tmp_path / "data"


def _asked(question: str) -> str:
    result = runner.invoke(app, ["ask", question])
    assert result.exit_code == 0, result.output
    return re.search(r"conversation ([0-9a-f]{32})", result.output).group(1)  # type: ignore[union-attr]


def test_rated_answers_export_and_run_again(data_dir: Path, tmp_path: Path) -> None:
    liked = _asked("How long is parental leave for the primary carer?")
    disliked = _asked("How many days of sick leave can I take?")
    store = SQLiteFeedbackStore(data_dir / "colonnade.db")
    owner = local_owner()
    store.rate(liked, 1, tenant="default", owner=owner, rating="up", collections=["hr"])
    store.rate(disliked, 1, tenant="default", owner=owner, rating="down", comment="vague")
    store.close()

    exported = runner.invoke(app, ["feedback", "export"])
    assert exported.exit_code == 0, exported.output
    rows = [json.loads(line) for line in exported.output.splitlines()]
    assert [r["rating"] for r in rows] == ["up", "down"] and rows[1]["comment"] == "vague"
    rated = tmp_path / "rated.jsonl"
    rated.write_text(exported.output)

    result = runner.invoke(app, ["eval", "answers", str(rated), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)["summary"]
    # the liked answer still cites what it cited; the disliked one is unchanged, and says so
    assert summary == {"rated": 2, "up_kept": 1, "up": 1, "down_changed": 0, "down": 1}

    rows[1]["answer"] = "an older, different answer"
    rated.write_text("\n".join(json.dumps(r) for r in rows))
    text = runner.invoke(app, ["eval", "answers", str(rated)]).output
    assert "now answered differently: 1/1" in text

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "x"}\n')
    refused = runner.invoke(app, ["eval", "answers", str(bad)])
    assert refused.exit_code == 1 and "rating of up or down" in refused.output

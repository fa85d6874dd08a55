from __future__ import annotations

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
    assert runner.invoke(app, ["ingest", str(HANDBOOK / "hr"), "-C", "hr"]).exit_code == 0
    return tmp_path / "data"


def test_ask_then_manage_conversations() -> None:
    result = runner.invoke(app, ["ask", "How long is parental leave for the primary carer?"])
    assert result.exit_code == 0, result.output
    assert "20 weeks" in result.output and "[1] Parental Leave Policy" in result.output
    conversation = re.search(r"conversation ([0-9a-f]{32})", result.output).group(1)  # type: ignore[union-attr]
    listed = runner.invoke(app, ["conversations", "list"])
    assert conversation in listed.output
    shown = runner.invoke(app, ["conversations", "show", conversation])
    assert "primary carer" in shown.output
    assert runner.invoke(app, ["conversations", "purge"]).output.startswith("purged 0")
    assert runner.invoke(app, ["conversations", "delete", conversation]).exit_code == 0
    gone = runner.invoke(app, ["conversations", "show", conversation])
    assert gone.exit_code == 1 and "not found" in gone.output


def test_chat_holds_a_follow_up() -> None:
    result = runner.invoke(
        app,
        ["chat"],
        input="How long is parental leave for the primary carer?\nAnd for the secondary carer?\n\n",
    )
    assert result.exit_code == 0, result.output
    assert "20 weeks" in result.output and "6 weeks" in result.output
    ids = set(re.findall(r"conversation ([0-9a-f]{32})", result.output))
    assert len(ids) == 1


def test_ask_refuses_an_empty_question() -> None:
    result = runner.invoke(app, ["ask", "  "])
    assert result.exit_code == 1 and "empty" in result.output


def test_an_unreachable_redis_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.servers import free_port

    monkeypatch.setenv("COLONNADE_SECURITY__CACHE__URL", f"redis://127.0.0.1:{free_port()}/1")
    result = runner.invoke(app, ["ask", "How long is parental leave for the primary carer?"])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot reach Redis"), result.output
    assert "security.cache.url" in lines[0]


def test_a_refusal_lists_the_nearest_passages_without_citing_them() -> None:
    result = runner.invoke(app, ["ask", "Who won the football world cup in 2014?"])
    assert result.exit_code == 0, result.output
    assert "could not find anything" in result.output
    assert "Nearest passages I found" in result.output and "[1]" not in result.output
    assert "file://" in result.output  # where to open it

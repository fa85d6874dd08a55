"""The README's "Using it" commands run as written, from the repository root, on a fresh
data directory."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from colonnade.cli.main import app

ROOT = Path(__file__).resolve().parents[2]


def readme_block(heading: str) -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split(f"## {heading}\n", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None, f"no bash block under {heading}"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_using_it_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("COLONNADE_CONFIG", raising=False)
    # --data-dir sets this in the process: recorded here so that it is undone afterwards
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", "")
    monkeypatch.delenv("COLONNADE_STORAGE__DATA_DIR")
    monkeypatch.setenv("COLONNADE_DATA_DIR", str(tmp_path / "fresh"))
    runner = CliRunner()
    commands = readme_block("Using it")
    assert len(commands) >= 10
    outputs = {}
    for line in commands:
        argv = shlex.split(line, comments=True)
        assert argv[0] == ".venv/bin/colonnade", line
        result = runner.invoke(app, argv[1:], input="\n")
        assert result.exit_code == 0, f"{line}\n{result.output}"
        outputs[" ".join(argv[1:3])] = result.output
    assert "Expense Limits" in outputs["search hotel limit in London"]
    assert "Per Diem Rates" in outputs["search per diem"]
    assert "nDCG@10" in outputs["eval retrieval"]
    assert "20 weeks" in outputs["ask How long is parental leave for the primary carer?"]
    assert (tmp_path / "fresh" / "colonnade.db").is_file()  # COLONNADE_DATA_DIR was used

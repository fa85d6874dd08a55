"""The README's "Using it" commands run as written, from the repository root, on a fresh
data directory."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from colonnade.cli.main import app
from tests.servers import free_port

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


def shell_commands(lines: list[str]) -> list[str]:
    """Lines joined into whole shell commands: continued by a backslash or an open quote."""
    commands, pending = [], ""
    for line in lines:
        pending = f"{pending}\n{line}" if pending else line
        if pending.endswith("\\"):
            continue
        try:
            shlex.split(pending, comments=True)
        except ValueError:  # a quote still open
            continue
        commands.append(pending)
        pending = ""
    assert not pending, f"unfinished command: {pending}"
    return commands


def _segments(output: str, count: int) -> list[str]:
    parts = re.split(r"^::step (\d+)::$", output, flags=re.M)
    found = {int(parts[i]): parts[i + 1] for i in range(1, len(parts) - 1, 2)}
    return [found.get(i, "") for i in range(count)]


@pytest.mark.integration
def test_the_ml_platform_runs_as_written(tmp_path: Path, redis_url: str) -> None:
    """From a fresh clone's root with `.venv/bin` on PATH; only the server's port and the
    Redis server are this test's own (another may hold 8000 and 6379 on this machine)."""
    pytest.importorskip("mlflow")
    import redis

    commands = shell_commands(readme_block("The ML platform"))
    clone = tmp_path / "clone"  # no .colonnade yet: the default data directory is fresh
    clone.mkdir()
    (clone / "examples").symlink_to(ROOT / "examples")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "colonnade"
    shim.write_text(f'#!/bin/sh\nexec {sys.executable} -m colonnade "$@"\n')
    shim.chmod(0o755)
    port = free_port()
    db_url = redis_url.rsplit("/", 1)[0] + "/12"
    db = redis.Redis.from_url(db_url)
    db.flushdb()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("COLONNADE_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    env |= {
        "PATH": f"{bin_dir}:{env['PATH']}",
        "PYTHONPATH": str(ROOT / "src"),
        "COLONNADE_API__PORT": str(port),
        "NO_COLOR": "1",
    }
    script = ["set -euo pipefail"]
    for i, command in enumerate(commands):
        ours = (
            command.replace("localhost:8000", f"localhost:{port}")
            .replace("redis://127.0.0.1:6379/0", db_url)
            .replace("redis-cli ", f"redis-cli -u {db_url} ")
        )
        script += [f"printf '\\n::step {i}::\\n'", ours]  # curl ends without a newline
    try:
        run = subprocess.run(
            ["bash", "-c", "\n".join(script)],
            cwd=clone,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=900,
        )
    finally:
        subprocess.run(["colonnade", "stop"], cwd=clone, env=env, capture_output=True, timeout=60)
        db.flushdb()
        db.close()
    out = _segments(run.stdout, len(commands))
    reached = [int(n) for n in re.findall(r"^::step (\d+)::$", run.stdout, re.M)]
    failed = commands[reached[-1]] if reached else "bash"
    assert run.returncode == 0, f"stopped at: {failed}\n{run.stdout[-4000:]}"

    def step(prefix: str) -> str:
        return next(o for c, o in zip(commands, out, strict=True) if c.startswith(prefix))

    # train's "Next:" line is the README's promote command, --to and --key included
    printed = re.search(
        r"Next, [^:]*: (colonnade models promote .+)$", step("colonnade train"), re.M
    )
    assert printed is not None, step("colonnade train")
    assert any(shlex.split(c, comments=True) == shlex.split(printed.group(1)) for c in commands), (
        printed.group(1)
    )
    assert "champion" in step("colonnade models promote churn ")
    by_features, by_entity = (
        json.loads(o.strip()) for c, o in zip(commands, out, strict=True) if c.startswith("curl")
    )
    for answer in (by_features, by_entity):
        assert answer["model"] == "churn" and 0 <= answer["probability"] <= 1, answer
        assert answer["model_version"] == "1" and answer["step"] == "champion"
    assert (clone / "scored.parquet").is_file() and (clone / "drift.html").is_file()
    # the stream's output entries carry the documented fields
    scored = step("redis-cli XRANGE")
    for field in ("id", "order-1", "model", "version", "probability", "prediction"):
        assert field in scored.split(), scored
    assert "stopped" in step("colonnade stop")

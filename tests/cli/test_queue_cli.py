"""`colonnade ingest --queue`, `colonnade worker ingest --once` and `colonnade worker job`."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

from typer.testing import CliRunner

from colonnade.cli.main import app as cli
from colonnade.knowledge.history.sqlite import SQLiteIngestHistory
from colonnade.settings import Settings


def test_queue_then_worker_then_status(redis_url: str, handbook_copy: Path, tmp_path: Path) -> None:
    env = {
        "COLONNADE_STORAGE__DATA_DIR": str(tmp_path / "data"),
        "COLONNADE_INGESTION__QUEUE_URL": redis_url,
    }
    runner = CliRunner()
    queued = runner.invoke(
        cli, ["ingest", str(handbook_copy), "-C", "handbook", "--queue"], env=env
    )
    assert queued.exit_code == 0, queued.output
    job_id = re.search(r"job ([0-9a-f]{32})", queued.output)[1]  # type: ignore[index]
    waiting = runner.invoke(cli, ["worker", "job", job_id], env=env)
    assert json.loads(waiting.output)["state"] == "queued"
    worked = runner.invoke(cli, ["worker", "ingest", "--once"], env=env)
    assert worked.exit_code == 0, worked.output
    assert "applied 1 jobs" in worked.output
    done = json.loads(runner.invoke(cli, ["worker", "job", job_id], env=env).output)
    assert done["state"] == "done" and done["report"]["added"] > 0
    # the worker records the job in the ingest history, naming who queued it
    history = SQLiteIngestHistory(
        Settings(storage={"data_dir": tmp_path / "data"}).storage.sqlite_path()
    )
    (record,) = history.recent("default")
    history.close()
    assert (record.kind, record.job_id, record.added) == ("queue", job_id, done["report"]["added"])
    assert record.actor.startswith("cli")
    found = runner.invoke(cli, ["search", "annual leave", "-C", "handbook"], env=env)
    assert found.exit_code == 0 and "leave" in found.output.lower()
    unknown = runner.invoke(cli, ["worker", "job", uuid.uuid4().hex], env=env)
    assert unknown.exit_code == 1 and "no ingestion job" in unknown.output


def test_queue_needs_a_shared_queue(handbook_copy: Path, tmp_path: Path) -> None:
    env = {"COLONNADE_STORAGE__DATA_DIR": str(tmp_path / "data")}
    r = CliRunner().invoke(cli, ["ingest", str(handbook_copy), "--queue"], env=env)
    assert r.exit_code == 1 and "COLONNADE_INGESTION__QUEUE_URL" in r.output
    r = CliRunner().invoke(cli, ["worker", "ingest", "--once"], env=env)
    assert r.exit_code == 1 and "no ingestion queue is configured" in r.output

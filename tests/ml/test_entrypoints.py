"""The image's entrypoints, run as the chart runs them (its rendered args and ConfigMap), in
processes of their own: `serve` answers /healthz, /readyz and /v2/health/ready; `predict
stream` scores a Redis Stream and exits when idle; `train` registers a version. Each runs
from an empty working directory, which must stay empty (the root filesystem is read-only in
the pod; only the data dir and /tmp are writable)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
import yaml

from tests.deploy.manifests import ROOT, find, render
from tests.ml.test_serving import ROW
from tests.servers import free_port

pytestmark = pytest.mark.integration


def chart_env(data_dir: Path, redis_url: str) -> dict[str, str]:
    """The pod's environment: the ConfigMap, the Secret's references resolved to test values."""
    config = find(render("default"), "ConfigMap", "-config")["data"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("COLONNADE_")}
    env |= config
    env |= {
        "COLONNADE_STORAGE__DATA_DIR": str(data_dir),
        "REDIS_URL": redis_url,
        "COLONNADE_SECURITY__LIMITS__STORAGE_URL": redis_url,
        "PYTHONPATH": str(ROOT / "src"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return env


def container(kind: str, suffix: str) -> dict[str, Any]:
    obj = find(render("default"), kind, suffix)
    spec = obj["spec"].get("template") or obj["spec"]["jobTemplate"]["spec"]["template"]
    first: dict[str, Any] = spec["spec"]["containers"][0]
    return first


def colonnade(args: list[str]) -> list[str]:
    return [sys.executable, "-m", "colonnade", *args]


def test_serve_starts_and_answers_its_probes(ml_dir: Path, redis_url: str, tmp_path: Path) -> None:
    api = container("Rollout", "-api")
    port = free_port()
    args = [a.replace("0.0.0.0", "127.0.0.1").replace("8000", str(port)) for a in api["args"]]
    assert args[0] == "serve"
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            colonnade(args), cwd=cwd, env=chart_env(ml_dir, redis_url), stdout=out, stderr=out
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, log.read_text()[-2000:]
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "serve did not become ready"
            time.sleep(0.5)
        for probe in (api["livenessProbe"], api["readinessProbe"], api["startupProbe"]):
            assert httpx.get(base + probe["httpGet"]["path"]).status_code == 200
        assert httpx.get(f"{base}/v2/health/ready").json() == {"ready": True}
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    assert list(cwd.iterdir()) == []


def test_predict_stream_scores_and_exits_when_idle(
    ml_dir: Path, redis_url: str, tmp_path: Path
) -> None:
    worker = container("Deployment", "-worker-predict")
    env = chart_env(ml_dir, redis_url)
    args = [a.replace("$(REDIS_URL)", redis_url) for a in worker["args"]]
    args = [a for a in args if not a.startswith("--metrics-")] + ["--idle-exit-s", "5"]
    flags = dict(
        a.removeprefix("--").split("=", 1) for a in args if a.startswith("--") and "=" in a
    )
    r = redis.Redis.from_url(redis_url)
    r.delete(flags["input"], flags["output"])
    # a fresh event id: the shared Redis remembers ids other tests' workers already wrote
    r.xadd(flags["input"], {"id": f"evt-{uuid.uuid4().hex}", "features": json.dumps(ROW)})
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    done = subprocess.run(
        colonnade(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["written"] == 1
    assert r.xlen(flags["output"]) == 1
    assert list(cwd.iterdir()) == []


def test_train_job_registers_a_version(ml_dir: Path, redis_url: str, tmp_path: Path) -> None:
    job = container("Job", "-train-churn")
    command, pipeline = job["args"]
    assert command == "train"
    # the Job's pipeline, smaller: the same file with fewer rows and one tuning trial
    spec = yaml.safe_load((ROOT / pipeline).read_text())
    spec["source"]["rows"] = 1500
    small = tmp_path / "churn.yaml"
    small.write_text(yaml.safe_dump(spec))
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    done = subprocess.run(
        colonnade([command, str(small), "--trials", "1"]),
        cwd=cwd,
        env=chart_env(ml_dir, redis_url),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "churn version 3" in done.stdout  # versions 1 and 2 came with the shared registry
    assert list(cwd.iterdir()) == []
    shutil.rmtree(cwd)

"""Tracking and the registry on a real MLflow server over HTTP (``ml.tracking_uri``)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest

from colonnade.mlplatform.registry import Registry
from colonnade.mlplatform.runtime import load_served
from colonnade.mlplatform.tracking import Tracking
from colonnade.mlplatform.training import train
from colonnade.settings import Settings
from tests.ml.conftest import APPROVER, churn_spec
from tests.servers import free_port

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("mlflow-server")
    port = free_port()
    binary = shutil.which("mlflow", path=str(Path(sys.executable).parent)) or "mlflow"
    proc = subprocess.Popen(
        [
            binary,
            "server",
            "--backend-store-uri",
            f"sqlite:///{root / 'db.sqlite'}",
            "--artifacts-destination",
            str(root / "artifacts"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            pytest.fail("mlflow server did not start")
        time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def test_train_register_promote_and_serve_through_a_tracking_server(
    mlflow_server: str, tmp_path: Path
) -> None:
    import mlflow

    previous = mlflow.get_tracking_uri()
    try:
        _through_server(mlflow_server, tmp_path)
    finally:
        mlflow.set_tracking_uri(previous)  # training pointed the fluent API at the server


def _through_server(mlflow_server: str, tmp_path: Path) -> None:
    settings = Settings(storage={"data_dir": tmp_path}, ml={"tracking_uri": mlflow_server})  # type: ignore[arg-type]
    spec = churn_spec(rows=1500, trials=0)
    spec.baseline = None
    spec.gate.min = {}  # a small, untuned model: the gate is not what this test is about
    result = train(spec, settings, trained_by="trainer")
    registry = Registry(Tracking.from_settings(settings))
    registry.promote("churn", result.version, "champion", APPROVER)
    run = registry.client.get_run(result.run_id)
    assert run.info.artifact_uri.startswith("mlflow-artifacts:")  # stored by the server
    assert not (tmp_path / "mlflow.db").exists()  # nothing tracked locally
    served = load_served(settings, "churn")
    assert served.version == result.version and served.runtime == "onnx"
    probs = served.score(served.encoder.frame_matrix(served.reference.head(20)))
    assert probs.shape == (20,) and np.all((probs >= 0) & (probs <= 1))
